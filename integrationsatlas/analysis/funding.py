"""Funded share of each service that is still running at given cut-off dates."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clipping the day: 2025-01-31 + 1 month = 2025-02-28."""
    total = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def funded_fraction(
    n_services: int,
    fund_service: npt.ArrayLike,
    fund_share: npt.ArrayLike,
    fund_end: npt.ArrayLike,
    cutoffs: npt.ArrayLike,
) -> FloatArray:
    """(n_cutoffs, n_services) share of each service funded at each cut-off date, capped at 1.

    A funding row counts at cut-off c when its end is NaT (permanent / regular funding) or
    end >= c (it has not run out before c). fraction[c, s] = min(1, sum of counting shares
    of s). A service with no funding rows at all gets NaN: its funding is unknown, which is
    not the same as unfunded. Shares that sum to less than 1 leave the rest unsecured.
    Vectorised as a suffix sum over the sorted cut-offs: O(fundings + services x cut-offs).
    """
    svc = np.asarray(fund_service, dtype=np.int64)
    share = np.asarray(fund_share, dtype=np.float64)
    end = np.asarray(fund_end, dtype="datetime64[D]")
    cut = np.asarray(cutoffs, dtype="datetime64[D]").ravel()
    if not (svc.size == share.size == end.size):
        raise ValueError("funding arrays (service, share, end) differ in length")
    if svc.size and (svc.min() < 0 or svc.max() >= n_services):
        raise ValueError("funding service index out of range")
    if np.any(share < 0) or not np.isfinite(share).all():
        raise ValueError("funding shares must be finite and >= 0")
    order = np.argsort(cut, kind="stable")
    n_cut = cut.size
    # Number of (sorted) cut-offs at or before each end: the funding counts for those.
    runs = np.where(np.isnat(end), n_cut, np.searchsorted(cut[order], end, side="right"))
    # Share deposited at the last cut-off it covers, then summed from the right: the sum at
    # t is the share of every funding running at t. Sums of non-negative terms only, so a
    # service whose funding has all ended is exactly 0 (no cancellation residue).
    width = n_cut + 1
    deposit = np.bincount(svc * width + runs, weights=share, minlength=n_services * width)
    rev = np.cumsum(deposit.reshape(n_services, width)[:, ::-1], axis=1)[:, ::-1]
    sorted_frac = np.minimum(rev[:, 1:], 1.0)
    has_rows = np.bincount(svc, minlength=n_services) > 0
    sorted_frac[~has_rows] = np.nan
    out = np.empty((n_cut, n_services))
    out[order] = sorted_frac.T
    return out
