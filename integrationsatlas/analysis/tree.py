"""Region tree arithmetic: ancestors at a level and the matrix that maps regions onto a level."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _check_parent(parent: IntArray) -> None:
    n = parent.size
    if n and (parent.min() < -1 or parent.max() >= n):
        raise ValueError("parent indices must be -1 (root) or a valid region index")


def ancestor_at_level(parent: npt.ArrayLike, at_level: npt.ArrayLike) -> IntArray:
    """For every region, itself if it is on the level, else its nearest ancestor on it, else -1.

    ``parent``: index of each region's parent, -1 for a root. ``at_level``: boolean mask of
    the regions on the target level. Vectorised pointer jumping, one step per tree level.
    """
    par = np.asarray(parent, dtype=np.int64)
    on = np.asarray(at_level, dtype=bool)
    _check_parent(par)
    cur = np.arange(par.size, dtype=np.int64)
    # n regions need at most n - 1 climbs; one more round proves there is no cycle.
    for _ in range(par.size + 1):
        climb = ~on[cur] & (par[cur] >= 0)
        if not climb.any():
            break
        cur[climb] = par[cur[climb]]
    else:
        raise ValueError("the region parent links contain a cycle")
    out: IntArray = np.where(on[cur], cur, -1)
    return out


def strict_ancestor_pairs(parent: npt.ArrayLike, nodes: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """All (ancestor, node) pairs for the given nodes, ancestors excluding the node itself."""
    par = np.asarray(parent, dtype=np.int64)
    node = np.asarray(nodes, dtype=np.int64)
    anc_parts, node_parts = [], []
    cur = par[node] if node.size else node
    for _ in range(par.size):
        alive = cur >= 0
        if not alive.any():
            break
        anc_parts.append(cur[alive])
        node_parts.append(node[alive])
        cur = np.where(alive, par[np.maximum(cur, 0)], -1)
    if not anc_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(anc_parts), np.concatenate(node_parts)


def level_mapping(parent: npt.ArrayLike, at_level: npt.ArrayLike) -> sp.csr_matrix:
    """Binary (n_regions, n_level) matrix E: E[r, l] = 1 when region r covers or lies in l.

    Columns are the level's regions in index order. A region on or below the level maps up
    to its ancestor on the level; a region above the level maps down to every descendant on
    the level (a service serving a whole Kreis serves each of its Gemeinden).
    """
    on = np.asarray(at_level, dtype=bool)
    level_idx = np.flatnonzero(on)
    column = np.full(on.size, -1, dtype=np.int64)
    column[level_idx] = np.arange(level_idx.size)
    up = ancestor_at_level(parent, on)
    below = np.flatnonzero(up >= 0)
    anc, node = strict_ancestor_pairs(parent, level_idx)
    rows = np.concatenate([below, anc])
    cols = np.concatenate([column[up[below]], column[node]])
    data = np.ones(rows.size)
    return sp.csr_matrix((data, (rows, cols)), shape=(on.size, level_idx.size))
