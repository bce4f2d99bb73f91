"""Funded fractions and the funding cliff."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from integrationsatlas.analysis.cliff import funding_cliff, month_range
from integrationsatlas.analysis.funding import add_months, funded_fraction

NAT = np.datetime64("NaT")


def test_add_months_clips_the_day() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 11, 15), 26) == dt.date(2027, 1, 15)


def test_funded_fraction_counts_running_shares_capped_at_one() -> None:
    end = np.array(["2025-06-30", "NaT", "2025-01-31"], dtype="datetime64[D]")
    cut = np.array(["2025-07-01", "2025-01-01", "2025-06-30"], dtype="datetime64[D]")
    got = funded_fraction(3, [0, 0, 1], [0.5, 0.7, 0.4], end, cut)
    # Service 0: 0.5 until 30 June, 0.7 permanent (sum capped at 1). Service 1: 0.4 in
    # January. Service 2: no rows -> unknown.
    np.testing.assert_allclose(got[:, :2], [[0.7, 0.0], [1.0, 0.4], [1.0, 0.0]])
    assert np.isnan(got[:, 2]).all()


def test_funded_fraction_rejects_bad_rows() -> None:
    with pytest.raises(ValueError, match="out of range"):
        funded_fraction(1, [1], [1.0], np.array([NAT]), np.array(["2025-01-01"], "datetime64[D]"))
    with pytest.raises(ValueError, match="shares"):
        funded_fraction(1, [0], [-1.0], np.array([NAT]), np.array(["2025-01-01"], "datetime64[D]"))


def test_month_range_default_horizon() -> None:
    months = month_range(dt.date(2025, 11, 20), dt.date(2030, 12, 1))
    assert months[0] == np.datetime64("2025-11") and months[-1] == np.datetime64("2030-12")
    assert months.size == 62


def test_cliff_by_month_region_and_type() -> None:
    # s0: region 0 type 0, cap 2, 60 % to 2025-12-31 + 40 % permanent.
    # s1: region 0 type 0, cap 1, 100 % to 2026-01-15 (still running in January).
    # s2: region 1 type 1, cap 3, no funding rows -> unknown.
    # s3: region -1 (online): left out.
    cliff = funding_cliff(
        capacity=[2.0, 1.0, 3.0, 5.0],
        region=[0, 0, 1, -1],
        offer_type=[0, 0, 1, 0],
        n_regions=2,
        n_types=2,
        fund_service=[0, 0, 1, 3],
        fund_share=[0.6, 0.4, 1.0, 1.0],
        fund_end=np.array(["2025-12-31", "NaT", "2026-01-15", "NaT"], dtype="datetime64[D]"),
        start=dt.date(2025, 12, 1),
        horizon=dt.date(2026, 2, 1),
    )
    assert cliff.months.tolist() == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    np.testing.assert_allclose(cliff.remaining[:, 0, 0], [3.0, 0.8 + 1.0, 0.8])
    np.testing.assert_array_equal(cliff.remaining[:, 1, :], 0.0)
    np.testing.assert_array_equal(cliff.unknown, [[0.0, 0.0], [0.0, 3.0]])
