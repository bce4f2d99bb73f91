"""A rule's rows on a level other than its own: summaries of finer regions, copies of coarser ones.

Every rule is judged on the level it declares. An assessment shown on another
level never recomputes the rule there: a rule judged per Gemeinde is summarised per Kreis
(share of Gemeinden, or of population, where it is met), and a rule judged per Kreis is
shown for each Gemeinde as its Kreis's result. Deficits and costs count once: the summary
carries the sum of its Gemeinden, a copied row carries none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from integrationsatlas.analysis.status import MET, NO_DATA, fulfilment, status
from integrationsatlas.analysis.tree import ancestor_at_level

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]


def relation(parent: npt.ArrayLike, levels: npt.ArrayLike, rule_level: str, level: str) -> str:
    """ "same", "finer" (the rule's regions lie inside the level's) or "coarser".

    Raises ValueError when neither level's regions lie inside the other's.
    """
    if rule_level == level:
        return "same"
    lv = np.asarray(levels)
    on_rule, on_level = lv == rule_level, lv == level
    up = ancestor_at_level(parent, on_level)[on_rule]
    if (up >= 0).any():
        return "finer"
    if (ancestor_at_level(parent, on_rule)[on_level] >= 0).any():
        return "coarser"
    raise ValueError(f"levels {rule_level!r} and {level!r} are not nested")


@dataclass(frozen=True, slots=True)
class Summary:
    """Per coarse region: share met, its fulfilment and status, summed deficit and costs."""

    share: FloatArray
    met: FloatArray
    known: FloatArray
    unknown: IntArray
    ratio: FloatArray
    status: StrArray
    deficit: FloatArray
    costs: dict[str, FloatArray]


def _sum_known(
    column: IntArray, x: FloatArray, n: int, judged: npt.NDArray[np.bool_]
) -> FloatArray:
    """Sum of the known x per coarse region; NaN where no finer region was judged."""
    total = np.bincount(column, np.where(judged, np.nan_to_num(x, nan=0.0), 0.0), n)
    has = np.bincount(column, judged.astype(np.float64), n) > 0
    out: FloatArray = np.where(has, total, np.nan)
    return out


def summarise(
    statuses: npt.ArrayLike,
    deficit: npt.ArrayLike,
    costs: Mapping[str, npt.ArrayLike],
    column: npt.ArrayLike,
    weight: npt.ArrayLike,
    n: int,
    target: float,
) -> Summary:
    """Summary of finer-region results in the ``n`` coarse regions (``column``: coarse
    index of each finer region, -1 = none).

    share(K) = sum_{g in K, met} w_g / sum_{g in K, judged} w_g, w = 1 (share of regions)
    or the population (share of population); a region with status no_data or unknown
    weight is left out and counted in ``unknown``. fulfilment = share / ``target``; status
    by :func:`status.status` (met when share >= target). deficit(K) and costs(K) = sums
    over the finer regions with a status, so each deficit is counted once. NaN share where
    no finer region of K is judged with a known positive weight.
    """
    st = np.asarray(statuses).astype(np.str_)
    col = np.asarray(column, dtype=np.int64)
    w = np.asarray(weight, dtype=np.float64)
    inside = col >= 0
    st, col, w = st[inside], col[inside], w[inside]
    judged = (st != NO_DATA) & np.isfinite(w) & (w >= 0)
    known = np.bincount(col, np.where(judged, w, 0.0), n).astype(np.float64)
    met = np.bincount(col, np.where(judged & (st == MET), w, 0.0), n).astype(np.float64)
    unknown = np.bincount(col, (~judged).astype(np.int64), n).astype(np.int64)
    has = np.bincount(col, judged.astype(np.float64), n) > 0
    # Deficits and costs of every judged finer region count, whatever its weight.
    rated = st != NO_DATA
    share = np.full(n, np.nan)
    np.divide(met, known, out=share, where=has & (known > 0))
    ratio = fulfilment(share, target)

    def fine(x: npt.ArrayLike) -> FloatArray:
        return np.asarray(x, dtype=np.float64)[inside]

    return Summary(
        share=share,
        met=met,
        known=known,
        unknown=unknown,
        ratio=ratio,
        status=status(ratio),
        deficit=_sum_known(col, fine(deficit), n, rated),
        costs={k: _sum_known(col, fine(v), n, rated) for k, v in costs.items()},
    )


def parent_column(
    parent: npt.ArrayLike, levels: npt.ArrayLike, rule_level: str, level: str
) -> IntArray:
    """For each region on ``level`` (in index order): the column of its ancestor among the
    regions on ``rule_level`` (index order), -1 if it has none."""
    lv = np.asarray(levels)
    on_rule = lv == rule_level
    column = np.full(lv.size, -1, dtype=np.int64)
    column[np.flatnonzero(on_rule)] = np.arange(int(on_rule.sum()))
    up = ancestor_at_level(parent, on_rule)[np.flatnonzero(lv == level)]
    out: IntArray = np.where(up >= 0, column[np.maximum(up, 0)], -1)
    return out
