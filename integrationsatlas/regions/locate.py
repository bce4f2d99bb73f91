"""Which Gemeinde contains a point: point-in-polygon over the stored boundaries, indexed once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from .models import Region
from .version import current_version

_lock = threading.Lock()


@dataclass
class _Index:
    keys: list[str]
    tree: shapely.STRtree
    geometries: list[shapely.Geometry]
    version: str  # the regions' version it was built from (`version.current_version`)


_index: _Index | None = None


def _build(version: str) -> _Index:
    rows = list(
        Region.objects.filter(level=Region.Level.GEMEINDE, boundary__isnull=False)
        .order_by("ags")
        .values_list("ags", "boundary")
    )
    geometries = [shape(boundary) for _, boundary in rows]
    shapely.prepare(geometries)
    return _Index([a for a, _ in rows], shapely.STRtree(geometries), geometries, version)


def _get_index() -> _Index:
    global _index
    # The regions' version is asked of the database at most every few seconds (a search by
    # coordinates used to count the Gemeinden on every call).
    version = current_version()
    with _lock:
        if _index is None or _index.version != version:
            _index = _build(version)
        return _index


def reset_index() -> None:
    """Forget the cached index (after regions are reloaded in the same process)."""
    global _index
    with _lock:
        _index = None


def gemeinde_keys_at(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
    """AGS of the Gemeinde containing each point, or None outside every Gemeinde."""
    index = _get_index()
    points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    result: list[str | None] = [None] * len(points)
    if not index.keys:
        return result
    point_idx, geom_idx = index.tree.query(points, predicate="intersects")
    for p, g in zip(point_idx.tolist(), geom_idx.tolist(), strict=True):
        if result[p] is None or index.keys[g] < result[p]:  # a border point: lowest key wins
            result[p] = index.keys[g]
    return result


def gemeinde_at(lon: float, lat: float) -> Region | None:
    """The Gemeinde a coordinate lies in (WGS84 lon/lat), or None outside the loaded Land."""
    key = gemeinde_keys_at(np.array([lon]), np.array([lat]))[0]
    return None if key is None else Region.objects.get(pk=key)
