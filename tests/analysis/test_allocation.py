"""The KomIntAVO allocation by population share and its balance against need, by hand."""

import math

import numpy as np
import pytest

from integrationsatlas.analysis.allocation import allocate_by_population, balance_against_need


def test_exact_shares_need_no_rounding():
    # 10,000 EUR for 500 : 300 : 200 inhabitants -> 5,000 / 3,000 / 2,000 EUR.
    result = allocate_by_population(1_000_000, [500, 300, 200])
    assert result.cents == (500_000, 300_000, 200_000)
    assert result.shares == (0.5, 0.3, 0.2)


def test_leftover_cent_goes_to_the_largest_remainder():
    # 1.00 EUR for 2 : 3 : 6 (sum 11): 18.18 / 27.27 / 54.54 cents. Floors 18 + 27 + 54 = 99;
    # remainders 200 mod 11 = 2, 300 mod 11 = 3, 600 mod 11 = 6: the last gets the cent.
    assert allocate_by_population(100, [2, 3, 6]).cents == (18, 27, 55)


def test_ties_go_to_the_larger_population_then_the_earlier_recipient():
    # 100.00 EUR for three equal Kreise: 3,333.33... cents each; one cent left, equal
    # remainders, equal populations: the first recipient gets it.
    assert allocate_by_population(10_000, [1, 1, 1]).cents == (3334, 3333, 3333)
    # 0.05 EUR for 1 : 2 : 2 (sum 5): exactly 1 / 2 / 2 cents.
    assert allocate_by_population(5, [1, 2, 2]).cents == (1, 2, 2)
    # 0.02 EUR for 1 : 1 : 2 (sum 4): 0.5 / 0.5 / 1 cents; the one half-cent left over goes
    # to the first of the two equal remainders.
    assert allocate_by_population(2, [1, 1, 2]).cents == (1, 0, 1)


def test_sum_is_exact_and_no_allocation_is_a_cent_off():
    population = [247_112, 331_009, 301_947, 221_315, 308_245, 566_222, 296_977]
    amount = 1_000_000_007
    result = allocate_by_population(amount, population)
    assert sum(result.cents) == amount
    total = sum(population)
    for cents, people in zip(result.cents, population, strict=True):
        assert abs(cents - amount * people / total) < 1
    assert math.isclose(sum(result.shares), 1.0, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("amount", "population", "message"),
    [
        (-1, [1, 2], "amount"),
        (100, [0, 0], "total population"),
        (100, [5, -1], "population"),
    ],
)
def test_bad_input_is_refused(amount, population, message):
    with pytest.raises(ValueError, match=message):
        allocate_by_population(amount, population)


def test_balance_against_need_by_hand():
    # 1 : 100 -> 10 per 1,000. Kreis A: 1,000 persons need 10 FTE x 75,000 = 750,000 EUR;
    # it gets 100,000: 650,000 short, 650 EUR per person. Kreis B: 200 persons need 2 FTE
    # = 150,000; it gets 250,000: 100,000 over, 500 EUR per person. C: demand unknown.
    result = balance_against_need(
        [100_000.0, 250_000.0, 50_000.0], [1000.0, 200.0, np.nan], 10.0, 75_000.0
    )
    assert result.need_units[:2].tolist() == [10.0, 2.0]
    assert result.need_cost[:2].tolist() == [750_000.0, 150_000.0]
    assert result.difference[:2].tolist() == [-650_000.0, 100_000.0]
    assert result.difference_per_head[:2].tolist() == [-650.0, 500.0]
    assert all(np.isnan(x[2]) for x in (result.need_cost, result.difference_per_head))


def test_balance_refuses_a_target_of_zero():
    with pytest.raises(ValueError, match="target"):
        balance_against_need([1.0], [1.0], 0.0, 1.0)
