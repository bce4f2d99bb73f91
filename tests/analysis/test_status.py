"""Status, deficit and the split of cost by financing shares."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from integrationsatlas.analysis import rules
from integrationsatlas.analysis.status import deficit, fulfilment, split_cost, status, units_needed


def test_status_thresholds_and_no_data() -> None:
    got = status(fulfilment([0.5, 0.49, 0.25, 0.2, np.nan, 0.0], 0.5))
    assert got.tolist() == ["met", "partial", "partial", "gap", "no_data", "gap"]


def test_target_must_be_positive() -> None:
    with pytest.raises(ValueError, match="target"):
        fulfilment([1.0], 0.0)


def test_ratio_deficit_is_missing_units() -> None:
    # Target 0.5 per 1,000 for 13,460: 6.73 units needed, 3.5 present -> 3.23 missing.
    v = rules.ratio([3.5, 10.0, 1.0], [13_460.0, 1_000.0, np.nan])
    np.testing.assert_allclose(deficit(v, 0.5)[:2], [6.73 - 3.5, 0.0])
    assert np.isnan(deficit(v, 0.5)[2])


def test_presence_deficit_is_missing_services() -> None:
    v = rules.presence(sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0]])))
    np.testing.assert_array_equal(deficit(v, 3), [1.0, 3.0])


def test_cost_split_by_shares() -> None:
    cost = np.array([1000.0, np.nan])
    split = split_cost(cost, {"bund": 0.8, "land": 0.2})
    assert split["bund"][0] == 800.0 and split["land"][0] == 200.0
    assert split["kreis"][0] == 0.0 and split["gemeinde"][0] == 0.0
    assert np.isnan(split["bund"][1])


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"land": 0.5}, "sum to 1"),
        ({"eu": 1.0}, "unknown levels"),
        ({"land": -0.5, "bund": 1.5}, ">= 0"),
    ],
)
def test_bad_financing_is_rejected(shares: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_cost(np.ones(1), shares)


def test_reach_units_needed_are_the_fewest_unreached_points_largest_first() -> None:
    # Region 0: 1,000 persons, 400 reached; unreached points 300, 200, 100. Target 0.9 ->
    # 900 - 400 = 500 missing: 300 + 200 = 500 closes it -> 2 sites.
    # Region 1: 100 persons, none reached (one point); target 0.9 -> 90 missing -> 1 site.
    # Region 2: all reached -> 0 sites. Region 3: no data -> NaN.
    values = rules.RuleValues(
        value=np.array([0.4, 0.0, 1.0, np.nan]),
        numerator=np.array([400.0, 0.0, 50.0, 0.0]),
        denominator=np.array([1000.0, 100.0, 50.0, 0.0]),
        scale=1.0,
        gap_items=(np.array([0, 1, 0, 0]), np.array([100.0, 100.0, 300.0, 200.0])),
    )
    got = units_needed(values, 0.9)
    np.testing.assert_array_equal(got[:3], [2.0, 1.0, 0.0])
    assert np.isnan(got[3])
    # Target 0.95: 550 missing -> 300 + 200 + 100 -> 3 sites.
    assert units_needed(values, 0.95)[0] == 3.0


def test_languages_units_needed_count_missing_languages() -> None:
    # Region 0: ar 500 (spoken), uk 300, fa 150, ti 50 (not spoken). Covered 500 of 1,000.
    # Target 0.8 -> 300 missing: uk alone (300) -> 1 language. Target 0.9: uk + fa -> 2.
    pop = sp.csr_matrix(np.array([[500.0, 300.0, 150.0, 50.0]]))
    offered = sp.csr_matrix(np.array([[1.0, 0.0, 0.0, 0.0]]))
    v = rules.languages(pop, offered)
    assert v.value[0] == 0.5
    assert units_needed(v, 0.8)[0] == 1.0
    assert units_needed(v, 0.9)[0] == 2.0
    assert units_needed(v, 0.5)[0] == 0.0


def test_units_needed_refuses_kinds_without_gap_items() -> None:
    with pytest.raises(ValueError, match="gap_items"):
        units_needed(rules.ratio([1.0], [1000.0]), 1.0)
