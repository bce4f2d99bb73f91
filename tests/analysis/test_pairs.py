"""Shared point x site pairs: the grid join against the KD-tree, filtering, streaming 2SFCA,
and assess() with shared pairs equal to each rule assessed on its own."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from scipy.spatial import cKDTree

from integrationsatlas.analysis import pairs as pairs_mod
from integrationsatlas.analysis.assess import DemandPoints, EngineRule, Regions, Services, assess
from integrationsatlas.analysis.catchment import two_step_fca, two_step_fca_blocks
from integrationsatlas.analysis.pairs import (
    PairCache,
    PointGrid,
    pairs_within_radius,
    reached_within,
)

SEEDS = range(6)


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Clustered points and sites over 120 km, with duplicates and shared places."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 120_000, (8, 2))
    pts = centres[rng.integers(0, 8, 900)] + rng.normal(0, 6_000, (900, 2))
    sites = centres[rng.integers(0, 8, 150)] + rng.normal(0, 9_000, (150, 2))
    pts[:10] = pts[10:20]  # duplicate points
    sites[:5] = pts[100:105]  # sites on demand points: distance 0
    return pts, sites


def _triples(pl: pairs_mod.PairList, radius: float | None = None) -> np.ndarray:
    coo = pl.cost(radius)
    rec = np.rec.fromarrays([coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data])
    return np.sort(rec, order=["f0", "f1"])


@pytest.fixture(params=[7, 1 << 13])
def small_blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run with blocks of 7 points (many blocks, cells split) and with the default."""
    monkeypatch.setattr(pairs_mod, "BLOCK_POINTS", request.param)
    return int(request.param)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("radius", [0.0, 2_500.0, 11_000.0, 30_000.0])
def test_join_gives_exactly_the_kdtree_pairs_and_distances(
    seed: int, radius: float, small_blocks: int
) -> None:
    pts, sites = _random_case(seed)
    got = _triples(pairs_within_radius(PointGrid(pts), sites, radius))
    rec = cKDTree(pts).sparse_distance_matrix(cKDTree(sites), radius, output_type="ndarray")
    want = np.sort(np.rec.fromarrays([rec["i"], rec["j"], rec["v"]]), order=["f0", "f1"])
    assert got.size == want.size
    np.testing.assert_array_equal(got["f0"], want["f0"])
    np.testing.assert_array_equal(got["f1"], want["f1"])
    np.testing.assert_array_equal(got["f2"], want["f2"])  # bit-identical distances
    # Every point in exactly one block.
    pl = pairs_within_radius(PointGrid(pts), sites, radius)
    covered = np.concatenate([b.points for b in pl.parts])
    np.testing.assert_array_equal(np.sort(covered), np.arange(pts.shape[0]))
    assert max(b.points.size for b in pl.parts) <= small_blocks


