"""Credit services to the regions of one level: membership and demand-share splits."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]


def membership(
    n_services: int,
    home_region: npt.ArrayLike,
    area_service: npt.ArrayLike,
    area_region: npt.ArrayLike,
    mapping: sp.csr_matrix,
) -> sp.csr_matrix:
    """Binary (n_services, n_level) matrix: B[s, l] = 1 when service s lies in or serves l.

    A service belongs to the region it lies in (``home_region``, -1 for online-only) plus its
    service-area regions (COO pairs ``area_service``/``area_region``). ``mapping`` is
    :func:`tree.level_mapping` for the level, so a Gemeinde maps up to its Kreis and a
    service area of a whole Kreis maps down to each of its Gemeinden. Duplicates collapse.
    """
    home = np.asarray(home_region, dtype=np.int64)
    a_svc = np.asarray(area_service, dtype=np.int64)
    a_reg = np.asarray(area_region, dtype=np.int64)
    if home.size != n_services:
        raise ValueError(f"home_region has {home.size} entries for {n_services} services")
    if a_svc.size != a_reg.size:
        raise ValueError("service-area pairs differ in length")
    n_regions = mapping.shape[0]
    for name, idx in (("home_region", home), ("area_region", a_reg)):
        if idx.size and idx.max() >= n_regions:
            raise ValueError(f"{name} index out of range ({idx.max()} >= {n_regions})")
    if a_svc.size and (a_svc.min() < 0 or a_svc.max() >= n_services):
        raise ValueError("area_service index out of range")
    located = np.flatnonzero(home >= 0)
    rows = np.concatenate([located, a_svc])
    cols = np.concatenate([home[located], a_reg])
    m = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_services, n_regions))
    b = sp.csr_matrix(m @ mapping)
    b.data[:] = 1.0
    return b


def demand_share_credit(member: sp.csr_matrix, demand: npt.ArrayLike) -> sp.csr_matrix:
    """Split each service across its regions in proportion to their demand: rows sum to 1.

    w[s, r] = D(r) / sum_{r' served by s} D(r'), D = NaN read as 0 (docs/engine.md, ratio:
    "credits each region in proportion to its demand share"). Refinement: when no served
    region has positive known demand the service is split evenly, so its supply is not lost.
    A service serving no region gets an empty row.
    """
    d = np.nan_to_num(np.asarray(demand, dtype=np.float64), nan=0.0)
    d = np.maximum(d, 0.0)
    b = sp.csr_matrix(member, dtype=np.float64)
    row_count = np.diff(b.indptr)
    row_demand = np.asarray(b @ d, dtype=np.float64)
    even = row_demand <= 0
    numer = np.where(np.repeat(even, row_count), 1.0, d[b.indices])
    denom = np.where(even, np.maximum(row_count, 1), row_demand)
    w = sp.csr_matrix(
        (numer / np.repeat(denom, row_count), b.indices.copy(), b.indptr.copy()), shape=b.shape
    )
    # A region with no demand gets no share; dropping it keeps a NaN amount out of it.
    w.eliminate_zeros()
    return w


def credited(credit: sp.csr_matrix, amount: npt.ArrayLike) -> FloatArray:
    """Per-region sum of credited amounts: S(r) = sum_s w[s, r] * amount_s.

    A NaN amount (unknown capacity or hours) makes every region it is credited to NaN,
    so unknown supply shows as "no data", never as 0.
    """
    a = np.asarray(amount, dtype=np.float64)
    out: FloatArray = np.asarray(credit.T @ a, dtype=np.float64).ravel()
    return out
