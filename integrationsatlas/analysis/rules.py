"""One function per rule kind (docs/engine.md): arrays in, per-region values out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from integrationsatlas.analysis.pairs import reached_within

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RuleValues:
    """Per-region result of one rule: value = numerator / denominator * scale.

    ``numerator`` is the supply-side quantity (credited supply, reached demand, ...),
    ``denominator`` the demand-side quantity; NaN ``value`` means no data. The deficit of
    every kind is max(0, target * denominator / scale - numerator) (see :mod:`status`).
    """

    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    scale: float
    #: For ``reach`` and ``languages``: the items that could still close the gap, as
    #: (region column, demand each would add): unreached demand points, or the languages no
    #: service speaks. :func:`status.units_needed` counts the fewest of them that close it.
    gap_items: tuple[npt.NDArray[np.int64], FloatArray] | None = None


def _quotient(num: FloatArray, den: FloatArray, scale: float) -> FloatArray:
    ok = np.isfinite(den) & (den > 0)
    out: FloatArray = np.full(num.shape, np.nan)
    np.divide(num * scale, den, out=out, where=ok)
    return out


def ratio(supply: npt.ArrayLike, demand: npt.ArrayLike) -> RuleValues:
    """Kind ``ratio``: S(r) / D(r) * 1000, units of supply per 1,000 of demand.

    S(r) is the credited supply (:func:`credit.credited` over a demand-share split). NaN
    (no data) where D(r) is unknown (NaN) or 0, or S(r) unknown; 0 where D is known and no
    supply is credited.
    """
    s = np.asarray(supply, dtype=np.float64)
    d = np.asarray(demand, dtype=np.float64)
    return RuleValues(_quotient(s, d, 1000.0), s, d, 1000.0)


def hours(weekly_hours: npt.ArrayLike, demand: npt.ArrayLike) -> RuleValues:
    """Kind ``hours``: weekly opening hours credited to r per 1,000 of demand.

    H(r) / D(r) * 1000 with H(r) the sites' weekly hours credited like ``ratio`` supply
    (a site serving several regions is split by demand share: refinement of the ratio rule,
    so one site's hours are not counted in full in every region it serves).
    """
    return ratio(weekly_hours, demand)


def presence(member: sp.csr_matrix) -> RuleValues:
    """Kind ``presence``: number of active services of the type in or serving each region.

    ``member`` is the (n_services, n_regions) binary membership of the type's active
    services (:func:`credit.membership`). The count is always known (never NaN).
    """
    count = np.asarray(sp.csr_matrix(member).sum(axis=0), dtype=np.float64).ravel()
    return RuleValues(count, count, np.ones_like(count), 1.0)


def reach(
    point_xy: npt.ArrayLike,
    point_weight: npt.ArrayLike,
    point_region: npt.ArrayLike,
    n_regions: int,
    site_xy: npt.ArrayLike,
    distance_m: float,
    within: npt.NDArray[np.bool_] | None = None,
) -> RuleValues:
    """Kind ``reach``: share of a region's demand within ``distance_m`` of the nearest site.

    share(r) = sum_{i in r, d_i <= d} w_i / sum_{i in r} w_i, d_i the straight-line distance
    (EPSG:25833 metres) from demand point i to its nearest active site; "within" is the test
    dx² + dy² <= d² of the pair join (:func:`pairs.reached_within`, limit included). NaN
    where a region has no demand point with known positive weight. Points with region -1
    or NaN weight are ignored. ``within`` (one flag per point) may be given when the caller
    already knows it from shared pairs (:meth:`pairs.PairList.reached`); it is the same
    answer.
    """
    w = np.asarray(point_weight, dtype=np.float64)
    r = np.asarray(point_region, dtype=np.int64)
    ok = (r >= 0) & np.isfinite(w)
    if within is None:
        xy = np.asarray(point_xy, dtype=np.float64)[ok]
        sites = np.asarray(site_xy, dtype=np.float64)
        inside = reached_within(xy, sites.reshape(-1, 2), distance_m)
    else:
        inside = np.asarray(within, dtype=bool)[ok]
    total = np.bincount(r[ok], weights=w[ok], minlength=n_regions).astype(np.float64)
    reached = np.bincount(r[ok], np.where(inside, w[ok], 0.0), n_regions).astype(np.float64)
    open_ = ~inside & (w[ok] > 0)
    items = (r[ok][open_].astype(np.int64), w[ok][open_].astype(np.float64))
    return RuleValues(_quotient(reached, total, 1.0), reached, total, 1.0, items)


def languages(language_population: sp.csr_matrix, offered: sp.csr_matrix) -> RuleValues:
    """Kind ``languages``: share of foreign population whose main language is offered.

    share(r) = sum_l P[r, l] * O[r, l] / sum_l P[r, l], with P the (n_regions, n_languages)
    foreign population by main language and O = 1 when at least one active service of the
    type in or serving r (its membership) speaks l. NaN where r has no language data.
    """
    pop = sp.csr_matrix(language_population, dtype=np.float64)
    has = sp.csr_matrix(offered, dtype=np.float64)
    has.data = (has.data > 0).astype(np.float64)
    total = np.asarray(pop.sum(axis=1), dtype=np.float64).ravel()
    covered = np.asarray(pop.multiply(has).sum(axis=1), dtype=np.float64).ravel()
    entries = pop.tocoo()
    spoken = np.zeros(entries.nnz, dtype=bool)
    if entries.nnz:
        spoken = np.asarray(has[entries.row, entries.col], dtype=np.float64).ravel() > 0
    missing = ~spoken & (entries.data > 0)
    items = (entries.row[missing].astype(np.int64), entries.data[missing].astype(np.float64))
    return RuleValues(_quotient(covered, total, 1.0), covered, total, 1.0, items)


def reliability(
    credit: sp.csr_matrix, capacity: npt.ArrayLike, secured: npt.ArrayLike
) -> RuleValues:
    """Kind ``reliability``: share of credited supply whose funding is secured long enough.

    share(r) = sum_s w[s,r] c_s f_s / sum_{s: f_s known} w[s,r] c_s, with c the capacity and
    f the secured fraction (:func:`funding.funded_fraction` at reference date + m months:
    a partly secured service counts with its secured funding share). Services with no
    funding rows (f = NaN) are unknown and left out of both sums. A region with no supply
    of the type gets 0 (nothing there is secured); one whose supply is all unknown gets NaN.
    """
    c = np.asarray(capacity, dtype=np.float64)
    f = np.asarray(secured, dtype=np.float64)
    known = np.isfinite(f)
    total_all = np.asarray(credit.T @ c, dtype=np.float64)
    known_total = np.asarray(credit.T @ np.where(known, c, 0.0), dtype=np.float64)
    sec = np.asarray(credit.T @ np.where(known, c * f, 0.0), dtype=np.float64)
    value = _quotient(sec, known_total, 1.0)
    value[(total_all == 0) & np.isfinite(total_all)] = 0.0
    return RuleValues(value, sec, known_total, 1.0)