def test_join_matches_brute_force_with_other_cell_sizes() -> None:
    pts, sites = _random_case(42)
    d2 = ((pts[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2)
    i, j = np.nonzero(d2 <= 9_000.0**2)
    for cell, site_cell in [(1_000.0, 700.0), (50_000.0, 20_000.0)]:
        pl = pairs_within_radius(PointGrid(pts, cell), sites, 9_000.0, site_cell)
        got = _triples(pl)
        np.testing.assert_array_equal(got["f0"], i)
        np.testing.assert_array_equal(got["f1"], j)


def test_a_pair_exactly_at_the_limit_is_in_reach_on_every_path() -> None:
    # 3-4-5 triangles: d² = 25,000,000 = r² exactly, representable without rounding.
    pts = np.array([[3_000.0, 4_000.0], [0.0, 5_000.0], [3_000.0, 4_000.1]])
    sites = np.array([[0.0, 0.0]])
    pl = pairs_within_radius(PointGrid(pts), sites, 5_000.0)
    np.testing.assert_array_equal(pl.reached(), [True, True, False])
    np.testing.assert_array_equal(reached_within(pts, sites, 5_000.0), [True, True, False])
    wide = pairs_within_radius(PointGrid(pts), sites, 6_000.0)
    np.testing.assert_array_equal(wide.reached(5_000.0), [True, True, False])
    rec = cKDTree(pts).sparse_distance_matrix(cKDTree(sites), 5_000.0, output_type="ndarray")
    assert sorted(rec["i"].tolist()) == [0, 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_filtered_pairs_are_the_same_arrays_as_fresh_ones(seed: int, small_blocks: int) -> None:
    pts, sites = _random_case(seed)
    grid = PointGrid(pts)
    wide = pairs_within_radius(grid, sites, 30_000.0)
    for radius in (30_000.0, 17_500.0, 4_000.0, 0.0):
        fresh = pairs_within_radius(grid, sites, radius)
        filtered = list(wide.blocks(radius))
        assert len(filtered) == len(fresh.parts)
        for a, b in zip(filtered, fresh.parts, strict=True):
            for name in ("points", "rows", "cols", "d2"):
                x, y = getattr(a, name), getattr(b, name)
                assert x.dtype == y.dtype
                np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(wide.reached(radius), fresh.reached())
        np.testing.assert_array_equal(wide.reached(radius), reached_within(pts, sites, radius))
    with pytest.raises(ValueError, match="computed to"):
        list(wide.blocks(31_000.0))


def test_compact_dtypes() -> None:
    pts, sites = _random_case(3)
    pl = pairs_within_radius(PointGrid(pts), sites, 20_000.0)
    block = pl.parts[0]
    assert (block.rows.dtype, block.cols.dtype, block.d2.dtype) == (
        np.uint16,
        np.uint16,
        np.float64,
    )
    assert pl.nbytes == 12 * pl.size
    many = np.random.default_rng(0).uniform(0, 1_000, (70_000, 2))
    assert pairs_within_radius(PointGrid(pts[:3]), many, 10.0).parts[0].cols.dtype == np.int32


def test_empty_inputs() -> None:
    pts, sites = _random_case(1)
    none = pairs_within_radius(PointGrid(pts), np.empty((0, 2)), 5_000.0)
    assert none.size == 0 and not none.reached().any() and none.cost().shape == (900, 0)
    assert pairs_within_radius(PointGrid(np.empty((0, 2))), sites, 5_000.0).size == 0
    assert reached_within(pts, np.empty((0, 2)), 5_000.0).sum() == 0
    with pytest.raises(ValueError, match="NaN"):
        pairs_within_radius(PointGrid(pts), np.array([[np.nan, 0.0]]), 1.0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("weight", "extra"),
    [
        ("uniform", {}),
        ("gaussian", {"sigma": 7_000.0}),
        ("step", {"bands": [(5_000.0, 1.0), (10_000.0, 0.6), (15_000.0, 0.2)]}),
    ],
)
def test_streamed_2sfca_agrees_with_the_matrix_form(
    seed: int, weight: str, extra: dict, small_blocks: int
) -> None:  # type: ignore[type-arg]
    pts, sites = _random_case(seed)
    rng = np.random.default_rng(seed)
    demand, supply = rng.uniform(0, 100, 900), rng.uniform(0.5, 3, 150)
    pl = pairs_within_radius(PointGrid(pts), sites, 15_000.0)

    def blocks():  # type: ignore[no-untyped-def]
        for b in pl.blocks():
            yield b.points, b.rows, b.cols, np.sqrt(b.d2)

    got = two_step_fca_blocks(demand, supply, blocks, 15_000.0, weight, **extra)  # type: ignore[arg-type]
    want = two_step_fca(demand, supply, pl.cost(), 15_000.0, weight, **extra)  # type: ignore[arg-type]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert (got == 0).sum() == (want == 0).sum()
    again = two_step_fca_blocks(demand, supply, blocks, 15_000.0, weight, **extra)  # type: ignore[arg-type]
    np.testing.assert_array_equal(got, again)


def test_cache_computes_once_at_the_largest_radius_and_frees_after_the_last_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pts, sites = _random_case(2)
    calls: list[float] = []
    real = pairs_mod.pairs_within_radius

    def counting(grid, s, radius, *args):  # type: ignore[no-untyped-def]
        calls.append(radius)
        return real(grid, s, radius, *args)

    monkeypatch.setattr(pairs_mod, "pairs_within_radius", counting)
    cache = PairCache(pts)
    cache.plan("a", 10_000.0)
    cache.plan("a", 25_000.0)
    assert cache.covers("a", 25_000.0) and not cache.covers("a", 26_000.0)
    assert not cache.covers("b", 1.0)
    first = cache.get("a", sites)
    assert cache.get("a", sites) is first and calls == [25_000.0]
    cache.done("a")
    assert cache.held == ["a"]
    cache.done("a")
    assert cache.held == []
    with pytest.raises(ValueError, match="not announced"):
        cache.get("b", sites)


def _case_for_assess(seed: int) -> tuple[Regions, Services, DemandPoints]:
    rng = np.random.default_rng(seed)
    regions = Regions(
        keys=np.array(["14", "14A", "14B", "a1", "a2", "b1", "b2"]),
        levels=np.array(["land", "kreis", "kreis", "gemeinde", "gemeinde", "gemeinde", "gemeinde"]),
        parent=np.array([-1, 0, 0, 1, 1, 2, 2]),
        indicators={"population": np.array([4e4, 3e4, 1e4, 2e4, 1e4, 1e4, 0.0])},
    )
    n, m = 400, 40
    points = DemandPoints(
        lon=13.4 + rng.uniform(0, 0.8, n),
        lat=50.9 + rng.uniform(0, 0.4, n),
        region=rng.integers(3, 7, n),
        weights={"population": rng.uniform(0, 50, n)},
    )
    services = Services(
        offer_type=np.array(["mbe", "jmd"])[rng.integers(0, 2, m)],
        lon=np.where(rng.random(m) < 0.1, np.nan, 13.4 + rng.uniform(0, 0.8, m)),
        lat=50.9 + rng.uniform(0, 0.4, m),
        region=rng.integers(3, 7, m),
        capacity=rng.uniform(0.5, 2, m),
        active=rng.random(m) < 0.9,
        weekly_hours=rng.uniform(5, 40, m),
    )
    return regions, services, points


def _rules() -> list[EngineRule]:
    bands = ((4.0, 1.0), (8.0, 0.6), (12.0, 0.2))
    return [
        EngineRule("reach-8", "mbe", "reach", "gemeinde", 0.9, params={"distance_km": 8.0}),
        EngineRule("sfca-12", "mbe", "ratio", "kreis", 1.0, params={"catchment_km": 12.0}),
        EngineRule("ratio", "mbe", "ratio", "gemeinde", 1.0),
        EngineRule("reach-3", "mbe", "reach", "gemeinde", 0.9, params={"distance_km": 3.0}),
        EngineRule(
            "e2sfca-12",
            "mbe",
            "ratio",
            "gemeinde",
            1.0,
            params={"catchment_km": 12.0},
            bands_km=bands,
        ),
        EngineRule(
            "gauss-9", "mbe", "ratio", "kreis", 1.0, params={"catchment_km": 9.0, "sigma_km": 4.0}
        ),
        EngineRule("reach-jmd-20", "jmd", "reach", "gemeinde", 0.9, params={"distance_km": 20.0}),
        EngineRule("sfca-jmd-6", "jmd", "ratio", "kreis", 1.0, params={"catchment_km": 6.0}),
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_assess_with_shared_pairs_equals_each_rule_on_its_own(seed: int, small_blocks: int) -> None:
    regions, services, points = _case_for_assess(seed)
    rules = _rules()
    ref = dt.date(2025, 1, 1)
    together = assess(regions, services, rules, ref, demand_points=points)
    alone = [row for rule in rules for row in assess(regions, services, [rule], ref, points)]
    assert len(together) == len(alone)
    for a, b in zip(together, alone, strict=True):
        # Every field identical, floats to the bit (NaN equal to NaN).
        np.testing.assert_equal(dataclasses.astuple(a), dataclasses.astuple(b))
    # The shared reach at 3 km (filtered from the 12 km pairs) and the jmd reach at 20 km
    # (beyond its 6 km pairs: a nearest-site search) both ran; values are meaningful.
    values = {r.rule_id: r.value for r in together if r.region_key == "a1"}
    assert values["reach-3"] <= values["reach-8"]
