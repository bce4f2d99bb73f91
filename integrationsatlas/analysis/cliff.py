"""Funding cliff: supply left per month, region and offer type if no ending funding is renewed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from integrationsatlas.analysis.funding import funded_fraction

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Cliff:
    """Result of :func:`funding_cliff`.

    ``months``: (n_months,) datetime64[M]. ``remaining``: (n_months, n_regions, n_types)
    supply still funded in each month. ``unknown``: (n_regions, n_types) capacity of services
    without any funding row (constant over time, reported apart rather than guessed).
    """

    months: npt.NDArray[np.datetime64]
    remaining: FloatArray
    unknown: FloatArray


def month_range(start: dt.date, horizon: dt.date) -> npt.NDArray[np.datetime64]:
    """Months from ``start``'s month to ``horizon``'s month inclusive, as datetime64[M]."""
    first = np.datetime64(start, "M")
    last = np.datetime64(horizon, "M")
    return np.arange(first, last + 1, dtype="datetime64[M]")


def funding_cliff(
    capacity: npt.ArrayLike,
    region: npt.ArrayLike,
    offer_type: npt.ArrayLike,
    n_regions: int,
    n_types: int,
    fund_service: npt.ArrayLike,
    fund_share: npt.ArrayLike,
    fund_end: npt.ArrayLike,
    start: dt.date,
    horizon: dt.date = dt.date(2030, 12, 1),
) -> Cliff:
    """Supply remaining each month if every funding that ends is not renewed.

    remaining[t, r, k] = sum over services s in region r of type k of
    capacity_s * min(1, sum of shares of s's fundings running in month t), where a funding
    runs in month t unless it ended before the month's first day (end NaT = permanent).
    Services with region or type -1 are left out; services with no funding rows go to
    ``unknown``. Vectorised over (services x months), then one sparse product per group.
    """
    cap = np.asarray(capacity, dtype=np.float64)
    reg = np.asarray(region, dtype=np.int64)
    typ = np.asarray(offer_type, dtype=np.int64)
    if not (cap.size == reg.size == typ.size):
        raise ValueError("capacity, region and offer_type differ in length")
    months = month_range(start, horizon)
    frac = funded_fraction(cap.size, fund_service, fund_share, fund_end, months)
    keep = (reg >= 0) & (typ >= 0)
    group = reg * n_types + typ
    unknown_rows = np.isnan(frac[0]) if months.size else np.zeros(cap.size, bool)
    known = keep & ~unknown_rows
    to_group = sp.csr_matrix(
        (cap[known], (group[known], np.flatnonzero(known))), shape=(n_regions * n_types, cap.size)
    )
    remaining = np.asarray(to_group @ np.nan_to_num(frac.T, nan=0.0), dtype=np.float64)
    lost = keep & unknown_rows
    unknown = np.bincount(group[lost], cap[lost], n_regions * n_types).astype(np.float64)
    return Cliff(
        months=months,
        remaining=remaining.T.reshape(months.size, n_regions, n_types),
        unknown=unknown.reshape(n_regions, n_types),
    )
