"""Each rule on its own level: summaries of Gemeinde rules per Kreis, Kreis results shown per
Gemeinde, deficits and costs counted once (hand-computed on the conftest tree)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pytest

from integrationsatlas.analysis.assess import assess
from integrationsatlas.analysis.levels import relation, summarise
from integrationsatlas.analysis.model import EngineRow, EngineRule, Regions, Services

from .conftest import LEVELS, PARENT

DATE = dt.date(2025, 1, 1)
MakeServices = Callable[..., Services]


def _by_key(rows: list[EngineRow]) -> dict[str, EngineRow]:
    return {r.region_key: r for r in rows}


def _cost(rows: list[EngineRow]) -> float:
    return sum(r.cost_total for r in rows if math.isfinite(r.cost_total))


def test_relation_of_levels() -> None:
    assert relation(PARENT, LEVELS, "kreis", "kreis") == "same"
    assert relation(PARENT, LEVELS, "gemeinde", "kreis") == "finer"
    assert relation(PARENT, LEVELS, "kreis", "gemeinde") == "coarser"
    with pytest.raises(ValueError, match="not nested"):
        relation([-1, -1], ["kreis", "gemeinde"], "kreis", "gemeinde")


# JMD (one service, in a1) must be present in every Gemeinde: a1 met, a2, b1, b2 gap,
# one service missing each at 100 EUR.
JMD_EVERYWHERE = {
    "id": "jmd-jede-gemeinde",
    "offer_type": "jmd",
    "kind": "presence",
    "level": "gemeinde",
    "target": 1.0,
    "unit_cost": 100.0,
    "financing": {"land": 0.5, "gemeinde": 0.5},
}


def test_gemeinde_rule_is_summarised_per_kreis_by_share_of_gemeinden(
    regions: Regions, make_services: MakeServices
) -> None:
    rule = EngineRule(**JMD_EVERYWHERE)  # type: ignore[arg-type]
    own = _by_key(assess(regions, make_services(), [rule], DATE))
    assert {k: r.status for k, r in own.items()} == {
        "a1": "met",
        "a2": "gap",
        "b1": "gap",
        "b2": "gap",
    }
    rows = assess(regions, make_services(), [rule], DATE, level="kreis")
    kreis = _by_key(rows)
    assert set(kreis) == {"14A", "14B"}  # no Gemeinde rows, no recomputation per Kreis
    # 14A: 1 of 2 Gemeinden met -> share 0.5 of target 1 -> partial; 14B: 0 of 2 -> gap.
    assert kreis["14A"].value == 0.5 and kreis["14A"].status == "partial"
    assert kreis["14B"].value == 0.0 and kreis["14B"].status == "gap"
    assert {r.basis for r in rows} == {"share_regions"}
    # Deficit and cost: the sum of the Gemeinden's (a2; b1 + b2), counted once.
    assert (kreis["14A"].deficit, kreis["14A"].cost_total) == (1.0, 100.0)
    assert (kreis["14B"].deficit, kreis["14B"].cost_total) == (2.0, 200.0)
    assert kreis["14B"].cost_land == 100.0 and kreis["14B"].cost_gemeinde == 100.0
    assert _cost(rows) == _cost(list(own.values())) == 300.0
    assert "In 1 von 2 Gemeinden ist die Regel erfüllt (50 %)" in kreis["14A"].explanation


def test_summary_by_population_share(regions: Regions, make_services: MakeServices) -> None:
    rule = EngineRule(**JMD_EVERYWHERE, summary_by="population", summary_target=0.5)  # type: ignore[arg-type]
    kreis = _by_key(assess(regions, make_services(), [rule], DATE, level="kreis"))
    # 14A: a1 (20,000 of 30,000 inhabitants) met -> 2/3 >= 0.5 -> met.
    assert kreis["14A"].value == pytest.approx(2 / 3)
    assert kreis["14A"].status == "met" and kreis["14A"].basis == "share_population"
    assert kreis["14A"].target == 0.5
    # 14B: b1 (10,000) gap, b2 (0 inhabitants) gap -> 0 -> gap; its deficits still count.
    assert kreis["14B"].value == 0.0 and kreis["14B"].status == "gap"
    assert kreis["14B"].cost_total == 200.0


def test_summary_leaves_out_gemeinden_without_data(
    regions: Regions, make_services: MakeServices
) -> None:
    # MBE per 1,000 foreign residents, target 0.5: a1 0.5, a2 2, b1 0.5 met; b2 has no
    # foreign-population figure -> no data (see test_assess for the credits).
    rule = EngineRule(
        "mbe-g", "mbe", "ratio", "gemeinde", 0.5, "foreign_population", unit_cost=10.0
    )
    own = _by_key(assess(regions, make_services(), [rule], DATE))
    assert own["b2"].status == "no_data" and own["b1"].status == "met"
    kreis = _by_key(assess(regions, make_services(), [rule], DATE, level="kreis"))
    assert kreis["14B"].status == "met" and kreis["14B"].value == 1.0
    assert "1 Gemeinden ohne Daten sind nicht mitgezählt" in kreis["14B"].explanation


def test_kreis_rule_on_gemeinde_level_shows_the_kreis_result(
    regions: Regions, make_services: MakeServices
) -> None:
    # Two MBE services per Kreis: 14A has both of its own (met); 14B only service 0 by its
    # service area (1 of 2: partial, 1 service missing = 100 EUR). Judged per Gemeinde, a1
    # would have 1 service (partial): the copied status proves it is not recomputed.
    rule = EngineRule("mbe-k", "mbe", "presence", "kreis", 2.0, unit_cost=100.0)
    rows = assess(regions, make_services(), [rule], DATE, level="gemeinde")
    own = _by_key([r for r in rows if r.basis == "own"])
    parent = _by_key([r for r in rows if r.basis == "parent"])
    assert set(own) == {"14A", "14B"} and set(parent) == {"a1", "a2", "b1", "b2"}
    for key, row in parent.items():
        kreis = own["14A" if key.startswith("a") else "14B"]
        assert (row.status, row.value, row.ratio) == (kreis.status, kreis.value, kreis.ratio)
        assert math.isnan(row.cost_total) and math.isnan(row.deficit)
        assert row.explanation.startswith("Ergebnis für Kreis 14")
    assert parent["a1"].status == "met" and parent["b1"].status == "partial"
    assert _cost(rows) == 100.0  # once, at the Kreis


def test_summarise_by_hand() -> None:
    # Three Gemeinden in Kreis 0 (met, gap, no data) and one in Kreis 1 (partial).
    s = summarise(
        ["met", "gap", "no_data", "partial"],
        [0.0, 4.0, np.nan, 1.0],
        {"total": [0.0, 40.0, np.nan, 10.0]},
        [0, 0, 0, 1],
        [1.0, 1.0, 1.0, 1.0],
        2,
        0.8,
    )
    assert s.share.tolist() == [0.5, 0.0]
    assert s.ratio.tolist() == [0.625, 0.0]
    assert s.status.tolist() == ["partial", "gap"]
    assert s.deficit.tolist() == [4.0, 1.0] and s.costs["total"].tolist() == [40.0, 10.0]
    assert s.unknown.tolist() == [1, 0]


def test_summary_rule_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="summary_by"):
        EngineRule("x", "mbe", "presence", "gemeinde", 1.0, summary_by="kreise")
    with pytest.raises(ValueError, match="summary_target"):
        EngineRule("x", "mbe", "presence", "gemeinde", 1.0, summary_target=1.5)
