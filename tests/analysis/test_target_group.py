"""Issue 17: a rule's target group limits its supply to services serving that group or all."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from integrationsatlas.analysis.assess import EngineRule, Regions, Services, assess

REF = dt.date(2025, 1, 1)


def services() -> Services:
    """Four MBE offices in Gemeinde a1: 1 FTE for EU citizens, 2 for refugees, 4 naming no
    group (open to all), 8 for refugees and "all"."""
    return Services(
        offer_type=np.array(["mbe"] * 4),
        lon=np.array([13.70] * 4),
        lat=np.array([51.05] * 4),
        region=np.array([3, 3, 3, 3]),
        capacity=np.array([1.0, 2.0, 4.0, 8.0]),
        active=np.array([True] * 4),
        weekly_hours=np.array([10.0] * 4),
        group_service=np.array([0, 1, 3, 3]),
        group_code=np.array(["eu_citizens", "refugees", "refugees", "all"]),
    )


def value_at_a1(regions: Regions, group: str) -> float:
    rule = EngineRule(
        "r", "mbe", "ratio", "gemeinde", 0.5, "foreign_population", target_group=group
    )
    rows = assess(regions, services(), [rule], REF)
    return next(r.value for r in rows if r.region_key == "a1")


def test_group_rule_counts_only_services_for_the_group_or_all(regions: Regions) -> None:
    # a1 has 2,000 foreign residents; ratio per 1,000. Hand-computed: EU rule 1 + 4 + 8 = 13
    # FTE -> 6.5; refugees rule 2 + 4 + 8 = 14 -> 7.0; no group: all 15 -> 7.5.
    assert value_at_a1(regions, "eu_citizens") == pytest.approx(13 / 2000 * 1000)
    assert value_at_a1(regions, "refugees") == pytest.approx(14 / 2000 * 1000)
    assert value_at_a1(regions, "") == pytest.approx(15 / 2000 * 1000)


def test_group_rows_must_point_at_services() -> None:
    with pytest.raises(ValueError, match="group_service index out of range"):
        Services(
            offer_type=np.array(["mbe"]),
            lon=np.array([13.7]),
            lat=np.array([51.0]),
            region=np.array([3]),
            capacity=np.array([1.0]),
            active=np.array([True]),
            weekly_hours=np.array([1.0]),
            group_service=np.array([4]),
            group_code=np.array(["eu_citizens"]),
        )
