"""The entry point: every rule kind through assess() on a hand-checkable region tree."""

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
    assess,
    cliff_by_region,
)
from integrationsatlas.analysis.catchment import two_step_fca
from integrationsatlas.analysis.geo import neighbours_within, to_metric

REF = dt.date(2025, 1, 1)
MakeServices = Callable[..., Services]


def by_key(rows: list) -> dict:  # type: ignore[type-arg]
    return {r.region_key: r for r in rows}


def test_ratio_credits_home_gemeinde_and_service_area_by_demand_share(
    regions: Regions, make_services: MakeServices
) -> None:
    rule = EngineRule(
        "mbe-ratio",
        "mbe",
        "ratio",
        "gemeinde",
        0.5,
        "foreign_population",
        unit="fte",
        supply_label="Beratungs-VZÄ",
        unit_cost=80_000.0,
        financing={"bund": 0.8, "land": 0.2},
    )
    rows = by_key(
        assess(regions, make_services(capacity=np.array([0.5, 2.0, 1.0, 1.0])), [rule], REF)
    )
    assert list(rows) == ["a1", "a2", "b1", "b2"]
    # s0 (0.5 FTE) lies in a1. s1 (2 FTE) lies in a2 and serves Kreis 14B (b1, b2): split by
    # foreign population a2 1000 : b1 1000 : b2 unknown (0) -> 1 FTE each to a2 and b1.
    # s2 is inactive, s3 is another type.
    a1 = rows["a1"]
    assert a1.value == pytest.approx(0.25)  # 0.5 / 2000 * 1000
    assert (a1.status, a1.ratio) == ("partial", pytest.approx(0.5))
    assert a1.deficit == pytest.approx(0.5)  # 0.5 * 2000 / 1000 - 0.5
    assert a1.unit == "fte"
    assert (a1.cost_total, a1.cost_bund, a1.cost_land) == pytest.approx((40_000, 32_000, 8_000))
    assert (a1.cost_kreis, a1.cost_gemeinde) == (0.0, 0.0)
    assert a1.explanation == (
        "0,5 Beratungs-VZÄ für 2.000 ausländische Einwohner ergeben 0,25 je 1.000; Ziel 0,5."
    )
    assert rows["a2"].value == pytest.approx(1.0) and rows["b1"].value == pytest.approx(1.0)
    b2 = rows["b2"]
    assert b2.status == "no_data" and np.isnan(b2.value) and np.isnan(b2.cost_total)
    assert b2.explanation.startswith("Keine Angabe:")


def test_zero_supply_with_known_demand_is_zero_and_gap(
    regions: Regions, make_services: MakeServices
) -> None:
    rule = EngineRule(
        "kita", "kita", "ratio", "kreis", 300.0, "population", unit="places", unit_cost=10.0
    )
    rows = by_key(assess(regions, make_services(), [rule], REF))
    assert rows["14A"].value == 0.0 and rows["14A"].status == "gap"
    assert rows["14A"].deficit == pytest.approx(300 * 30)  # 300 per 1,000 for 30,000
    assert rows["14A"].cost_land == pytest.approx(90_000)  # default: all to responsible level


def test_presence_hours_languages_on_kreis_level(
    regions: Regions, make_services: MakeServices
) -> None:
    rules = [
        EngineRule(
            "p", "mbe", "presence", "kreis", 2.0, unit_cost=1000.0, responsible_level="kreis"
        ),
        EngineRule("h", "mbe", "hours", "kreis", 5.0, "population"),
        EngineRule("l", "mbe", "languages", "kreis", 0.8),
    ]
    rows = assess(regions, make_services(), rules, REF)
    p = by_key(rows[0:2])
    assert (p["14A"].value, p["14B"].value) == (2.0, 1.0)
    assert (p["14B"].status, p["14B"].deficit, p["14B"].cost_kreis) == ("partial", 1.0, 1000.0)
    assert p["14B"].explanation == "1 aktives Angebot im Gebiet oder für das Gebiet; Ziel 2."
    h = by_key(rows[2:4])
    # 14A: s0 20 h + s1 30 h split by population 30,000 : 10,000 -> 20 + 22.5 = 42.5 h.
    assert h["14A"].value == pytest.approx(42.5 / 30)
    assert h["14B"].value == pytest.approx(7.5 / 10)
    assert h["14A"].unit == "hours_per_week"
    lang = by_key(rows[4:6])
    # 14A speaks ar (s0) and uk (s1): 600 + 300 of 1000. fa is spoken only by the JMD.
    assert lang["14A"].value == pytest.approx(0.9) and lang["14A"].status == "met"
    # Met: no language missing, so the priced deficit (languages x unit cost) is 0.
    assert (lang["14A"].deficit, lang["14A"].unit, lang["14A"].cost_total) == (
        0.0,
        "languages",
        0.0,
    )
    assert (lang["14A"].demand, lang["14A"].supply) == (1000.0, 900.0)
    assert lang["14B"].status == "no_data"


