"""Rules with mode "transit": reach and 2SFCA judged by travel minutes by bus and train,
hand-checked on the tiny region tree; the straight line when no travel times are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest

from integrationsatlas.analysis.assess import (
    DemandPoints,
    EngineRule,
    Regions,
    Services,
    TravelTimes,
    assess,
)
from integrationsatlas.analysis.catchment import two_step_fca

REF = dt.date(2025, 1, 1)
MakeServices = Callable[..., Services]
BASIS = "mit Bus und Bahn, werktags 7–9 Uhr, Fahrplan test vom 01.12.2026"


def by_key(rows: list) -> dict:  # type: ignore[type-arg]
    return {r.region_key: r for r in rows}


def _points() -> DemandPoints:
    # Two points in a1, one in b1, one in b2 (as test_assess._points).
    return DemandPoints(
        lon=np.array([13.70, 13.90, 13.70, 14.50]),
        lat=np.array([51.05, 51.05, 51.06, 51.05]),
        region=np.array([3, 3, 5, 6]),
        weights={"population": np.array([100.0, 300.0, 50.0, 80.0])},
    )


# Minutes from the four points to services 0 and 1 (the two active MBE sites); service 3
# (JMD) is of another type and never read.
MINUTES = np.array(
    [
        [5.0, 20.0],  # point 0: 5 min to s0
        [50.0, 44.0],  # point 1: 44 min to s1, just within 45
        [np.inf, 46.0],  # point 2: 46 min, just beyond
        [np.inf, np.inf],  # point 3: unreachable by bus and train
    ]
)


def _reach(**params: float) -> EngineRule:
    return EngineRule(
        "oepnv",
        "mbe",
        "reach",
        "gemeinde",
        0.9,
        params={"distance_km": 10.0, "max_minutes": 45.0, **params},
        mode="transit",
    )


def test_reach_by_transit_counts_points_within_the_minutes(
    regions: Regions, make_services: MakeServices
) -> None:
    travel = {"oepnv": TravelTimes(MINUTES, np.array([0, 1]), BASIS)}
    rows = by_key(
        assess(regions, make_services(), [_reach()], REF, demand_points=_points(), travel=travel)
    )
    # a1: both points within 45 minutes (the straight line at 10 km would reach only point 0).
    assert rows["a1"].value == 1.0
    assert rows["b1"].value == 0.0  # 46 minutes
    assert rows["b2"].value == 0.0
    assert rows["a1"].explanation == (
        "400 von 400 Einwohner (100 %): nächstes Angebot erreichbar in höchstens 45 Minuten "
        f"{BASIS}; Ziel 90 %."
    )
    # No demand point in a2: no value, and the row still says what it would be judged by.
    assert rows["a2"].status == "no_data"
    assert rows["a2"].explanation.endswith(f"Maßstab: erreichbar in höchstens 45 Minuten {BASIS}.")


def test_reach_by_transit_summarised_on_kreis_names_the_timetable(
    regions: Regions, make_services: MakeServices
) -> None:
    travel = {"oepnv": TravelTimes(MINUTES, np.array([0, 1]), BASIS)}
    rows = assess(
        regions, make_services(), [_reach()], REF, _points(), level="kreis", travel=travel
    )
    assert {r.region_key for r in rows} == {"14A", "14B"}
    assert all(BASIS in r.explanation and "45 Minuten" in r.explanation for r in rows)


def test_without_travel_times_the_straight_line_stays_and_says_so(
    regions: Regions, make_services: MakeServices
) -> None:
    straight = EngineRule("oepnv", "mbe", "reach", "gemeinde", 0.9, params={"distance_km": 10.0})
    plain = by_key(assess(regions, make_services(), [straight], REF, demand_points=_points()))
    rows = by_key(assess(regions, make_services(), [_reach()], REF, demand_points=_points()))
    for key, row in rows.items():
        assert (row.value, row.status) == (plain[key].value, plain[key].status) or (
            np.isnan(row.value) and np.isnan(plain[key].value)
        )
        assert "Kein Fahrplan geladen" in row.explanation
        assert "45 Minuten" in row.explanation
    assert "km Luftlinie" in rows["a1"].explanation


def test_2sfca_by_transit_uses_the_minutes_as_cost(
    regions: Regions, make_services: MakeServices
) -> None:
    rule = EngineRule(
        "sp",
        "mbe",
        "ratio",
        "kreis",
        1.0,
        params={"catchment_km": 12.0, "max_minutes": 45.0},
        mode="transit",
    )
    travel = {"sp": TravelTimes(MINUTES, np.array([0, 1]), BASIS)}
    rows = by_key(
        assess(regions, make_services(), [rule], REF, demand_points=_points(), travel=travel)
    )
    pop = _points().weights["population"]
    # By hand: s0 (1.5) reaches points 0 (100); s1 (2.0) reaches points 0, 1 (20, 44 min):
    # R0 = 1.5 / 100, R1 = 2 / 400; A = [R0 + R1, R1, 0, 0].
    a = np.array([1.5 / 100 + 2.0 / 400, 2.0 / 400, 0.0, 0.0])
    np.testing.assert_allclose(two_step_fca(pop, [1.5, 2.0], MINUTES, 45.0), a, rtol=1e-15)
    assert rows["14A"].value == pytest.approx((pop[:2] * a[:2]).sum() / pop[:2].sum() * 1000)
    assert rows["14B"].value == 0.0
    assert rows["14A"].explanation.startswith(f"Erreichbar in höchstens 45 Minuten {BASIS}: ")
    assert "(2SFCA)" in rows["14A"].explanation


def test_a_service_without_a_column_is_out_of_reach(
    regions: Regions, make_services: MakeServices
) -> None:
    travel = {"oepnv": TravelTimes(MINUTES[:, :1], np.array([0]), BASIS)}
    rows = by_key(
        assess(regions, make_services(), [_reach()], REF, demand_points=_points(), travel=travel)
    )
    assert rows["a1"].value == pytest.approx(100 / 400)  # only point 0, via s0


def test_transit_rules_and_travel_times_are_checked(
    regions: Regions, make_services: MakeServices
) -> None:
    with pytest.raises(ValueError, match="max_minutes"):
        EngineRule(
            "x", "mbe", "reach", "gemeinde", 0.9, params={"distance_km": 5.0}, mode="transit"
        )
    with pytest.raises(ValueError, match="reach rule or a 2SFCA"):
        EngineRule("x", "mbe", "ratio", "kreis", 1.0, params={"max_minutes": 30.0}, mode="transit")
    with pytest.raises(ValueError, match="decay"):
        EngineRule(
            "x",
            "mbe",
            "ratio",
            "kreis",
            1.0,
            params={"catchment_km": 9.0, "sigma_km": 3.0, "max_minutes": 30.0},
            mode="transit",
        )
    with pytest.raises(ValueError, match="mode must be"):
        EngineRule("x", "mbe", "presence", "kreis", 1.0, mode="bus")
    with pytest.raises(ValueError, match="NaN"):
        TravelTimes(np.array([[np.nan]]), np.array([0]), BASIS)
    short = {"oepnv": TravelTimes(MINUTES[:3], np.array([0, 1]), BASIS)}
    with pytest.raises(ValueError, match="'oepnv': travel times for 3 demand points"):
        assess(regions, make_services(), [_reach()], REF, demand_points=_points(), travel=short)
