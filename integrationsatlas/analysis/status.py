"""Status, deficit and cost split of rule values against their target (docs/engine.md)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from integrationsatlas.analysis.cost_levels import COST_LEVELS
from integrationsatlas.analysis.rules import RuleValues

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

MET, PARTIAL, GAP, NO_DATA = "met", "partial", "gap", "no_data"


def fulfilment(value: npt.ArrayLike, target: float) -> FloatArray:
    """Fulfilment ratio value / target; NaN where the value is NaN. The target must be > 0."""
    if not target > 0:
        raise ValueError(f"target must be > 0, got {target}")
    out: FloatArray = np.asarray(value, dtype=np.float64) / target
    return out


def status(ratio: npt.ArrayLike) -> StrArray:
    """``met`` (ratio >= 1), ``partial`` (>= 0.5), ``gap`` (< 0.5), ``no_data`` (NaN).

    A NaN ratio is never read as 0: unknown demand or supply is ``no_data``.
    """
    q = np.asarray(ratio, dtype=np.float64)
    out: StrArray = np.select(
        [np.isnan(q), q >= 1.0, q >= 0.5], [NO_DATA, MET, PARTIAL], default=GAP
    ).astype(np.str_)
    return out


def deficit(values: RuleValues, target: float) -> FloatArray:
    """Missing quantity to reach the target: max(0, target * D / scale - S); NaN if no data.

    For ``ratio`` this is max(0, target*D/1000 - S) in units of supply; the same
    formula gives hours per week for ``hours``, services for ``presence`` (D = 1), persons
    for ``reach`` and ``languages``, and units of supply to secure for ``reliability``.
    """
    need = target * values.denominator / values.scale - values.numerator
    out: FloatArray = np.where(np.isnan(values.value), np.nan, np.maximum(need, 0.0))
    return out


def units_needed(values: RuleValues, target: float) -> FloatArray:
    """Fewest gap items (largest first) that close each region's deficit; NaN if no data.

    For ``reach`` the items are the unreached demand points and the count is the number of
    new sites needed if each new site reached only the point (Gemeinde) it stands at: an
    upper estimate, since one site may reach several. For ``languages`` the items are the
    languages no service speaks and the count is exact: the fewest additional languages
    whose speakers close the gap. With d = max(0, target * D / scale - S) persons missing,
    the count is the smallest k with w_1 + ... + w_k >= d over the region's item weights
    sorted in decreasing order (0 when d = 0).
    """
    if values.gap_items is None:
        raise ValueError("units_needed needs RuleValues with gap_items (reach, languages)")
    persons = deficit(values, target)
    n = persons.size
    group, amount = values.gap_items
    order = np.lexsort((-amount, group))
    g, a = group[order], amount[order]
    cum = np.cumsum(a)
    starts = np.searchsorted(g, np.arange(n))
    before = cum - a - np.concatenate(([0.0], cum))[starts[g]]
    need = np.nan_to_num(persons, nan=0.0)[g]
    # A relative tolerance keeps float noise in the sums from asking for one more unit.
    counts = before < need - 1e-9 * np.maximum(1.0, need)
    out: FloatArray = np.bincount(g, counts.astype(np.float64), n).astype(np.float64)
    out[np.isnan(persons)] = np.nan
    return out


def check_financing(financing: Mapping[str, float]) -> None:
    """Raise ValueError unless the shares name known levels, are >= 0 and sum to 1."""
    unknown = set(financing) - set(COST_LEVELS)
    if unknown:
        raise ValueError(f"financing names unknown levels {sorted(unknown)}; use {COST_LEVELS}")
    if any(not (v >= 0) for v in financing.values()):
        raise ValueError(f"financing shares must be >= 0, got {dict(financing)}")
    if abs(sum(financing.values()) - 1.0) > 1e-9:
        raise ValueError(f"financing shares must sum to 1, got {sum(financing.values())}")


def split_cost(cost: npt.ArrayLike, financing: Mapping[str, float]) -> dict[str, FloatArray]:
    """Cost per level: cost * share for every level of :data:`COST_LEVELS` (0 if unnamed)."""
    check_financing(financing)
    c = np.asarray(cost, dtype=np.float64)
    return {level: c * financing.get(level, 0.0) for level in COST_LEVELS}
