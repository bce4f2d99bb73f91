"""Region tree mapping and the crediting of services to regions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from integrationsatlas.analysis.credit import credited, demand_share_credit, membership
from integrationsatlas.analysis.tree import ancestor_at_level, level_mapping

from .conftest import LEVELS, PARENT

LV = np.array(LEVELS)


def test_ancestor_at_level() -> None:
    np.testing.assert_array_equal(ancestor_at_level(PARENT, LV == "kreis"), [-1, 1, 2, 1, 1, 2, 2])
    np.testing.assert_array_equal(ancestor_at_level(PARENT, LV == "land"), [0] * 7)
    np.testing.assert_array_equal(
        ancestor_at_level(PARENT, LV == "gemeinde"), [-1, -1, -1, 3, 4, 5, 6]
    )


def test_empty_tree() -> None:
    assert ancestor_at_level([], []).size == 0
    assert level_mapping([], []).shape == (0, 0)


def test_ancestor_rejects_cycles_and_bad_parents() -> None:
    with pytest.raises(ValueError, match="cycle"):
        ancestor_at_level([1, 0], [False, False])
    with pytest.raises(ValueError, match="parent"):
        ancestor_at_level([5], [True])


def test_level_mapping_maps_up_and_down() -> None:
    e = level_mapping(PARENT, LV == "kreis").toarray()
    # Columns: 14A, 14B. Land covers both; Gemeinden map up to their Kreis.
    expected = [[1, 1], [1, 0], [0, 1], [1, 0], [1, 0], [0, 1], [0, 1]]
    np.testing.assert_array_equal(e, expected)
    g = level_mapping(PARENT, LV == "gemeinde").toarray()
    np.testing.assert_array_equal(g[2], [0, 0, 1, 1])  # Kreis 14B -> b1, b2
    np.testing.assert_array_equal(g[0], [1, 1, 1, 1])


def test_membership_home_plus_area_without_duplicates() -> None:
    mapping = level_mapping(PARENT, LV == "gemeinde")
    # s0 in a1 and also lists a1 as area; s1 online serving Kreis 14B; s2 nowhere.
    b = membership(3, [3, -1, -1], [0, 1], [3, 2], mapping).toarray()
    np.testing.assert_array_equal(b, [[1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0]])
    with pytest.raises(ValueError, match="home_region"):
        membership(2, [3], [], [], mapping)
    with pytest.raises(ValueError, match="area_region index out of range"):
        membership(1, [3], [0], [9], mapping)


def test_demand_share_credit_splits_by_demand_and_evenly_without_demand() -> None:
    b = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1], [0, 0, 0]], dtype=float))
    w = demand_share_credit(b, [100.0, 300.0, np.nan]).toarray()
    # s0: 100:300 ; s1: 300 vs NaN(=0) -> all to region 1 ; s2: only NaN -> even (1 region).
    np.testing.assert_allclose(w, [[0.25, 0.75, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_allclose(credited(sp.csr_matrix(w), [4.0, 2.0, 1.0, 9.0]), [1, 5, 1])


def test_unknown_capacity_makes_only_credited_regions_unknown() -> None:
    b = sp.csr_matrix(np.array([[1, 1, 0], [0, 0, 1]], dtype=float))
    w = demand_share_credit(b, [100.0, 0.0, 50.0])
    got = credited(w, [np.nan, 2.0])
    assert np.isnan(got[0]) and got[1] == 0 and got[2] == 2.0
