"""Benchmark: engine 2SFCA against PySAL access on 10,000 demand points and 2,000 sites, 30 km.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_2sfca.py [--demand N] [--supply M]

Random points in Saxony's bounding box, projected once to EPSG:25833 (untimed, the same for
both). Each timing is the best of ``--repeats`` runs. Three distance decays: uniform,
Gaussian (σ = 15 km) and the enhanced 2SFCA's steps (bands 10/20/30 km with Luo & Qi's
weights 1, 0.68, 0.22; PySAL ``enhanced_two_stage_fca`` with ``weights.step_fn``). Two
comparisons:

1. Same inputs (the headline). Both get the same (origin, destination, cost) triplets,
   already built: PySAL ``access`` as its documented input, a cost DataFrame (plus demand
   and supply DataFrames); the engine as a SciPy COO matrix of the same triplets (and, in a
   second row, as CSR). Timed for PySAL: ``Access(...)`` + ``two_stage_fca`` + reading the
   result out per demand point; for the engine: ``two_step_fca``.
2. End to end from projected coordinates. PySAL: KD-tree pair search
   (``cKDTree.sparse_distance_matrix``, output_type="ndarray") + building the cost
   DataFrame from those pairs + step 1. Engine: ``pairs_within`` (the same KD-tree search,
   returned as COO) + ``two_step_fca``. PySAL's own route for points
   (``create_euclidean_distance``) is an all-pairs cross merge of 20 million rows, so
   handing it KD-tree pairs favours PySAL.

Every timed engine result is checked against PySAL's to 1e-9 relative (and the same zeros);
a mismatch stops the run.
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import scipy.sparse as sp
from access import Access, weights
from scipy.spatial import cKDTree

from integrationsatlas.analysis.catchment import Weight, two_step_fca
from integrationsatlas.analysis.geo import pairs_within, to_metric

SAXONY_BBOX = (11.87, 50.17, 15.04, 51.69)  # lon/lat min, max (WGS84)
RADIUS_M = 30_000.0
SIGMA_M = 15_000.0
# Luo & Qi's (2009) weights 1, 0.68, 0.22 for three bands (theirs are 10/20/30 minutes).
BANDS_M = ((10_000.0, 1.0), (20_000.0, 0.68), (30_000.0, 0.22))


@dataclass(frozen=True)
class Decay:
    label: str
    weight: Weight
    sigma: float | None = None
    bands: tuple[tuple[float, float], ...] | None = None


DECAYS = (
    Decay("uniform", "uniform"),
    Decay(f"Gaussian σ = {SIGMA_M / 1000:g} km", "gaussian", sigma=SIGMA_M),
    Decay("enhanced, bands 10/20/30 km", "step", bands=BANDS_M),
)


def random_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    lon0, lat0, lon1, lat1 = SAXONY_BBOX
    return rng.uniform(lon0, lon1, n), rng.uniform(lat0, lat1, n)


def kd_pairs(a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
    return cKDTree(a_xy).sparse_distance_matrix(cKDTree(b_xy), RADIUS_M, output_type="ndarray")


def pysal_frames(
    p: np.ndarray, s: np.ndarray, i: np.ndarray, j: np.ndarray, v: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (
        pd.DataFrame({"geoid": np.arange(p.size), "pop": p}),
        pd.DataFrame({"geoid": np.arange(s.size), "sites": s}),
        pd.DataFrame({"origin": i, "dest": j, "cost": v}),
    )


def pysal_end_to_end(
    a_xy: np.ndarray, b_xy: np.ndarray, p: np.ndarray, s: np.ndarray, decay: Decay
) -> np.ndarray:
    pairs = kd_pairs(a_xy, b_xy)
    frames = pysal_frames(p, s, pairs["i"], pairs["j"], pairs["v"])
    return pysal_2sfca(*frames, decay)


def pysal_2sfca(
    demand_df: pd.DataFrame, supply_df: pd.DataFrame, cost_df: pd.DataFrame, decay: Decay
) -> np.ndarray:
    acc = Access(
        demand_df=demand_df,
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply_df,
        supply_index="geoid",
        supply_value="sites",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if decay.bands is not None:
        step = weights.step_fn(dict(decay.bands))
        out = acc.enhanced_two_stage_fca(name="a", max_cost=RADIUS_M, weight_fn=step)["a_sites"]
    else:
        fn = None if decay.sigma is None else weights.gaussian(decay.sigma)
        out = acc.two_stage_fca(name="a", max_cost=RADIUS_M, weight_fn=fn)["a_sites"]
    # PySAL leaves demand points without supply in reach as NaN (or absent); the engine says 0.
    return np.asarray(out.reindex(np.arange(len(demand_df))).fillna(0.0), dtype=np.float64)


def engine(p: np.ndarray, s: np.ndarray, cost: sp.spmatrix, decay: Decay) -> np.ndarray:
    return two_step_fca(p, s, cost, RADIUS_M, decay.weight, sigma=decay.sigma, bands=decay.bands)


def engine_end_to_end(
    a_xy: np.ndarray, b_xy: np.ndarray, p: np.ndarray, s: np.ndarray, decay: Decay
) -> np.ndarray:
    return engine(p, s, pairs_within(a_xy, b_xy, RADIUS_M), decay)


def best_of(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray]:
    times, result = [], np.empty(0)
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def agreement(mine: np.ndarray, ref: np.ndarray) -> float:
    nz = ref != 0
    rel = float(np.max(np.abs(mine[nz] - ref[nz]) / np.abs(ref[nz]))) if nz.any() else 0.0
    if rel > 1e-9 or not np.array_equal(mine == 0, ref == 0):
        raise SystemExit(f"engine and PySAL access disagree (max rel. difference {rel:.1e})")
    return rel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", type=int, default=10_000)
    parser.add_argument("--supply", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("access").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="The inplace keyword")

    rng = np.random.default_rng(2025)
    a_xy = to_metric(*random_points(rng, args.demand))
    b_xy = to_metric(*random_points(rng, args.supply))
    p = rng.integers(1, 5_000, args.demand).astype(float)
    s = rng.uniform(0.5, 5.0, args.supply)

    # Ready inputs for comparison 1: the same triplets as a DataFrame and as sparse matrices.
    # Contiguous copies of the KD-tree's record fields: pandas copies the strided fields into
    # its own columns anyway, and SciPy would otherwise keep a strided view as COO data.
    pairs = kd_pairs(a_xy, b_xy)
    i, j, v = (np.ascontiguousarray(pairs[k]) for k in ("i", "j", "v"))
    demand_df, supply_df, cost_df = pysal_frames(p, s, i, j, v)
    shape = (args.demand, args.supply)
    cost_coo = sp.coo_matrix((v, (i, j)), shape=shape)
    cost_csr = cost_coo.tocsr()
    assert cost_csr.nnz == cost_coo.nnz == len(cost_df)  # unique pairs, nothing merged

    t_kd, _ = best_of(lambda: kd_pairs(a_xy, b_xy), args.repeats)
    print(
        f"2SFCA, {args.demand:,} demand points x {args.supply:,} sites, {RADIUS_M / 1000:g} km "
        f"({len(cost_df):,} pairs in reach); best of {args.repeats}.\n"
        f"KD-tree pair search alone: {t_kd * 1000:.1f} ms (part of both end-to-end timings)\n"
    )
    print("| weight | timed | engine ms | PySAL access ms | speed-up | max rel. difference |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for decay in DECAYS:
        t_p, r_p = best_of(partial(pysal_2sfca, demand_df, supply_df, cost_df, decay), 5)
        t_pe, r_pe = best_of(partial(pysal_end_to_end, a_xy, b_xy, p, s, decay), 5)
        agreement(r_pe, r_p)
        rows = (
            (
                "same inputs: ready COO vs ready cost DataFrame",
                partial(engine, p, s, cost_coo, decay),
                t_p,
            ),
            (
                "same inputs: ready CSR vs ready cost DataFrame",
                partial(engine, p, s, cost_csr, decay),
                t_p,
            ),
            (
                "end to end from coordinates",
                partial(engine_end_to_end, a_xy, b_xy, p, s, decay),
                t_pe,
            ),
        )
        for what, fn, t_ref in rows:
            t_e, r_e = best_of(fn, args.repeats)
            rel = agreement(r_e, r_p)
            print(
                f"| {decay.label} | {what} | {t_e * 1000:.1f} | {t_ref * 1000:.0f} "
                f"| {t_ref / t_e:.1f}x | {rel:.1e} |"
            )


if __name__ == "__main__":
    main()
