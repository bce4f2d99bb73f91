"""Each rule kind on a hand-computed case."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from integrationsatlas.analysis import rules


def test_ratio_per_1000_with_no_data_and_zero_supply() -> None:
    v = rules.ratio([3.5, 0.0, 2.0, 1.0, np.nan], [13_460.0, 5_000.0, np.nan, 0.0, 100.0])
    assert v.value[0] == 3.5 / 13_460 * 1000
    assert v.value[1] == 0.0  # known demand, no supply: 0, not "no data"
    assert np.isnan(v.value[2:]).all()  # unknown demand, zero demand, unknown supply
    assert v.scale == 1000.0


def test_hours_is_ratio_of_weekly_hours() -> None:
    v = rules.hours([40.0, 10.0], [8_000.0, 2_000.0])
    np.testing.assert_allclose(v.value, [5.0, 5.0])


def test_presence_counts_services_per_region() -> None:
    member = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=float))
    v = rules.presence(member)
    np.testing.assert_array_equal(v.value, [2, 2, 0])
    assert not np.isnan(v.value).any()


def test_reach_share_of_weighted_demand_within_distance() -> None:
    # Region 0: points at 0 m (weight 10) and 3 km (weight 30); region 1: point at 6 km (20)
    # and one with unknown weight; region 2: no points. Site at the origin, d = 5 km.
    xy = np.array([[0.0, 0.0], [3000.0, 0.0], [0.0, 6000.0], [100.0, 0.0]])
    v = rules.reach(xy, [10.0, 30.0, 20.0, np.nan], [0, 0, 1, 1], 3, [[0.0, 0.0]], 5000.0)
    np.testing.assert_allclose(v.value[:2], [1.0, 0.0])
    assert np.isnan(v.value[2])
    np.testing.assert_allclose(v.numerator, [40.0, 0.0, 0.0])
    np.testing.assert_allclose(v.denominator, [40.0, 20.0, 0.0])


def test_reach_without_sites_is_zero_not_no_data() -> None:
    v = rules.reach([[0.0, 0.0]], [5.0], [0], 1, np.empty((0, 2)), 1000.0)
    assert v.value[0] == 0.0


def test_languages_share_of_population_with_an_offered_language() -> None:
    # Region 0: ar 600, uk 300, fa 100; offered ar and uk -> 90 %. Region 1: no data.
    pop = sp.csr_matrix(np.array([[600.0, 300.0, 100.0], [0, 0, 0]]))
    offered = sp.csr_matrix(np.array([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0]]))
    v = rules.languages(pop, offered)
    assert v.value[0] == 0.9
    assert np.isnan(v.value[1])


def test_reliability_weights_partly_secured_services_by_share() -> None:
    # Region 0 gets s0 (cap 2, 50 % secured) and s1 (cap 1, fully secured): 2/3 secured.
    # s2 (unknown funding) is left out of region 1, which then has no data; region 2 has
    # no supply at all: 0.
    credit = sp.csr_matrix(np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0]]))
    v = rules.reliability(credit, [2.0, 1.0, 4.0], [0.5, 1.0, np.nan])
    assert v.value[0] == 2.0 / 3.0
    assert np.isnan(v.value[1])
    assert v.value[2] == 0.0
