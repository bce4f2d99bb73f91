"""Demand point x site pairs within a radius: one grid join per site set, shared by rules.

A spatial rule (``reach``, 2SFCA) needs every (demand point, site) pair within its radius.
At Germany scale (1,000,000 points, 11,000 sites of a type, 30 km) that is about 60 million
pairs. :class:`PairCache` computes them once per site set, at the largest radius any rule of
the run asks for, and hands smaller radii the same pairs filtered (:meth:`PairList.blocks`).

The join: points are grouped into square cells of :data:`POINT_CELL_M` and sites into
cells of :data:`SITE_CELL_M`; each point cell is compared, as dense NumPy blocks, with the
sites of the site cells that can lie within the radius of some place in it. A pair is in
reach when d² = dx·dx + dy·dy <= r·r, computed in float64 in that order: the same test and
the same arithmetic as SciPy's ``cKDTree.sparse_distance_matrix`` (so the pairs and their
distances are exactly those of :func:`geo.pairs_within`, tested), at a fraction of its time
and memory (docs/performance.md).

Storage: the points, sorted by cell, are cut into blocks of :data:`BLOCK_POINTS`; a block
holds its pairs as (row within the block: uint16, site: uint16 up to 65,536 sites, else
int32, d²: float64), 12 bytes a pair instead of the 24 of a KD-tree pair record. d² stays
float64: a float32 would move pairs across the limit, and the results with them. A rule
streams over the blocks, so its temporaries are the size of a block, never of all pairs.

Order: pairs come by point (in cell order) and, for one point, by site cell and site
index. Neither the cells nor the blocks depend on the radius, so the pairs within r are,
block by block and in the same order, the pairs within R >= r with d² <= r²: a filtered
list and a fresh one are identical arrays, and every sum over them adds in the same order
(bit-identical results).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.spatial import cKDTree

from .geo import as_points

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.integer[Any]]

#: Side of the cells demand points are grouped in, metres (dense blocks per cell).
POINT_CELL_M = 15_000.0
#: Side of the cells sites are grouped in, metres: the finer, the closer a block follows
#: the disc around its point cell, the more searches per block.
SITE_CELL_M = 5_000.0
#: Points per stored block (consecutive in cell order; at most 65,536 for uint16 rows).
BLOCK_POINTS = 1 << 13
#: Largest dense block of candidate pairs computed at once (elements; a few float64
#: temporaries of this size are alive, so 2**18 keeps them in the CPU cache).
DENSE = 1 << 18
#: Slack in metres when choosing candidate cells, so float rounding of cell bounds never
#: drops a pair; the exact test on d² decides.
_SLACK_M = 1.0


@dataclass(frozen=True, eq=False, slots=True)
class PairBlock:
    """The pairs of one block of points: ``points`` their indices (distinct), ``rows``
    positions in ``points``, ``cols`` site indices, ``d2`` squared distances in m²."""

    points: IndexArray
    rows: IndexArray
    cols: IndexArray
    d2: FloatArray

    def within(self, radius: float) -> PairBlock:
        keep = self.d2 <= radius * radius
        return PairBlock(self.points, self.rows[keep], self.cols[keep], self.d2[keep])


@dataclass(frozen=True, eq=False)
class PairList:
    """All (point, site) pairs with squared distance <= ``radius``², in blocks of points.

    ``shape`` is (n_points, n_sites); every point lies in exactly one block.
    """

    parts: tuple[PairBlock, ...]
    shape: tuple[int, int]
    radius: float

    @property
    def size(self) -> int:
        return sum(int(b.d2.size) for b in self.parts)

    @property
    def nbytes(self) -> int:
        return sum(b.rows.nbytes + b.cols.nbytes + b.d2.nbytes for b in self.parts)

    def blocks(self, radius: float | None = None) -> Iterator[PairBlock]:
        """The blocks, each filtered to d² <= ``radius``² (default: this list's radius).

        Filtered block by block: the same arrays :func:`pairs_within_radius` gives for
        ``radius``, with no copy of the whole list.
        """
        if radius is None or radius == self.radius:
            yield from self.parts
            return
        if radius > self.radius:
            raise ValueError(f"pairs were computed to {self.radius} m, not {radius} m")
        for block in self.parts:
            yield block.within(radius)

    def cost(self, radius: float | None = None) -> sp.coo_matrix:
        """Sparse (n_points, n_sites) COO of distances in metres (one array of all pairs;
        for inspection and tests). A pair at distance 0 is a stored zero."""
        parts = list(self.blocks(radius))
        if not parts:
            return sp.coo_matrix(self.shape)
        rows = np.concatenate([b.points[b.rows] for b in parts])
        cols = np.concatenate([b.cols.astype(np.int64) for b in parts])
        dist = np.sqrt(np.concatenate([b.d2 for b in parts]))
        return sp.coo_matrix((dist, (rows, cols)), shape=self.shape)

    def reached(self, radius: float | None = None) -> BoolArray:
        """Per point: is any site within ``radius`` (default: this list's radius)?

        The answer of :func:`reached_within` (the same test on the same d²).
        """
        if radius is not None and radius > self.radius:
            raise ValueError(f"pairs were computed to {self.radius} m, not {radius} m")
        limit = self.radius**2 if radius is None else radius * radius
        out = np.zeros(self.shape[0], dtype=bool)
        for block in self.parts:
            hit = np.zeros(block.points.size, dtype=bool)
            hit[block.rows[block.d2 <= limit]] = True
            out[block.points] = hit
        return out


class PointGrid:
    """Demand points sorted into square cells once, for joins with any number of site sets.

    ``order``: point indices by cell (row, then column), within a cell by index;
    ``cells``: (row, column) of each occupied cell, ``bounds``: its slice of ``order``.
    """

    def __init__(self, points: npt.ArrayLike, cell_m: float = POINT_CELL_M) -> None:
        self.xy = as_points(points, "points")
        self.cell_m = float(cell_m)
        n = self.xy.shape[0]
        cx = np.floor(self.xy[:, 0] / self.cell_m).astype(np.int64)
        cy = np.floor(self.xy[:, 1] / self.cell_m).astype(np.int64)
        self.order: IndexArray = np.lexsort((cx, cy))  # stable: index order within a cell
        key = np.column_stack([cy[self.order], cx[self.order]])
        change = np.r_[n > 0, (key[1:] != key[:-1]).any(axis=1)] if n else np.zeros(0, bool)
        first = np.flatnonzero(change)
        self.cells = key[first]
        self.bounds = np.r_[first, n].astype(np.int64)


class _SiteGrid:
    """Sites sorted by (cell row, cell column, index), with a search key per site."""

    def __init__(self, xy: FloatArray, cell_m: float) -> None:
        self.cell_m = cell_m
        cx = np.floor(xy[:, 0] / cell_m).astype(np.int64)
        cy = np.floor(xy[:, 1] / cell_m).astype(np.int64)
        self.col0, self.row0 = int(cx.min()), int(cy.min())
        self.width = int(cx.max()) - self.col0 + 1
        self.height = int(cy.max()) - self.row0 + 1
        key = (cy - self.row0) * self.width + (cx - self.col0)
        self.order = np.argsort(key, kind="stable")
        self.key = key[self.order]
        self.x = np.ascontiguousarray(xy[self.order, 0])
        self.y = np.ascontiguousarray(xy[self.order, 1])

    def candidates(self, x0: float, y0: float, x1: float, y1: float, radius: float) -> IndexArray:
        """Sorted positions of the sites in cells that may lie within ``radius`` of a point
        of the box [x0, x1] x [y0, y1]: per cell row, the columns within the disc's chord."""
        c = self.cell_m
        lo_row = max(math.floor((y0 - radius) / c), self.row0)
        hi_row = min(math.floor((y1 + radius) / c), self.row0 + self.height - 1)
        if hi_row < lo_row:
            return np.empty(0, np.int64)
        row = np.arange(lo_row, hi_row + 1, dtype=np.int64)
        gap = np.maximum(np.maximum(row * c - y1, y0 - (row + 1) * c), 0.0)
        half = np.sqrt(np.maximum(radius * radius - gap * gap, 0.0)) + _SLACK_M
        first = np.floor((x0 - half) / c).astype(np.int64) - self.col0
        last = np.floor((x1 + half) / c).astype(np.int64) - self.col0
        ok = (gap <= radius + _SLACK_M) & (last >= 0) & (first < self.width)
        base = (row[ok] - self.row0) * self.width
        start = np.searchsorted(self.key, base + np.maximum(first[ok], 0), side="left")
        stop = np.searchsorted(self.key, base + np.minimum(last[ok], self.width - 1), "right")
        length = stop - start
        total = int(length.sum())
        if total == 0:
            return np.empty(0, np.int64)
        # Concatenated ranges [start_k, stop_k) without a Python loop.
        shift = np.repeat(start - (np.cumsum(length) - length), length)
        out: IndexArray = np.arange(total, dtype=np.int64) + shift
        return out


def reached_within(points: npt.ArrayLike, sites: npt.ArrayLike, radius_m: float) -> BoolArray:
    """Per point: does a site lie within ``radius_m``, i.e. dx² + dy² <= radius²?

    The test of :func:`pairs_within_radius`, answered without listing pairs: a KD-tree finds
    each point's nearest site up to a bound a little beyond the radius (its own bound is
    exclusive and compares rounded values), then the exact test runs on that site. The
    nearest site has the smallest d², so the answer is the join's for every point.
    """
    p_xy, s_xy = as_points(points, "points"), as_points(sites, "sites")
    radius = float(radius_m)
    if p_xy.shape[0] == 0 or s_xy.shape[0] == 0:
        return np.zeros(p_xy.shape[0], dtype=bool)
    bound = radius * (1.0 + 1e-9) + _SLACK_M
    dist, idx = cKDTree(s_xy).query(p_xy, k=1, distance_upper_bound=bound)
    found = np.isfinite(dist)
    out = np.zeros(p_xy.shape[0], dtype=bool)
    near = s_xy[np.asarray(idx)[found]]
    dx = p_xy[found, 0] - near[:, 0]
    dy = p_xy[found, 1] - near[:, 1]
    out[found] = dx * dx + dy * dy <= radius * radius
    return out


def pairs_within_radius(
    grid: PointGrid, sites: npt.ArrayLike, radius_m: float, site_cell_m: float = SITE_CELL_M
) -> PairList:
    """Every (point, site) pair with dx² + dy² <= radius², as a :class:`PairList`.

    ``grid`` holds the demand points (metric x/y), ``sites`` is an (m, 2) metric array
    without NaN. Points and sites at the same place are a pair at distance 0.
    """
    s_xy = as_points(sites, "sites")
    radius = float(radius_m)
    if not (math.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius must be finite and >= 0, got {radius_m}")
    n, m = grid.xy.shape[0], s_xy.shape[0]
    col_t = np.uint16 if m <= 2**16 else np.int32 if m < 2**31 else np.int64
    blocks: list[PairBlock] = []
    if m == 0:
        empty = np.empty(0, np.uint16)
        for lo in range(0, n, BLOCK_POINTS):
            part = grid.order[lo : lo + BLOCK_POINTS]
            blocks.append(PairBlock(part, empty, empty.astype(col_t), np.empty(0)))
        return PairList(tuple(blocks), (n, m), radius)
    sites_g = _SiteGrid(s_xy, site_cell_m)
    r2 = radius * radius
    c = grid.cell_m
    rows: list[IndexArray] = []
    cols: list[IndexArray] = []
    d2s: list[FloatArray] = []
    start = 0  # position in grid.order where the current block starts
    for k, (cell_row, cell_col) in enumerate(grid.cells.tolist()):
        x0, y0 = cell_col * c - _SLACK_M, cell_row * c - _SLACK_M
        pos = sites_g.candidates(x0, y0, x0 + c + 2 * _SLACK_M, y0 + c + 2 * _SLACK_M, radius)
        nb = pos.size
        bx, by = sites_g.x[pos], sites_g.y[pos]
        bidx: IndexArray = sites_g.order[pos].astype(col_t)
        lo, hi = int(grid.bounds[k]), int(grid.bounds[k + 1])
        while lo < hi:
            end = start + BLOCK_POINTS
            stop = min(hi, end, lo + max(1, DENSE // nb) if nb else hi)
            if nb:
                pts = grid.order[lo:stop]
                dd = np.subtract.outer(grid.xy[pts, 0], bx)
                np.multiply(dd, dd, out=dd)
                dy = np.subtract.outer(grid.xy[pts, 1], by)
                np.multiply(dy, dy, out=dy)
                dd += dy
                flat = np.flatnonzero(dd <= r2)
                i, j = np.divmod(flat, nb)
                rows.append((i + (lo - start)).astype(np.uint16))
                cols.append(bidx[j])
                d2s.append(dd.ravel()[flat])
            lo = stop
            if lo in (end, n):
                blocks.append(_block(grid.order[start:lo], rows, cols, d2s, col_t))
                rows, cols, d2s = [], [], []
                start = lo
    return PairList(tuple(blocks), (n, m), radius)


def _block(
    points: IndexArray,
    rows: list[IndexArray],
    cols: list[IndexArray],
    d2s: list[FloatArray],
    col_t: type[np.integer[Any]],
) -> PairBlock:
    if not rows:
        return PairBlock(points, np.empty(0, np.uint16), np.empty(0, col_t), np.empty(0))
    return PairBlock(points, np.concatenate(rows), np.concatenate(cols), np.concatenate(d2s))


class PairCache:
    """Pair lists of one demand point set, one per site set, shared by the rules of a run.

    Announce every use first (:meth:`plan`, with the radius it needs); :meth:`get` then
    computes a site set's pairs once, at the largest radius announced for it (a reader
    with a smaller radius filters them, :meth:`PairList.blocks`); :meth:`done` drops them
    after the last announced use, so only the site sets still to be read are held.
    """

    def __init__(self, points: npt.ArrayLike) -> None:
        self._points = points
        self._grid: PointGrid | None = None
        self._radius: dict[Hashable, float] = {}
        self._uses: dict[Hashable, int] = {}
        self._lists: dict[Hashable, PairList] = {}

    @property
    def grid(self) -> PointGrid:
        if self._grid is None:
            self._grid = PointGrid(self._points)
        return self._grid

    def plan(self, key: Hashable, radius_m: float) -> None:
        """Announce one later use of the pairs of site set ``key`` within ``radius_m``."""
        self._radius[key] = max(self._radius.get(key, 0.0), float(radius_m))
        self._uses[key] = self._uses.get(key, 0) + 1

    def covers(self, key: Hashable, radius_m: float) -> bool:
        """Will :meth:`get` serve ``key`` to ``radius_m``? (announced, and far enough)"""
        return key in self._radius and radius_m <= self._radius[key]

    def get(self, key: Hashable, sites: npt.ArrayLike) -> PairList:
        """The pairs of site set ``key`` (metric ``sites``, the same for every call with one
        key) to the largest radius announced for it, computed on the first call; a reader
        with a smaller radius takes :meth:`PairList.within` or :meth:`PairList.reached`."""
        if key not in self._radius:
            raise ValueError(f"site set {key!r} was not announced")
        if key not in self._lists:
            self._lists[key] = pairs_within_radius(self.grid, sites, self._radius[key])
        return self._lists[key]

    @property
    def held(self) -> list[Hashable]:
        """Site sets whose pairs are held now."""
        return list(self._lists)

    def done(self, key: Hashable) -> None:
        """One announced use of ``key`` is over; the last one frees its pairs."""
        self._uses[key] -= 1
        if self._uses[key] <= 0:
            self._lists.pop(key, None)