def test_reliability_with_funding_rows(regions: Regions, make_services: MakeServices) -> None:
    services = make_services(
        fund_service=np.array([0, 0, 1]),
        fund_share=np.array([0.5, 0.5, 1.0]),
        fund_end=np.array(["2027-06-30", "NaT", "2025-12-31"], dtype="datetime64[D]"),
        fund_level=np.array(["bund", "land", "land"]),
    )
    rule = EngineRule(
        "r",
        "mbe",
        "reliability",
        "kreis",
        0.9,
        "population",
        params={"months": 24},
        unit="fte",
        unit_cost=100.0,
    )
    rows = by_key(assess(regions, services, [rule], REF))
    # Cut-off 2027-01-01: s0 fully secured (1.5 FTE), s1 not (2 FTE; 14A gets 1.5, 14B 0.5).
    assert rows["14A"].value == pytest.approx(1.5 / 3.0)
    assert rows["14A"].deficit == pytest.approx(0.9 * 3.0 - 1.5)
    assert rows["14B"].value == 0.0
    assert "01.01.2025" in rows["14A"].explanation


def _points() -> DemandPoints:
    # Four points: two in a1 (one at s0's site, one ~14 km east), one in b1, one in b2.
    return DemandPoints(
        lon=np.array([13.70, 13.90, 13.70, 14.50]),
        lat=np.array([51.05, 51.05, 51.06, 51.05]),
        region=np.array([3, 3, 5, 6]),
        weights={"population": np.array([100.0, 300.0, 50.0, 80.0])},
    )


def test_reach_uses_demand_points(regions: Regions, make_services: MakeServices) -> None:
    rule = EngineRule(
        "reach", "mbe", "reach", "gemeinde", 0.9, params={"distance_km": 10.0}, unit_cost=5000.0
    )
    rows = by_key(assess(regions, make_services(), [rule], REF, demand_points=_points()))
    # Sites: s0 (13.70, 51.05), s1 (13.75, 51.05). Point 1 is ~10.5 km from s1.
    assert rows["a1"].value == pytest.approx(100 / 400)
    # 0.9 * 400 - 100 = 260 persons missing; the one unreached point (300 persons) closes
    # it: 1 additional site x 5,000 EUR, all to the responsible level (land).
    assert (rows["a1"].deficit, rows["a1"].unit) == (1.0, "sites")
    assert (rows["a1"].cost_total, rows["a1"].cost_land) == (5000.0, 5000.0)
    assert rows["a1"].explanation.endswith(
        "Bis zum Ziel fehlen 260 Personen; dafür höchstens 1 zusätzlicher Standort "
        "(je einer in einer unversorgten Gemeinde, größte zuerst)."
    )
    # b2: its one point (80) is unreached: 72 missing -> 1 site; b1 met -> 0 sites, cost 0.
    assert (rows["b2"].deficit, rows["b1"].deficit, rows["b1"].cost_total) == (1.0, 0.0, 0.0)
    assert rows["b1"].value == 1.0 and rows["b2"].value == 0.0
    assert rows["a2"].status == "no_data"  # no demand point in a2


def test_ratio_by_2sfca_equals_demand_weighted_mean_access(
    regions: Regions, make_services: MakeServices
) -> None:
    rule = EngineRule("sp", "mbe", "ratio", "kreis", 1.0, params={"catchment_km": 12.0})
    pts = _points()
    rows = by_key(assess(regions, make_services(), [rule], REF, demand_points=pts))
    pop = pts.weights["population"]
    xy, sites = to_metric(pts.lon, pts.lat), to_metric([13.70, 13.75], [51.05, 51.05])
    a = two_step_fca(pop, [1.5, 2.0], neighbours_within(xy, sites, 12_000.0), 12_000.0)
    expected_14a = (pop[:2] * a[:2]).sum() / pop[:2].sum() * 1000
    expected_14b = (pop[2:] * a[2:]).sum() / pop[2:].sum() * 1000
    assert rows["14A"].value == pytest.approx(expected_14a, rel=1e-12)
    assert rows["14B"].value == pytest.approx(expected_14b, rel=1e-12)
    assert "2SFCA" in rows["14A"].explanation


