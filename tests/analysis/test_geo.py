"""Projection, haversine and KD-tree neighbour search."""

from __future__ import annotations

import numpy as np
import pytest

from integrationsatlas.analysis.geo import (
    haversine_m,
    nearest,
    neighbours_within,
    pairs_within,
    to_metric,
)


def test_to_metric_is_utm33n_and_keeps_nan() -> None:
    # 15°E is the central meridian of UTM zone 33: easting exactly 500 000 m.
    xy = to_metric([15.0, np.nan], [51.0, 51.0])
    assert xy[0, 0] == pytest.approx(500_000.0, abs=1e-6)
    assert 5_600_000 < xy[0, 1] < 5_700_000
    assert np.isnan(xy[1]).all()


def test_projected_distance_close_to_haversine() -> None:
    # Dresden to Leipzig: UTM (ellipsoid) and haversine (sphere) agree to within 0.5 %;
    # the spherical model alone accounts for up to ~0.5 % at this latitude.
    lon, lat = np.array([13.7373, 12.3731]), np.array([51.0504, 51.3397])
    xy = to_metric(lon, lat)
    d_utm = float(np.hypot(*(xy[0] - xy[1])))
    d_hav = float(haversine_m(lon[0], lat[0], lon[1], lat[1]))
    assert d_hav == pytest.approx(100_000, rel=0.03)
    assert d_utm == pytest.approx(d_hav, rel=5e-3)


def test_haversine_one_degree_latitude() -> None:
    assert float(haversine_m(0, 0, 0, 1)) == pytest.approx(np.pi / 180 * 6_371_008.8, rel=1e-12)


def test_neighbours_within_matches_brute_force_and_keeps_zero_distance() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 1000, (60, 2))
    b = np.vstack([a[:5], rng.uniform(0, 1000, (40, 2))])  # five sites exactly at demand points
    m = neighbours_within(a, b, 200.0)
    brute = np.hypot(*(a[:, None, :] - b[None, :, :]).transpose(2, 0, 1))
    assert m.shape == (60, 45)
    assert m.format == "csr"
    assert set(zip(*m.nonzero(), strict=True)) <= set(zip(*np.nonzero(brute <= 200), strict=True))
    coo = m.tocoo()
    assert coo.nnz == int((brute <= 200).sum())  # zero distances are stored, not dropped
    np.testing.assert_allclose(coo.data, brute[coo.row, coo.col], atol=1e-9)
    assert all(m[i, i] == 0 and (i, i) in set(zip(coo.row, coo.col, strict=True)) for i in range(5))


def test_nearest_and_empty_inputs() -> None:
    a = np.array([[0.0, 0.0], [10.0, 0.0]])
    b = np.array([[3.0, 4.0]])
    np.testing.assert_allclose(nearest(a, b), [5.0, np.hypot(7, 4)])
    assert np.isinf(nearest(a, b, max_distance_m=6.0)[1])
    assert np.isinf(nearest(a, np.empty((0, 2)))).all()
    assert nearest(np.empty((0, 2)), b).size == 0
    assert neighbours_within(np.empty((0, 2)), b, 5.0).shape == (0, 1)


def test_bad_points_are_rejected() -> None:
    with pytest.raises(ValueError, match="points_b contains NaN"):
        nearest([[0.0, 0.0]], [[np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        neighbours_within([[0.0, 0.0, 0.0]], [[0.0, 0.0]], 1.0)


def test_neighbours_within_orders_rows_beyond_16_bits() -> None:
    # More than 65,536 demand points exercises the second radix pass of the CSR build.
    rng = np.random.default_rng(8)
    a = rng.uniform(0, 10_000, (70_000, 2))
    b = rng.uniform(0, 10_000, (4, 2))
    m = neighbours_within(a, b, 800.0)
    brute = np.hypot(*(a[:, None, :] - b[None, :, :]).transpose(2, 0, 1))
    expected = np.where(brute <= 800.0, brute, 0.0)
    np.testing.assert_allclose(m.toarray(), expected, atol=1e-9)
    assert m.nnz == int((brute <= 800.0).sum())
    assert (m.indptr[1:] >= m.indptr[:-1]).all()


def test_pairs_within_is_the_same_pairs_as_neighbours_within_in_coo() -> None:
    rng = np.random.default_rng(5)
    a = rng.uniform(0, 1000, (80, 2))
    b = np.vstack([a[:3], rng.uniform(0, 1000, (30, 2))])  # three zero distances
    coo = pairs_within(a, b, 250.0)
    assert coo.format == "coo" and coo.shape == (80, 33)
    assert coo.row.dtype == np.int32 and coo.data.dtype == np.float64
    brute = np.hypot(*(a[:, None, :] - b[None, :, :]).transpose(2, 0, 1))
    assert coo.nnz == int((brute <= 250.0).sum())  # each pair once, zeros stored
    np.testing.assert_allclose(coo.data, brute[coo.row, coo.col], atol=1e-9)
    assert {(i, i) for i in range(3)} <= set(zip(coo.row, coo.col, strict=True))
    np.testing.assert_allclose(coo.toarray(), neighbours_within(a, b, 250.0).toarray())
    assert pairs_within(a, np.empty((0, 2)), 5.0).shape == (80, 0)
