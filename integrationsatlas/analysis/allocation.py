"""The Land's allocation to the Kreise by population (§§ 1-2 KomIntAVO), and its balance against need.

Allocation (Zuweisung), § 1 Abs. 2 KomIntAVO: each recipient i (Landkreis or Kreisfreie
Stadt, § 4 Abs. 3) receives the share of the Verteilungsmasse V that equals its share of the
population of all recipients:

    Z_i = V * E_i / sum_j E_j

V is the budget line of one Fördergegenstand and Haushaltsjahr (§ 2 Abs. 1); E_i is the
population on 31 December of the previous year as published by the Statistisches Landesamt
(§ 2 Abs. 2). The ordinance does not say how to round; here amounts are whole cents and the
cents are distributed by the largest-remainder method (Hamilton / Hare-Niemeyer), so the
allocations add up to V exactly.

Balance against need, for a ratio standard "target units per 1,000 of demand" (e.g. § 12
Abs. 5 KomIntAVO, Flüchtlingssozialarbeit 1 : 100 = 10 FTE per 1,000 of the target group D):

    need units   N_i = target * D_i / 1000
    need cost    C_i = N_i * unit cost
    difference   Z_i - C_i           (> 0 over-funded, < 0 under-funded)
    per head     (Z_i - C_i) / D_i

Nothing here knows Django; the caller supplies plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Allocation:
    """Shares of the population and allocations in cents, in the order of the input."""

    shares: tuple[float, ...]
    cents: tuple[int, ...]


def allocate_by_population(amount_cents: int, population: Sequence[int]) -> Allocation:
    """Split ``amount_cents`` (the Verteilungsmasse V in cents) by population (§ 1 Abs. 2 KomIntAVO).

    Parameters:
        amount_cents: V in whole cents, >= 0.
        population: E_i per recipient, whole numbers >= 0, at least one > 0.

    Each recipient first gets floor(V * E_i / sum E) cents (exact integer arithmetic); the
    cents left over go one each to the largest remainders V * E_i mod sum E, ties to the
    larger population, then to the earlier recipient. The result sums to V exactly and no
    allocation differs from V * E_i / sum E by a cent or more.
    """
    if isinstance(amount_cents, bool) or amount_cents < 0:
        raise ValueError(f"amount must be >= 0 cents, got {amount_cents}")
    if any(isinstance(p, bool) or p < 0 for p in population):
        raise ValueError("population must be whole numbers >= 0")
    total = int(sum(population))
    if total <= 0:
        raise ValueError("the total population of the recipients must be > 0")
    products = [amount_cents * int(p) for p in population]
    cents = [q // total for q in products]
    left = amount_cents - sum(cents)
    order = sorted(
        range(len(cents)), key=lambda i: (-(products[i] % total), -int(population[i]), i)
    )
    for i in order[:left]:
        cents[i] += 1
    shares = tuple(int(p) / total for p in population)
    return Allocation(shares=shares, cents=tuple(cents))


@dataclass(frozen=True, slots=True)
class NeedBalance:
    """Per recipient: what the standard needs, what it costs, and the allocation minus that.

    NaN where the demand is unknown (never silently 0).
    """

    need_units: FloatArray
    need_cost: FloatArray
    difference: FloatArray
    difference_per_head: FloatArray


def balance_against_need(
    allocation: npt.ArrayLike, demand: npt.ArrayLike, target_per_1000: float, unit_cost: float
) -> NeedBalance:
    """Set each allocation beside the cost of meeting a ratio standard in full.

    Parameters:
        allocation: Z_i in euros.
        demand: D_i, the standard's demand (e.g. persons of the target group); NaN = unknown.
        target_per_1000: units of supply per 1,000 of demand (1 : 100 -> 10).
        unit_cost: euros per unit of supply and year.

    Returns N_i = target * D_i / 1000, C_i = N_i * unit cost, Z_i - C_i and (Z_i - C_i) / D_i
    (NaN where D_i is 0 or unknown).
    """
    if not (np.isfinite(target_per_1000) and target_per_1000 > 0):
        raise ValueError(f"target must be a positive number, got {target_per_1000}")
    if not (np.isfinite(unit_cost) and unit_cost >= 0):
        raise ValueError(f"unit cost must be >= 0, got {unit_cost}")
    z = np.asarray(allocation, dtype=np.float64)
    d = np.asarray(demand, dtype=np.float64)
    if z.shape != d.shape:
        raise ValueError(f"allocation and demand differ in length: {z.shape} vs {d.shape}")
    need_units = target_per_1000 * d / 1000.0
    need_cost = need_units * unit_cost
    difference = z - need_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        per_head = np.where(d > 0, difference / d, np.nan)
    return NeedBalance(
        need_units=need_units,
        need_cost=need_cost,
        difference=difference,
        difference_per_head=per_head,
    )
