"""2SFCA: hand-computed cases and agreement with PySAL access."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from access import Access, weights

from integrationsatlas.analysis.catchment import (
    catchment_weights,
    gaussian_weight,
    step_weight,
    two_step_fca,
)
from integrationsatlas.analysis.geo import neighbours_within, pairs_within

# PySAL access still calls set_index(inplace=True), which pandas 3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

INF = np.inf
# Demand P = [100, 200, 50, 10], supply S = [10, 5, 7]; d0 = 3.5.
# Point 3 has no supply in reach; site 2 has no demand in reach.
P = np.array([100.0, 200.0, 50.0, 10.0])
S = np.array([10.0, 5.0, 7.0])
D = np.array(
    [
        [1.0, 4.0, INF],
        [2.0, INF, INF],
        [INF, 3.0, INF],
        [9.0, np.nan, INF],
    ]
)


def test_hand_computed_uniform() -> None:
    # R_0 = 10 / (100 + 200) = 1/30 ; R_1 = 5 / 50 = 0.1 (d_01 = 4 > 3.5) ; R_2 undefined.
    # A = [R_0, R_0, R_1, 0]
    expected = [1 / 30, 1 / 30, 0.1, 0.0]
    np.testing.assert_allclose(two_step_fca(P, S, D, 3.5), expected, rtol=1e-15)


def test_hand_computed_gaussian() -> None:
    f1, f2, f3 = np.exp(-1 / 8), np.exp(-4 / 8), np.exp(-9 / 8)  # sigma = 2
    r0 = 10 / (100 * f1 + 200 * f2)
    r1 = 5 / (50 * f3)
    expected = [r0 * f1, r0 * f2, r1 * f3, 0.0]
    got = two_step_fca(P, S, D, 3.5, weight="gaussian", sigma=2.0)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_hand_computed_enhanced_step_bands() -> None:
    # E2SFCA, bands: up to 5 -> weight 1, up to 10 -> 0.5, beyond 10 -> 0.
    # 3 demand points P = [100, 50, 20], 2 sites S = [6, 3]. d = 5 and d = 10 lie exactly on
    # a limit and belong to the nearer band; d = 12 lies beyond the last band.
    p, s = [100.0, 50.0, 20.0], [6.0, 3.0]
    d = np.array([[2.0, 8.0], [5.0, 12.0], [10.0, 4.0]])
    bands = [(5.0, 1.0), (10.0, 0.5)]
    # f = [[1, 0.5], [1, 0], [0.5, 1]]
    # R_0 = 6 / (100*1 + 50*1 + 20*0.5) = 6/160 = 3/80 ; R_1 = 3 / (100*0.5 + 20*1) = 3/70
    # A_0 = 3/80 + 0.5 * 3/70 = 33/560 ; A_1 = 3/80 ; A_2 = 0.5 * 3/80 + 3/70 = 69/1120
    expected = [33 / 560, 3 / 80, 69 / 1120]
    got = two_step_fca(p, s, d, 10.0, weight="step", bands=bands)
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    # Beyond the last band the weight is 0 even inside max_cost: d = 12 still adds nothing.
    np.testing.assert_allclose(
        two_step_fca(p, s, d, 15.0, weight="step", bands=bands), expected, rtol=1e-15
    )
    # max_cost cuts a band short: at max_cost 9, d = 10 is out of reach.
    # R_0 = 6 / 150 = 1/25 ; R_1 = 3/70 ; A = [1/25 + 3/140, 1/25, 3/70]
    np.testing.assert_allclose(
        two_step_fca(p, s, d, 9.0, weight="step", bands=bands),
        [1 / 25 + 3 / 140, 1 / 25, 3 / 70],
        rtol=1e-15,
    )
    w = catchment_weights(d, 15.0, weight="step", bands=bands)
    np.testing.assert_array_equal(w.toarray(), [[1.0, 0.5], [1.0, 0.0], [0.5, 1.0]])
    assert w.nnz == 5  # the weight-0 pair beyond the last band is not stored


def test_step_weight_matches_pysal_step_fn_on_and_between_limits() -> None:
    bands = {10.0: 1.0, 20.0: 0.68, 30.0: 0.22}  # Luo & Qi's weights, PySAL's default
    x = np.array([0.0, 5.0, 10.0, np.nextafter(10.0, 11.0), 19.9, 20.0, 30.0, 30.5, 1e9])
    expected = [weights.step_fn(bands)(v) for v in x]
    assert expected == [1, 1, 1, 0.68, 0.68, 0.68, 0.22, 0, 0]
    np.testing.assert_array_equal(step_weight(x, list(bands.items())), expected)
    np.testing.assert_array_equal(step_weight(np.array([np.nan, np.inf]), [(1.0, 1.0)]), [0, 0])


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "at least one band"),
        ([(5.0, 1.0), (5.0, 0.5)], "ascend"),
        ([(10.0, 1.0), (5.0, 0.5)], "ascend"),
        ([(0.0, 1.0)], "upper limit"),
        ([(-1.0, 1.0)], "upper limit"),
        ([(np.inf, 1.0)], "upper limit"),
        ([(5.0, 0.0)], r"weight must be in \(0, 1\]"),
        ([(5.0, 1.5)], r"weight must be in \(0, 1\]"),
        ([(5.0, np.nan)], r"weight must be in \(0, 1\]"),
        ([(5.0, 1.0, 2.0)], "pair"),
    ],
)
def test_bad_bands_are_refused(bands: list[tuple[float, ...]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        two_step_fca(P, S, D, 3.5, weight="step", bands=bands)  # type: ignore[arg-type]


def test_step_weight_arguments_must_fit_the_weight() -> None:
    with pytest.raises(ValueError, match="needs bands"):
        two_step_fca(P, S, D, 3.5, weight="step")
    with pytest.raises(ValueError, match="not sigma"):
        two_step_fca(P, S, D, 3.5, weight="step", sigma=2.0, bands=[(3.5, 1.0)])
    with pytest.raises(ValueError, match="only used with"):
        two_step_fca(P, S, D, 3.5, weight="gaussian", sigma=2.0, bands=[(3.5, 1.0)])


def test_sparse_absent_is_unreachable_and_explicit_zero_is_distance_zero() -> None:
    rows, cols, dist = [0, 1, 2], [0, 0, 1], [0.0, 2.0, 3.0]
    cost = sp.coo_matrix((dist, (rows, cols)), shape=(4, 3))
    assert cost.nnz == 3
    # Point 0 sits exactly at site 0: still in reach.
    np.testing.assert_allclose(two_step_fca(P, S, cost, 3.5), [1 / 30, 1 / 30, 0.1, 0.0])
    dense_equiv = np.full((4, 3), INF)
    dense_equiv[rows, cols] = dist
    np.testing.assert_allclose(
        two_step_fca(P, S, cost.tocsr(), 3.5), two_step_fca(P, S, dense_equiv, 3.5)
    )


def test_empty_and_shape_errors() -> None:
    assert two_step_fca(np.empty(0), np.empty(0), np.empty((0, 0)), 1.0).size == 0
    np.testing.assert_array_equal(two_step_fca([5.0], np.empty(0), np.empty((1, 0)), 1.0), [0])
    with pytest.raises(ValueError, match="expected"):
        two_step_fca(P, S, D[:, :2], 3.5)
    with pytest.raises(ValueError, match="sigma"):
        two_step_fca(P, S, D, 3.5, weight="gaussian")


def test_gaussian_weight_matches_pysal() -> None:
    x = np.linspace(0, 50, 11)
    np.testing.assert_array_equal(gaussian_weight(x, 20.0), weights.gaussian(20.0)(x))


def _pysal(
    p: np.ndarray,
    s: np.ndarray,
    cost: sp.coo_matrix,
    max_cost: float,
    sigma: float | None,
    bands: list[tuple[float, float]] | None = None,
) -> np.ndarray:
    logging.getLogger("access").setLevel(logging.WARNING)
    acc = Access(
        demand_df=pd.DataFrame({"geoid": np.arange(p.size), "pop": p}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": np.arange(s.size), "sites": s}),
        supply_index="geoid",
        supply_value="sites",
        cost_df=pd.DataFrame({"origin": cost.row, "dest": cost.col, "cost": cost.data}),
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if bands is not None:
        step = weights.step_fn(dict(bands))
        out = acc.enhanced_two_stage_fca(name="a", max_cost=max_cost, weight_fn=step)["a_sites"]
    else:
        fn = None if sigma is None else weights.gaussian(sigma)
        out = acc.two_stage_fca(name="a", max_cost=max_cost, weight_fn=fn)["a_sites"]
    # PySAL leaves demand points without supply in reach as NaN; the engine says 0.
    return out.reindex(np.arange(p.size)).fillna(0.0).to_numpy()


@pytest.mark.parametrize("sigma", [None, 6_000.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pysal_access_on_random_points(sigma: float | None, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 60_000, (400, 2))
    b = rng.uniform(-20_000, 80_000, (80, 2))  # some sites far from every demand point
    p = rng.uniform(1, 500, a.shape[0])
    s = rng.uniform(0.5, 10, b.shape[0])
    cost = neighbours_within(a, b, 15_000.0)
    cost_coo = cost.tocoo()
    mine = two_step_fca(
        p, s, cost, 12_000.0, weight="uniform" if sigma is None else "gaussian", sigma=sigma
    )
    ref = _pysal(p, s, cost_coo, 12_000.0, sigma)
    assert (ref == 0).any(), "the case must include demand with no supply in reach"
    reached_sites = np.unique(cost_coo.col[cost_coo.data <= 12_000.0])
    assert reached_sites.size < b.shape[0], "the case must include supply with no demand"
    np.testing.assert_allclose(mine, ref, rtol=1e-9, atol=0)
    # The dense form of the same costs gives the same answer.
    dense = np.full(cost.shape, np.inf)
    dense[cost_coo.row, cost_coo.col] = cost_coo.data
    np.testing.assert_allclose(
        two_step_fca(
            p, s, dense, 12_000.0, weight="uniform" if sigma is None else "gaussian", sigma=sigma
        ),
        mine,
        rtol=1e-12,
    )


@pytest.mark.parametrize("sigma", [None, 4_000.0])
def test_every_input_form_matches_pysal_with_zero_distances_nan_and_inf(
    sigma: float | None,
) -> None:
    rng = np.random.default_rng(11)
    b = rng.uniform(0, 30_000, (40, 2))
    a = np.vstack([b[:6], rng.uniform(0, 30_000, (150, 2))])  # six points exactly at sites
    p = rng.uniform(1, 300, a.shape[0])
    s = rng.uniform(0.5, 8, b.shape[0])
    coo = pairs_within(a, b, 9_000.0)
    zero = coo.data == 0
    assert zero.sum() >= 6, "the case must store explicit zero distances"
    # Some stored costs are unknown (NaN) or impassable (inf): both mean "not in reach".
    data = coo.data.copy()
    data[np.flatnonzero(~zero)[::17]] = np.nan
    data[np.flatnonzero(~zero)[5::23]] = np.inf
    cost = sp.coo_matrix((data, (coo.row, coo.col)), shape=coo.shape)
    kind = "uniform" if sigma is None else "gaussian"
    ref = _pysal(p, s, cost, 7_500.0, sigma)
    assert ref[:6].min() > 0, "points at a site reach it"
    dense = np.full(cost.shape, np.inf)
    dense[cost.row, cost.col] = cost.data  # NaN and inf cells in the dense form
    absent = np.flatnonzero(np.isinf(dense))[::50]
    dense.flat[absent] = np.nan  # NaN also where no pair is stored
    for form in (cost, cost.tocsr(), cost.tocsc(), sp.coo_array(cost), cost.todok(), dense):
        got = two_step_fca(p, s, form, 7_500.0, weight=kind, sigma=sigma)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=0, err_msg=type(form).__name__)
    # The input is read, never changed: explicit zeros are still stored afterwards.
    assert cost.nnz == coo.nnz and (cost.data == 0).sum() == zero.sum()


def test_float32_costs_are_compared_in_float64() -> None:
    # 0.1 rounds up in float32; compared in float32 the point would count as in reach.
    cost = sp.csr_matrix(np.array([[np.float32(0.1)]]), dtype=np.float32)
    assert two_step_fca([1.0], [1.0], cost, 0.1)[0] == 0.0
    assert two_step_fca([1.0], [1.0], cost, 0.11)[0] == 1.0


# Band sets in metres, against max_cost 12 km over pairs up to 15 km: the last band ends at
# max_cost, before it (a ring in reach that weighs 0), or after it (max_cost cuts); plus a
# single band, which is the uniform 2SFCA.
STEP_BANDS = [
    [(4_000.0, 1.0), (8_000.0, 0.6), (12_000.0, 0.25)],
    [(3_000.0, 1.0), (6_000.0, 0.5)],
    [(5_000.0, 0.9), (10_000.0, 0.4), (20_000.0, 0.1)],
    [(12_000.0, 1.0)],
]


@pytest.mark.parametrize("bands", STEP_BANDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_enhanced_matches_pysal_access_on_random_points(
    bands: list[tuple[float, float]], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 60_000, (400, 2))
    b = rng.uniform(-20_000, 80_000, (80, 2))
    p = rng.uniform(1, 500, a.shape[0])
    s = rng.uniform(0.5, 10, b.shape[0])
    coo = neighbours_within(a, b, 15_000.0).tocoo()
    # Costs rounded to 250 m, so many lie exactly on a band limit (and on max_cost).
    cost = sp.coo_matrix((np.round(coo.data / 250.0) * 250.0, (coo.row, coo.col)), coo.shape)
    limits = [u for u, _ in bands]
    assert np.isin(cost.data, limits).sum() >= 10, "the case must put costs on the limits"
    mine = two_step_fca(p, s, cost, 12_000.0, weight="step", bands=bands)
    ref = _pysal(p, s, cost, 12_000.0, None, bands=bands)
    assert (ref == 0).any() and (ref > 0).sum() > 100
    np.testing.assert_allclose(mine, ref, rtol=1e-9, atol=0)
    for form in (cost.tocsr(), cost.tocsc(), cost.toarray()):
        if not sp.issparse(form):
            form[form == 0] = np.inf  # dense: absent pairs are unreachable
            form[cost.row, cost.col] = cost.data  # stored zeros stay distance 0
        got = two_step_fca(p, s, form, 12_000.0, weight="step", bands=bands)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=0, err_msg=type(form).__name__)
    if len(bands) == 1:
        np.testing.assert_array_equal(mine, two_step_fca(p, s, cost, 12_000.0))


def test_enhanced_with_a_ring_that_weighs_zero_matches_pysal() -> None:
    # Bands end at 2 km, max_cost 9 km: sites whose demand lies only between 2 and 9 km have
    # weighted demand 0. PySAL divides by that 0 (inf) and then skips the NaN of inf * 0;
    # the engine leaves such sites out. Both give those points nothing from the site.
    rng = np.random.default_rng(5)
    a = rng.uniform(0, 30_000, (150, 2))
    b = rng.uniform(0, 30_000, (40, 2))
    p, s = rng.uniform(1, 300, a.shape[0]), rng.uniform(0.5, 8, b.shape[0])
    cost = pairs_within(a, b, 9_000.0)
    bands = [(1_000.0, 1.0), (2_000.0, 0.5)]
    near = np.bincount(cost.col[cost.data <= 2_000.0], minlength=b.shape[0])
    far = np.bincount(cost.col, minlength=b.shape[0])
    assert ((near == 0) & (far > 0)).any(), "the case must include a site reached only at 0"
    mine = two_step_fca(p, s, cost, 9_000.0, weight="step", bands=bands)
    np.testing.assert_allclose(mine, _pysal(p, s, cost, 9_000.0, None, bands), rtol=1e-9, atol=0)
