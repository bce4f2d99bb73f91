"""Shared fixtures for the engine tests: a tiny hand-checkable region tree and services."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from integrationsatlas.analysis.model import Regions, Services

# Land 14 -> Kreise 14A, 14B -> Gemeinden a1, a2 (in 14A), b1, b2 (in 14B).
KEYS = ["14", "14A", "14B", "a1", "a2", "b1", "b2"]
LEVELS = ["land", "kreis", "kreis", "gemeinde", "gemeinde", "gemeinde", "gemeinde"]
PARENT = [-1, 0, 0, 1, 1, 2, 2]


@pytest.fixture
def regions() -> Regions:
    foreign = np.array([4000.0, 3000.0, 1000.0, 2000.0, 1000.0, 1000.0, np.nan])
    population = np.array([40000.0, 30000.0, 10000.0, 20000.0, 10000.0, 10000.0, 0.0])
    return Regions(
        keys=np.array(KEYS),
        levels=np.array(LEVELS),
        parent=np.array(PARENT),
        indicators={"foreign_population": foreign, "population": population},
        # Kreis 14A: 600 Arabic, 300 Ukrainian, 100 Farsi speakers; 14B: no language data.
        language_region=np.array([1, 1, 1]),
        language_code=np.array(["ar", "uk", "fa"]),
        language_population=np.array([600.0, 300.0, 100.0]),
    )


@pytest.fixture
def make_services() -> Callable[..., Services]:
    return _make_services


def _make_services(**overrides: object) -> Services:
    """Four services: three MBE (no. 2 inactive, online) and one JMD; no. 1 lies in a2 and
    also serves Kreis 14B as a whole. Pass keyword overrides for any field."""
    base: dict[str, object] = {
        "offer_type": np.array(["mbe", "mbe", "mbe", "jmd"]),
        "lon": np.array([13.70, 13.75, np.nan, 13.70]),
        "lat": np.array([51.05, 51.05, np.nan, 51.05]),
        "region": np.array([3, 4, -1, 3]),
        "capacity": np.array([1.5, 2.0, 1.0, 1.0]),
        "active": np.array([True, True, False, True]),
        "weekly_hours": np.array([20.0, 30.0, 10.0, 40.0]),
        "area_service": np.array([1]),
        "area_region": np.array([2]),
        "language_service": np.array([0, 0, 1, 2]),
        "language_code": np.array(["ar", "de", "uk", "fa"]),
    }
    base.update(overrides)
    return Services(**base)  # type: ignore[arg-type]
