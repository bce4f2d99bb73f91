"""Equity of fulfilment (capped at 100 %) across the regions of one level: spread, CV, Gini, gap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from integrationsatlas.analysis.status import GAP

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Equity:
    """Summary of fulfilment ratios across regions (NaN ratios excluded and counted)."""

    n_regions: int
    n_no_data: int
    minimum: float
    maximum: float
    coefficient_of_variation: float
    gini: float
    gap_population_share: float


def coefficient_of_variation(x: npt.ArrayLike) -> float:
    """Population standard deviation / mean (ddof = 0: the regions are the whole population,
    not a sample). NaN for an empty input or a mean of 0."""
    a = np.asarray(x, dtype=np.float64)
    mean = a.mean() if a.size else np.nan
    return float(a.std() / mean) if a.size and mean != 0 else float("nan")


def gini(x: npt.ArrayLike) -> float:
    """Gini coefficient G = sum_i sum_j |x_i - x_j| / (2 n² mean), unweighted.

    Computed from the sorted values x_(1) <= ... <= x_(n) as
    G = 2 sum_i i x_(i) / (n sum_i x_i) - (n + 1) / n  (Damgaard & Weiner 2000,
    Ecology 81(4):1139). 0 = all equal; (n-1)/n = all in one region. NaN for an empty
    input or a sum of 0; values must be >= 0.
    """
    a = np.sort(np.asarray(x, dtype=np.float64))
    n = a.size
    total = a.sum() if n else 0.0
    if n == 0 or total == 0:
        return float("nan")
    if a[0] < 0:
        raise ValueError("Gini needs non-negative values")
    i = np.arange(1, n + 1)
    return float(2.0 * np.sum(i * a) / (n * total) - (n + 1) / n)


def equity(
    ratio: npt.ArrayLike, population: npt.ArrayLike, status: npt.ArrayLike, cap: float = 1.0
) -> Equity:
    """Equity of fulfilment ratios capped at ``cap`` (100 %); NaN ratios excluded and counted.

    Every measure (min, max, CV, Gini) uses min(ratio, cap): a region above its target is
    served, not "more unequal", so a rule every region meets has CV = Gini = 0 however far
    some regions exceed the target. ``gap_population_share`` = population of regions with
    status ``gap`` / population of regions with data (unknown population counts as 0).
    """
    q = np.minimum(np.asarray(ratio, dtype=np.float64), cap)
    pop = np.nan_to_num(np.asarray(population, dtype=np.float64), nan=0.0)
    st = np.asarray(status)
    ok = ~np.isnan(q)
    vals = q[ok]
    pop_known = pop[ok].sum()
    gap_pop = pop[ok & (st == GAP)].sum()
    return Equity(
        n_regions=int(q.size),
        n_no_data=int((~ok).sum()),
        minimum=float(vals.min()) if vals.size else float("nan"),
        maximum=float(vals.max()) if vals.size else float("nan"),
        coefficient_of_variation=coefficient_of_variation(vals),
        gini=gini(vals),
        gap_population_share=float(gap_pop / pop_known) if pop_known > 0 else float("nan"),
    )