def test_ratio_by_enhanced_2sfca_uses_the_bands_in_metres(
    regions: Regions, make_services: MakeServices
) -> None:
    bands = ((4.0, 1.0), (8.0, 0.6), (12.0, 0.2))
    rule = EngineRule(
        "sp", "mbe", "ratio", "kreis", 1.0, params={"catchment_km": 12.0}, bands_km=bands
    )
    pts = _points()
    rows = by_key(assess(regions, make_services(), [rule], REF, demand_points=pts))
    pop = pts.weights["population"]
    xy, sites = to_metric(pts.lon, pts.lat), to_metric([13.70, 13.75], [51.05, 51.05])
    cost = neighbours_within(xy, sites, 12_000.0)
    bands_m = [(4_000.0, 1.0), (8_000.0, 0.6), (12_000.0, 0.2)]
    a = two_step_fca(pop, [1.5, 2.0], cost, 12_000.0, weight="step", bands=bands_m)
    expected_14a = (pop[:2] * a[:2]).sum() / pop[:2].sum() * 1000
    assert rows["14A"].value == pytest.approx(expected_14a, rel=1e-12)
    # The bands change the answer: the distances span more than one band.
    uniform = two_step_fca(pop, [1.5, 2.0], cost, 12_000.0)
    assert not np.allclose(a, uniform)


def test_no_services_at_all(regions: Regions) -> None:
    empty = Services(
        offer_type=np.empty(0, str),
        lon=np.empty(0),
        lat=np.empty(0),
        region=np.empty(0, int),
        capacity=np.empty(0),
        active=np.empty(0, bool),
        weekly_hours=np.empty(0),
    )
    rules = [
        EngineRule("x", "mbe", "ratio", "land", 1.0),
        EngineRule("y", "mbe", "presence", "land", 1.0),
    ]
    rows = assess(regions, empty, rules, REF)
    assert [(r.value, r.status) for r in rows] == [(0.0, "gap"), (0.0, "gap")]
    assert assess(regions, empty, [], REF) == []


def test_missing_inputs_name_the_rule(regions: Regions, make_services: MakeServices) -> None:
    with pytest.raises(ValueError, match="rule 'x'.*children_under_6"):
        assess(
            regions,
            make_services(),
            [EngineRule("x", "kita", "ratio", "kreis", 1.0, "children_under_6")],
            REF,
        )
    with pytest.raises(ValueError, match="rule 'r'.*demand points"):
        assess(
            regions,
            make_services(),
            [EngineRule("r", "mbe", "reach", "kreis", 0.9, params={"distance_km": 5})],
            REF,
        )
    with pytest.raises(ValueError, match="level 'bezirk'"):
        assess(regions, make_services(), [EngineRule("z", "mbe", "presence", "bezirk", 1.0)], REF)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "density"}, "unknown kind"),
        ({"target": 0.0}, "target"),
        ({"kind": "reach"}, "distance_km"),
        ({"financing": {"land": 0.7}}, "sum to 1"),
        ({"responsible_level": "eu"}, "responsible_level"),
        ({"bands_km": ((5.0, 1.0),)}, "catchment_km"),
        (
            {"params": {"catchment_km": 10.0, "sigma_km": 4.0}, "bands_km": ((5.0, 1.0),)},
            "not both",
        ),
        ({"params": {"catchment_km": 10.0}, "bands_km": ((5.0, 1.0), (12.0, 0.5))}, "beyond"),
        ({"params": {"catchment_km": 10.0}, "bands_km": ((5.0, 1.0), (4.0, 0.5))}, "ascend"),
        ({"params": {"catchment_km": 10.0}, "bands_km": ((5.0, 0.0),)}, "weight"),
    ],
)
def test_bad_rules_are_rejected(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    base = {"id": "bad", "offer_type": "mbe", "kind": "ratio", "level": "kreis", "target": 1.0}
    with pytest.raises(ValueError, match=message):
        EngineRule(**(base | kwargs))


def test_bad_input_arrays_are_rejected(make_services: MakeServices) -> None:
    with pytest.raises(ValueError, match=r"Services.lat has 3 entries, expected 4"):
        make_services(lat=np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="Services.fund_service index out of range"):
        make_services(
            fund_service=np.array([7]),
            fund_share=np.array([1.0]),
            fund_end=np.array(["NaT"], "datetime64[D]"),
            fund_level=np.array(["land"]),
        )
    with pytest.raises(ValueError, match="Regions.population has 1 entries"):
        Regions(
            keys=np.array(["14", "1"]),
            levels=np.array(["land", "kreis"]),
            parent=np.array([-1, 0]),
            indicators={"population": np.array([1.0])},
        )


def test_cliff_by_region(regions: Regions, make_services: MakeServices) -> None:
    services = make_services(
        fund_service=np.array([0, 1]),
        fund_share=np.array([1.0, 1.0]),
        fund_end=np.array(["2025-03-31", "NaT"], dtype="datetime64[D]"),
        fund_level=np.array(["land", "bund"]),
    )
    cliff, keys, types = cliff_by_region(
        regions, services, "kreis", dt.date(2025, 2, 1), dt.date(2025, 5, 1)
    )
    assert keys == ["14A", "14B"] and types == ["jmd", "mbe"]
    np.testing.assert_allclose(cliff.remaining[:, 0, 1], [3.5, 3.5, 2.0, 2.0])
    assert cliff.unknown[0, 0] == 1.0  # the JMD has no funding rows
