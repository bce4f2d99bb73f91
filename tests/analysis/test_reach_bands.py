"""Minute bands and shares of people within N minutes, computed by hand."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from integrationsatlas.analysis import reach_bands
from integrationsatlas.analysis.reach_bands import (
    band_index,
    bands_for,
    nearest_transit_minutes,
    share_within,
    shares_by_band,
)

INF = math.inf


def test_docstring_examples_hold():
    assert doctest.testmod(reach_bands).failed == 0


def test_nearest_minutes_is_the_smallest_column_and_inf_without_a_site():
    minutes = np.array([[40.0, 25.0, INF], [INF, INF, INF], [0.0, 5.0, 3.0]])
    assert nearest_transit_minutes(minutes).tolist() == [25.0, INF, 0.0]
    assert nearest_transit_minutes(np.empty((3, 0))).tolist() == [INF, INF, INF]
    with pytest.raises(ValueError, match="NaN"):
        nearest_transit_minutes([[math.nan]])
    with pytest.raises(ValueError, match="matrix"):
        nearest_transit_minutes([1.0, 2.0])


@pytest.mark.parametrize(
    ("max_minutes", "expected"),
    [
        (90, (15.0, 30.0, 45.0, 60.0, 90.0)),
        (120, (15.0, 30.0, 45.0, 60.0, 90.0, 120.0)),
        (50, (15.0, 30.0, 45.0, 50.0)),
        (10, (10.0,)),
        (180, (15.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0)),
    ],
)
def test_bands_stop_at_the_rules_limit(max_minutes, expected):
    assert bands_for(max_minutes) == expected


def test_bands_need_a_positive_limit():
    with pytest.raises(ValueError):
        bands_for(0)


def test_band_limits_are_inclusive():
    # 15 belongs to "bis 15", 15.5 to "15-30", 90 to "60-90", 91 and inf beyond the last.
    bands = (15.0, 30.0, 60.0, 90.0)
    got = band_index([0.0, 15.0, 15.5, 30.0, 61.0, 90.0, 91.0, INF], bands)
    assert got.tolist() == [0, 0, 1, 1, 3, 3, 4, 4]


def test_share_per_kreis_and_land_by_hand():
    # Kreis 0: 1,000 people at 10 min, 3,000 at 50 min.   Kreis 1: 2,000 at 20, 2,000 unreachable.
    # A point of unknown population and one in no Kreis count nowhere.
    minutes = [10.0, 50.0, 20.0, INF, 5.0, 5.0]
    people = [1000.0, 3000.0, 2000.0, 2000.0, math.nan, 700.0]
    group = [0, 0, 1, 1, 1, -1]
    share, within, total = share_within(minutes, people, 30, group, 2)
    # Kreis 0: 1,000 / 4,000 = 0.25; Kreis 1: 2,000 / 4,000 = 0.5.
    assert share.tolist() == [0.25, 0.5]
    assert within.tolist() == [1000.0, 2000.0]
    assert total.tolist() == [4000.0, 4000.0]
    # The Land (all points in one group, known population): (1,000 + 2,000 + 700) / 8,700.
    land, _, _ = share_within(minutes, people, 30)
    assert land[0] == pytest.approx(3700 / 8700)


def test_shares_by_band_are_cumulative():
    minutes = [10.0, 50.0, 20.0, INF]
    people = [1000.0, 3000.0, 2000.0, 2000.0]
    got = shares_by_band(minutes, people, (15.0, 30.0, 60.0), [0, 0, 1, 1], 2)
    # Kreis 0: 1,000/4,000 by 15 and 30, all 4,000 by 60. Kreis 1: 0, 2,000/4,000, still half.
    np.testing.assert_allclose(got, [[0.25, 0.25, 1.0], [0.0, 0.5, 0.5]])


def test_a_group_without_known_population_has_no_share():
    share, within, total = share_within([10.0], [math.nan], 30, [0], 2)
    assert math.isnan(share[0]) and math.isnan(share[1])
    assert within.tolist() == [0.0, 0.0] and total.tolist() == [0.0, 0.0]


def test_points_and_population_must_match():
    with pytest.raises(ValueError, match="one entry per point"):
        share_within([1.0, 2.0], [1.0], 30)
