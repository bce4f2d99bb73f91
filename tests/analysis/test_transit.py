"""RAPTOR router: hand-computed earliest arrivals and a brute-force comparison on random feeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrationsatlas.analysis.transit import (
    UNREACHED,
    Walking,
    build_timetable,
    departures,
    earliest_arrival,
    median_travel_minutes,
)

# Walking 1 m/s, no detour: seconds equal metres, easy to check by hand.
WALK = Walking(speed_m_s=1.0, detour=1.0, max_walk_m=300.0, max_transfer_m=150.0)

Trip = tuple[list[int], list[int], list[int]]  # stops, arrivals, departures


def timetable(stop_xy: list[tuple[float, float]], trips: list[Trip]):
    trip, stop, arr, dep = [], [], [], []
    for n, (stops, a, d) in enumerate(trips):
        trip += [n] * len(stops)
        stop += stops
        arr += a
        dep += d
    return build_timetable(np.array(stop_xy, float), trip, stop, arr, dep)


def route(tt, origin, dest, depart, walking=WALK, max_rounds=8):
    out = earliest_arrival(
        tt, np.array([origin], float), np.array([dest], float), depart, walking, max_rounds
    )
    return int(out[0, 0])


# Stops on a line: A at x=0, B at 10 km, C at 10 km + 100 m, D at 20 km.
LINE = [(0.0, 0.0), (10_000.0, 0.0), (10_100.0, 0.0), (20_000.0, 0.0)]


def test_transfer_with_walk_between_stops():
    # Trip 0 A->B 08:00-08:20; trip 1 C->D 08:25-08:45 (08:22 needed: 100 s walk B->C).
    tt = timetable(
        LINE,
        [([0, 1], [28800, 30000], [28800, 30000]), ([2, 3], [31500, 32700], [31500, 32700])],
    )
    # Origin 50 m from A, destination 60 m past D: 07:58 depart, 50 s walk, arrive D 09:05 + 60 s.
    assert route(tt, (-50.0, 0.0), (20_060.0, 0.0), 28680) == 32700 + 60
    # One trip only (max_rounds=1): the transfer is not allowed, D is out of walking range.
    assert route(tt, (-50.0, 0.0), (20_060.0, 0.0), 28680, max_rounds=1) == UNREACHED


def test_missed_connection_takes_the_next_trip():
    trips = [
        ([0, 1], [28800, 30000], [28800, 30000]),
        ([2, 3], [30050, 31000], [30050, 31000]),  # leaves 50 s after arrival: walk is 100 s
        ([2, 3], [30600, 31600], [30600, 31600]),
    ]
    assert route(timetable(LINE, trips), (0.0, 0.0), (20_000.0, 0.0), 28800) == 31600


def test_walk_only_and_out_of_range():
    tt = timetable(LINE, [])
    assert route(tt, (0.0, 0.0), (0.0, 250.0), 1000) == 1250
    assert route(tt, (0.0, 0.0), (0.0, 350.0), 1000) == UNREACHED


def test_overtaking_trips_both_count():
    # Slow trip leaves first, fast trip leaves later and arrives earlier: split patterns.
    trips = [
        ([0, 3], [28800, 36000], [28800, 36000]),
        ([0, 3], [29400, 30600], [29400, 30600]),
    ]
    tt = timetable(LINE, trips)
    assert tt.pattern_stops.shape[0] == 2
    assert route(tt, (0.0, 0.0), (20_000.0, 0.0), 28000) == 30600


def test_median_over_window_and_unreachable_as_inf():
    tt = timetable(
        LINE,
        [([0, 3], [28800 + k * 600, 29400 + k * 600], [28800 + k * 600] * 2) for k in range(3)],
    )
    # Departures 08:00, 08:05, 08:10, 08:15 from A: waits 0, 5, 0, 5 min + 10 min ride.
    window = departures(28800, 29700, 300)
    mins = median_travel_minutes(
        tt, np.array([[0.0, 0.0]]), np.array([[20_000.0, 0.0]]), window, WALK
    )
    assert mins[0, 0] == pytest.approx(12.5)
    late = median_travel_minutes(
        tt, np.array([[0.0, 0.0]]), np.array([[20_000.0, 0.0]]), [36000], WALK
    )
    assert math.isinf(late[0, 0])


def test_walking_rejects_nonsense():
    with pytest.raises(ValueError):
        Walking(speed_m_s=0)
    with pytest.raises(ValueError):
        departures(100, 0, 60)


def brute_force(stop_xy, trips, origin, dest, depart, walk):
    """Fixed point over all trips: same journey definition, no rounds, no patterns."""
    xy = np.asarray(stop_xy, float)
    inf = int(UNREACHED)
    access = [inf] * len(xy)
    for s, p in enumerate(xy):
        d, t = _walk(origin, p, walk)
        if d <= walk.max_walk_m:
            access[s] = depart + t
    alight = [inf] * len(xy)
    while True:
        board = _boarding(xy, access, alight, walk)
        before = list(alight)
        _ride(trips, board, alight)
        if alight == before:
            break
    best = inf
    d, t = _walk(origin, dest, walk)
    if d <= walk.max_walk_m:
        best = depart + t
    for s in range(len(xy)):
        d, t = _walk(xy[s], dest, walk)
        if d <= walk.max_walk_m and board[s] < inf:
            best = min(best, board[s] + t)
    return best


def _walk(a, b, walk):
    d = float(np.hypot(*(np.asarray(a, float) - np.asarray(b, float))))
    return d, math.ceil(d * walk.detour / walk.speed_m_s)


def _boarding(xy, access, alight, walk):
    """Earliest time at each stop: walked from the origin, alighted there, or alighted at
    another stop and walked over."""
    inf = int(UNREACHED)
    board = list(access)
    for s in range(len(xy)):
        board[s] = min(board[s], alight[s])
        for s2 in range(len(xy)):
            d, t = _walk(xy[s2], xy[s], walk)
            if s2 != s and d <= walk.max_transfer_m and alight[s2] < inf:
                board[s] = min(board[s], alight[s2] + t)
    return board


def _ride(trips, board, alight):
    """Lowers `alight` in place: every trip caught at a stop reaches all its later stops."""
    for stops, arr, dep in trips:
        for i in range(len(stops)):
            if board[stops[i]] <= dep[i]:
                for j in range(i + 1, len(stops)):
                    alight[stops[j]] = min(alight[stops[j]], arr[j])


@st.composite
def feeds(draw):
    n_stops = draw(st.integers(2, 7))
    coord = st.integers(0, 30).map(lambda v: v * 100.0)
    stop_xy = [(draw(coord), draw(coord)) for _ in range(n_stops)]
    trips = []
    for _ in range(draw(st.integers(0, 10))):
        stops = draw(st.lists(st.integers(0, n_stops - 1), min_size=2, max_size=5, unique=True))
        t = draw(st.integers(0, 30)) * 60  # whole minutes: ties with walking times
        arr, dep = [], []
        for _ in stops:
            arr.append(t)
            t += draw(st.integers(0, 2)) * 60
            dep.append(t)
            t += draw(st.integers(1, 15)) * 60
        trips.append((stops, arr, dep))
    # Start and end near stops, so most cases need the timetable rather than a walk.
    near = st.sampled_from(stop_xy)
    shift = st.integers(-1, 1).map(lambda v: v * 100.0)
    origin = tuple(c + draw(shift) for c in draw(near))
    dest = tuple(c + draw(shift) for c in draw(near))
    return stop_xy, trips, origin, dest, draw(st.integers(0, 10)) * 60


@settings(max_examples=300, deadline=None)
@given(feeds())
def test_router_equals_brute_force(case):
    stop_xy, trips, origin, dest, depart = case
    walk = Walking(speed_m_s=2.0, detour=1.2, max_walk_m=400.0, max_transfer_m=250.0)
    tt = timetable(stop_xy, trips)
    got = route(tt, origin, dest, depart, walk, max_rounds=len(trips) + 1)
    expected = brute_force(stop_xy, trips, origin, dest, depart, walk)
    assert got == expected
    # A horizon prunes the search but loses no journey that arrives within it.
    o, d = np.array([origin], float), np.array([dest], float)
    within = earliest_arrival(tt, o, d, depart, walk, len(trips) + 1, max_minutes=20)[0, 0]
    assert within == (expected if expected <= depart + 1200 else UNREACHED)


def test_many_origins_match_single_runs():
    rng = np.random.default_rng(7)
    stop_xy = rng.uniform(0, 3000, (30, 2))
    trips = []
    for _ in range(40):
        stops = list(rng.choice(30, size=4, replace=False))
        t0 = int(rng.integers(0, 3600))
        times = [t0 + 200 * k for k in range(4)]
        trips.append((stops, times, times))
    tt = timetable([tuple(p) for p in stop_xy], trips)
    origins, dests = rng.uniform(0, 3000, (9, 2)), rng.uniform(0, 3000, (5, 2))
    walk = Walking(max_walk_m=800.0)
    many = earliest_arrival(tt, origins, dests, 600, walk, batch=4)
    for o in range(9):
        single = earliest_arrival(tt, origins[o : o + 1], dests, 600, walk)
        np.testing.assert_array_equal(many[o], single[0])


@settings(max_examples=150, deadline=None)
@given(feeds(), st.lists(st.integers(0, 10), min_size=3, max_size=3))
def test_batches_of_origins_with_own_departures_equal_brute_force(case, starts):
    """Three origins (one shifted, one far off), two destinations, a departure each, routed
    two at a time: the scratch tables of one batch must not leak into the next."""
    stop_xy, trips, origin, dest, _ = case
    walk = Walking(speed_m_s=2.0, detour=1.2, max_walk_m=400.0, max_transfer_m=250.0)
    tt = timetable(stop_xy, trips)
    origins = [origin, (origin[0] + 100.0, origin[1]), (-5_000.0, -5_000.0)]
    dests = [dest, origin]
    depart = [m * 60 for m in starts]
    rounds = len(trips) + 1
    got = earliest_arrival(tt, np.array(origins), np.array(dests), depart, walk, rounds, batch=2)
    for o, (xy, t0) in enumerate(zip(origins, depart, strict=True)):
        for d, dxy in enumerate(dests):
            assert got[o, d] == brute_force(stop_xy, trips, xy, dxy, t0, walk)


def test_median_with_a_horizon_is_exact_up_to_half_of_it():
    rng = np.random.default_rng(3)
    stop_xy = rng.uniform(0, 4000, (25, 2))
    trips = []
    for _ in range(60):
        stops = list(rng.choice(25, size=4, replace=False))
        t0 = int(rng.integers(0, 7200))
        times = [t0 + 240 * k for k in range(4)]
        trips.append((stops, times, times))
    tt = timetable([tuple(p) for p in stop_xy], trips)
    origins, dests = rng.uniform(0, 4000, (6, 2)), rng.uniform(0, 4000, (7, 2))
    walk = Walking(max_walk_m=700.0)
    window = departures(0, 3600, 600)  # 7 departures
    even = window[:6]
    for w in (window, even):
        full = median_travel_minutes(tt, origins, dests, w, walk)
        capped = median_travel_minutes(tt, origins, dests, w, walk, max_minutes=40.0)
        inside = full <= 20.0
        assert inside.any() and (~inside).any()
        np.testing.assert_array_equal(capped[inside], full[inside])
        assert (capped[~inside] > 20.0).all()
