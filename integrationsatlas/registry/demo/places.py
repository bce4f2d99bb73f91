"""Where and when a demo service is open: sites inside their Gemeinde and weekly hours."""

from __future__ import annotations

from datetime import time
from typing import Any

import numpy as np
import shapely

from integrationsatlas.regions.models import Region


def schedule_rows(rng: np.random.Generator, code: str) -> list[tuple[int, time, time]]:
    """Weekly hours: a few weekday intervals, Saturdays for cafés and sports now and then."""
    days = sorted(rng.choice([1, 2, 3, 4, 5], size=int(rng.integers(2, 5)), replace=False))
    rows = []
    for day in days:
        if rng.random() < 0.6:
            start = int(rng.choice([8, 9, 10]))
            rows.append((int(day), time(start), time(start + int(rng.integers(2, 5)))))
        if rng.random() < 0.5 or not rows or rows[-1][0] != day:
            start = int(rng.choice([13, 14, 15]))
            rows.append((int(day), time(start), time(start + int(rng.integers(2, 4)))))
    if code in {"language_cafe", "sports_club", "library"} and rng.random() < 0.4:
        rows.append((6, time(10), time(13)))
    return rows


def place_points(
    rng: np.random.Generator, gemeinde: Region, geometry: Any, count: int
) -> list[tuple[float, float]]:
    """Points inside the Gemeinde: jitter around its representative point, keep those inside."""
    radius = max(0.004, min(0.05, np.sqrt(gemeinde.area_km2 or 10.0) / 250.0))
    points: list[tuple[float, float]] = []
    for _attempt in range(8):
        lons = gemeinde.point_lon + rng.normal(0, radius, size=count * 2)
        lats = gemeinde.point_lat + rng.normal(0, radius * 0.65, size=count * 2)
        inside = shapely.contains_xy(geometry, lons, lats)
        points += [
            (round(float(x), 6), round(float(y), 6))
            for x, y, ok in zip(lons, lats, inside, strict=True)
            if ok
        ]
        if len(points) >= count:
            return points[:count]
        radius /= 2
    return (points + [(gemeinde.point_lon, gemeinde.point_lat)] * count)[:count]
