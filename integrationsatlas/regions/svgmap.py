"""Draw region boundaries as inline SVG paths, projected to EPSG:25833: a map with no tiles and no script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from pyproj import Transformer
from shapely.geometry import shape

from .models import Region
from .version import current_version

_to_metric = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
VIEW_WIDTH = 1000.0


@dataclass(frozen=True)
class MapShape:
    ags: str
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    shapes: tuple[MapShape, ...]


def _project(geometry: shapely.Geometry) -> shapely.Geometry:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = _to_metric.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, transform)


def _ring_path(coords: np.ndarray, origin: tuple[float, float], scale: float) -> str:
    x = (coords[:, 0] - origin[0]) * scale
    y = (origin[1] - coords[:, 1]) * scale  # SVG's y axis points down
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
    return f"M{points}Z"


def _geometry_path(geometry: shapely.Geometry, origin: tuple[float, float], scale: float) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        parts.append(_ring_path(np.asarray(polygon.exterior.coords), origin, scale))
        parts += [_ring_path(np.asarray(r.coords), origin, scale) for r in polygon.interiors]
    return "".join(parts)


def build_map(regions: Sequence[Region], tolerance_m: float = 150.0) -> SvgMap:
    projected = [
        (r, _project(shape(r.boundary)).simplify(tolerance_m)) for r in regions if r.boundary
    ]
    if not projected:
        return SvgMap(VIEW_WIDTH, 0.0, ())
    minx, miny, maxx, maxy = shapely.total_bounds([g for _, g in projected])
    scale = VIEW_WIDTH / (maxx - minx)
    origin = (minx, maxy)
    shapes = []
    for region, geometry in projected:
        label = geometry.representative_point()
        shapes.append(
            MapShape(
                ags=region.ags,
                name=region.name,
                path=_geometry_path(geometry, origin, scale),
                label_x=round((label.x - minx) * scale, 1),
                label_y=round((maxy - label.y) * scale, 1),
            )
        )
    return SvgMap(VIEW_WIDTH, round((maxy - miny) * scale, 1), tuple(shapes))


def region_map(level: str, parent: str | None = None) -> SvgMap:
    """The map of all regions of a level (optionally under one parent), cached until the next load.

    The key holds the regions' version: a load in another process (the `load-regions`
    command) cannot clear this process's cache, but it changes the version.
    """
    key = f"svgmap:{current_version()}:{level}:{parent or ''}"
    cached = cache.get(key)
    if cached is None:
        regions = Region.objects.filter(level=level).order_by("ags")
        if parent:
            regions = regions.filter(parent_id=parent)
        tolerance = 150.0 if level == Region.Level.KREIS else 60.0
        cached = build_map(list(regions), tolerance)
        cache.set(key, cached, 60 * 60 * 24)
    return cached
