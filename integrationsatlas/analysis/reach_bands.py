"""Minutes by bus and train to the nearest offer, and the share of people within minute bands.

Pure NumPy, no Django: the assessment stores the nearest minutes per demand point (a
Gemeinde's point with its population), the planning pages turn them into bands and shares.

Definitions, for demand points i with population p_i and nearest minutes m_i (``inf`` =
not reachable within the search horizon):

* nearest minutes: m_i = min_j t_ij over the offer's sites j (``inf`` with no site);
* bands: the limits B = (15, 30, 45, 60, 90, 120) up to the rule's ``max_minutes``, plus
  ``max_minutes`` itself when it is not one of them. Minutes above ``max_minutes`` are not
  told apart: the router's median is exact only up to that limit (transit.matrix);
* band of a point: the first k with m_i <= B_k, ``len(B)`` beyond the last limit;
* share within N minutes of a group G of points (a Kreis, the Land):
  S_G(N) = sum(p_i for i in G if m_i <= N) / sum(p_i for i in G), points whose
  population is unknown (NaN) left out of both sums; NaN when G has no known population.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Band limits in minutes the planning pages offer, up to a rule's max_minutes.
BANDS: tuple[float, ...] = (15.0, 30.0, 45.0, 60.0, 90.0, 120.0)


def nearest_transit_minutes(minutes: npt.ArrayLike) -> FloatArray:
    """m_i = min over columns of a (points, sites) minute matrix; ``inf`` for no site.

    >>> nearest_transit_minutes([[40.0, 25.0], [float("inf"), 70.0]]).tolist()
    [25.0, 70.0]
    """
    matrix = np.asarray(minutes, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"minutes must be a (points, sites) matrix, got shape {matrix.shape}")
    if np.isnan(matrix).any() or (matrix < 0).any():
        raise ValueError("minutes must be >= 0 or inf, never NaN")
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.inf)
    out: FloatArray = matrix.min(axis=1)
    return out


def bands_for(max_minutes: float) -> tuple[float, ...]:
    """The limits B up to ``max_minutes``, which is always the last one.

    >>> bands_for(90)
    (15.0, 30.0, 45.0, 60.0, 90.0)
    >>> bands_for(50)
    (15.0, 30.0, 45.0, 50.0)
    """
    limit = float(max_minutes)
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"max_minutes must be a positive number, got {max_minutes}")
    below = tuple(b for b in BANDS if b < limit)
    return (*below, limit)


def band_index(minutes: npt.ArrayLike, bands: tuple[float, ...]) -> IntArray:
    """Band of each point: the first k with m_i <= B_k, ``len(bands)`` beyond the last.

    >>> band_index([0.0, 15.0, 15.5, 90.0, 91.0, float("inf")], (15.0, 30.0, 90.0)).tolist()
    [0, 0, 1, 2, 3, 3]
    """
    m = np.asarray(minutes, dtype=np.float64)
    out: IntArray = np.searchsorted(np.asarray(bands, dtype=np.float64), m, side="left").astype(
        np.int64
    )
    return out


def share_within(
    minutes: npt.ArrayLike,
    population: npt.ArrayLike,
    limit: float,
    group: npt.ArrayLike | None = None,
    n_groups: int = 1,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(S_G(limit), people within, people) per group; ``group`` (points,) indexes 0..n_groups-1,
    -1 = in no group; None = all points in group 0.

    >>> s, within, total = share_within([10.0, 40.0, float("inf")], [100.0, 300.0, 600.0], 30)
    >>> s.tolist(), within.tolist(), total.tolist()
    ([0.1], [100.0], [1000.0])
    """
    m = np.asarray(minutes, dtype=np.float64)
    p = np.asarray(population, dtype=np.float64)
    g = np.zeros(m.size, np.int64) if group is None else np.asarray(group, dtype=np.int64)
    if not (m.size == p.size == g.size):
        raise ValueError("minutes, population and group must have one entry per point")
    known = np.isfinite(p) & (g >= 0)
    inside = known & (m <= float(limit))
    total = np.asarray(np.bincount(g[known], p[known], n_groups)[:n_groups], np.float64)
    within = np.asarray(np.bincount(g[inside], p[inside], n_groups)[:n_groups], np.float64)
    share: FloatArray = np.full(n_groups, np.nan)
    np.divide(within, total, out=share, where=total > 0)
    return share, within, total


def shares_by_band(
    minutes: npt.ArrayLike,
    population: npt.ArrayLike,
    bands: tuple[float, ...],
    group: npt.ArrayLike | None = None,
    n_groups: int = 1,
) -> FloatArray:
    """(n_groups, len(bands)) S_G(B_k): cumulative shares, never falling from band to band.

    >>> shares_by_band([10.0, 40.0, float("inf")], [100.0, 300.0, 600.0], (15.0, 45.0)).tolist()
    [[0.1, 0.4]]
    """
    columns = [share_within(minutes, population, b, group, n_groups)[0] for b in bands]
    out: FloatArray = np.column_stack(columns) if columns else np.empty((n_groups, 0))
    return out
