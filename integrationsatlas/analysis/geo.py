"""Geometry for the engine: WGS84 -> EPSG:25833 metres, great-circle and KD-tree distances."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pyproj import Transformer
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]

#: Mean Earth radius in metres (IUGG), used by :func:`haversine_m`.
EARTH_RADIUS_M = 6_371_008.8


@lru_cache(maxsize=4)
def _transformer(target_epsg: int) -> Transformer:
    # Building a Transformer costs milliseconds; the engine projects many arrays per run.
    return Transformer.from_crs("EPSG:4326", f"EPSG:{target_epsg}", always_xy=True)


def to_metric(lon: npt.ArrayLike, lat: npt.ArrayLike, target_epsg: int = 25833) -> FloatArray:
    """Project WGS84 lon/lat (degrees) to an (n, 2) array of metric x/y, EPSG:25833 by default.

    EPSG:25833 (ETRS89 / UTM zone 33N) is Saxony's official CRS. NaN
    coordinates (online-only services) stay NaN. The call is vectorised in PROJ.
    """
    lon_a = np.asarray(lon, dtype=np.float64).ravel()
    lat_a = np.asarray(lat, dtype=np.float64).ravel()
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat differ in length: {lon_a.size} != {lat_a.size}")
    x, y = _transformer(target_epsg).transform(lon_a, lat_a)
    out: FloatArray = np.column_stack([np.asarray(x, np.float64), np.asarray(y, np.float64)])
    out[~(np.isfinite(lon_a) & np.isfinite(lat_a))] = np.nan
    return out


def haversine_m(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in metres, element-wise with NumPy broadcasting.

    d = 2 R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))  (Sinnott 1984, "Virtues
    of the haversine", Sky & Telescope 68(2):159), R = 6,371,008.8 m.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    # Rounding can push h a hair above 1 for antipodal points; arcsin would give NaN.
    out: FloatArray = np.asarray(
        2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64
    )
    return out


def as_points(points: npt.ArrayLike, name: str) -> FloatArray:
    """An (n, 2) float array of finite metric x/y; a clear ValueError naming `name` if not."""
    arr = np.asarray(points, dtype=np.float64)
    if arr.size == 0:
        return np.empty((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must be an (n, 2) array of metric x/y, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates; drop them first")
    return arr


def pairs_within(
    points_a: npt.ArrayLike, points_b: npt.ArrayLike, radius_m: float
) -> sp.coo_matrix:
    """Sparse (n_a, n_b) COO matrix of Euclidean distances (metres) for pairs <= ``radius_m``.

    Every pair in reach is a STORED entry, including pairs at distance 0 (kept as an explicit
    zero): the sparsity pattern means "in reach", the stored value is the distance. Pairs
    come in KD-tree order (not sorted by row), each pair once. This is the fast route into
    :func:`~integrationsatlas.analysis.catchment.two_step_fca`, which reads COO as it is;
    use :func:`neighbours_within` when rows are needed. Built with
    ``cKDTree.sparse_distance_matrix(..., output_type="ndarray")`` (no all-pairs loop).
    """
    rows, cols, dist, shape = _kd_pairs(points_a, points_b, radius_m)
    return sp.coo_matrix((dist, (rows, cols)), shape=shape)


def neighbours_within(
    points_a: npt.ArrayLike, points_b: npt.ArrayLike, radius_m: float
) -> sp.csr_matrix:
    """Sparse (n_a, n_b) CSR matrix of Euclidean distances (metres) for pairs <= ``radius_m``.

    The same pairs as :func:`pairs_within`, grouped into rows (column order within a row is
    unspecified). Every pair in reach is a STORED entry, including pairs at distance 0 (kept
    as an explicit zero), so callers must never run ``eliminate_zeros`` on it.
    """
    rows, cols, dist, shape = _kd_pairs(points_a, points_b, radius_m)
    return _csr_from_pairs(rows, cols, dist, shape)


IndexArray = npt.NDArray[np.signedinteger[Any]]


def _kd_pairs(
    points_a: npt.ArrayLike, points_b: npt.ArrayLike, radius_m: float
) -> tuple[IndexArray, IndexArray, FloatArray, tuple[int, int]]:
    a = as_points(points_a, "points_a")
    b = as_points(points_b, "points_b")
    shape = (a.shape[0], b.shape[0])
    if 0 in shape:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty, np.empty(0), shape
    pairs = cKDTree(a).sparse_distance_matrix(cKDTree(b), radius_m, output_type="ndarray")
    # One pass per record field into a contiguous array of SciPy's smallest index type:
    # the gathers and sparse products downstream are ~2x faster than on the strided
    # int64 fields, and SciPy would otherwise scan and downcast the indices itself.
    idx = np.int32 if max(shape) < 2**31 else np.int64
    rows = cast(IndexArray, pairs["i"].astype(idx))
    cols = cast(IndexArray, pairs["j"].astype(idx))
    return rows, cols, np.ascontiguousarray(pairs["v"], dtype=np.float64), shape


def _row_order(rows: IndexArray) -> npt.NDArray[np.intp]:
    """Stable order that groups pairs by row: two 16-bit radix passes, O(n).

    NumPy's stable sort is a radix sort for 16-bit keys; sorting by the low then the high
    half gives the full order (LSD radix) about 3x faster than a comparison sort.
    """
    order = np.argsort((rows & 0xFFFF).astype(np.uint16), kind="stable")
    high = (rows[order] >> 16).astype(np.uint16)
    if high.any():
        order = order[np.argsort(high, kind="stable")]
    return order


def _csr_from_pairs(
    rows: IndexArray, cols: IndexArray, dist: FloatArray, shape: tuple[int, int]
) -> sp.csr_matrix:
    # Unique pairs from the KD-tree: build CSR directly, so explicit zeros stay stored and
    # the per-row column sort of scipy's COO conversion is skipped (indices need no order).
    if shape[0] >= 2**32:
        raise ValueError("more than 2**32 demand points are not supported")
    order = _row_order(rows)
    indptr = np.zeros(shape[0] + 1, dtype=cols.dtype)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((dist[order], cols[order], indptr), shape=shape)


def nearest(
    points_a: npt.ArrayLike, points_b: npt.ArrayLike, max_distance_m: float = np.inf
) -> FloatArray:
    """Distance (metres) from each point of ``points_a`` to its nearest point of ``points_b``.

    ``inf`` where no point of ``points_b`` lies within ``max_distance_m`` (all points when
    ``points_b`` is empty). A finite bound lets the KD-tree prune: callers who only ask
    "within d?" should pass it.
    """
    a = as_points(points_a, "points_a")
    b = as_points(points_b, "points_b")
    if b.shape[0] == 0:
        return np.full(a.shape[0], np.inf)
    if a.shape[0] == 0:
        return np.empty(0)
    dist, _ = cKDTree(b).query(a, k=1, distance_upper_bound=max_distance_m)
    return np.asarray(dist, dtype=np.float64)
