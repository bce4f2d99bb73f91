"""Equity measures across regions."""

from __future__ import annotations

import numpy as np
import pytest

from integrationsatlas.analysis.equity import coefficient_of_variation, equity, gini


def test_gini_known_values() -> None:
    assert gini([1, 1, 1]) == 0.0
    assert gini([0, 0, 1]) == pytest.approx(2 / 3)
    # [1, 2, 3]: sum |xi - xj| over ordered pairs = 8; 8 / (2 * 9 * 2) = 2/9.
    assert gini([3, 1, 2]) == pytest.approx(2 / 9)
    assert np.isnan(gini([])) and np.isnan(gini([0, 0]))


def test_gini_matches_pairwise_definition() -> None:
    x = np.random.default_rng(5).uniform(0, 3, 50)
    pairwise = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(pairwise, rel=1e-12)


def test_coefficient_of_variation_uses_population_std() -> None:
    assert coefficient_of_variation([1.0, 3.0]) == pytest.approx(0.5)  # std 1, mean 2


def test_equity_excludes_and_counts_no_data() -> None:
    eq = equity(
        ratio=[1.2, 0.3, np.nan, 0.6],
        population=[100.0, 50.0, 1000.0, 50.0],
        status=["met", "gap", "no_data", "partial"],
    )
    assert (eq.n_regions, eq.n_no_data) == (4, 1)
    # Fulfilment is capped at 100 %: 1.2 counts as 1.
    assert (eq.minimum, eq.maximum) == (0.3, 1.0)
    assert eq.gap_population_share == pytest.approx(50 / 200)
    assert eq.gini == pytest.approx(gini([1.0, 0.3, 0.6]))


def test_a_rule_every_region_meets_is_perfectly_equal() -> None:
    """Issue 13: sports clubs met everywhere with ratios of 3 to 39 got the highest Gini."""
    eq = equity(
        ratio=[3.0, 39.0, 1.0, 12.5],
        population=[1.0, 1.0, 1.0, 1.0],
        status=["met"] * 4,
    )
    assert eq.gini == 0.0 and eq.coefficient_of_variation == 0.0
    assert (eq.minimum, eq.maximum, eq.gap_population_share) == (1.0, 1.0, 0.0)
    # Below the target the spread still counts: ratios 0.5 and 1 (capped from 2).
    eq = equity([0.5, 2.0], [1.0, 1.0], ["partial", "met"])
    assert eq.gini == pytest.approx(gini([0.5, 1.0])) and eq.gini > 0
