"""Status, deficit and cost split of rule values against their target (DESIGN.md §3)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from integrationsatlas.analysis.rules import RuleValues

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

MET, PARTIAL, GAP, NO_DATA = "met", "partial", "gap", "no_data"
#: The levels a cost is split into; financing shares name a subset of them.
COST_LEVELS = ("land", "kreis", "gemeinde", "bund")


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

    For ``ratio`` this is DESIGN.md's max(0, target*D/1000 - S) in units of supply; the same
    formula gives hours per week for ``hours``, services for ``presence`` (D = 1), persons
    for ``reach`` and ``languages``, and units of supply to secure for ``reliability``.
    """
    need = target * values.denominator / values.scale - values.numerator
    out: FloatArray = np.where(np.isnan(values.value), np.nan, np.maximum(need, 0.0))
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
