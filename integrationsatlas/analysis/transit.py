"""Public-transport earliest arrival: RAPTOR rounds over timetable arrays, many origins at once.

The router follows Delling, Pajor and Werneck (2012), "Round-Based Public Transit Routing",
Transportation Science 49(3):591-604 (ALENEX 2012). Round ``k`` finds the earliest arrival at
every stop with at most ``k`` vehicle trips: each route pattern (trips with the same stop
sequence that never overtake each other) is scanned once per round, boarding the earliest
trip that departs at or after the stop's label from round ``k-1``, then footpaths are relaxed
from the stops that improved. Here one scan handles a batch of origins and all marked patterns
together: labels are a (origins x stops) array, and "earliest catchable trip" is one
``numpy.searchsorted`` per stop position over departure keys sorted by (pattern, departure).

Journeys (and so the answers) are defined as: walk from the origin to a stop within
``max_walk_m`` straight line, then trips; between two trips either stay at the stop (no
minimum transfer time) or walk to another stop within ``max_transfer_m``; at the end walk
from a stop within ``max_walk_m`` to the destination. Walking only, origin to destination
within ``max_walk_m``, is a journey too. Walking seconds = ceil(straight line x detour /
speed). Times are integer seconds after midnight of the query day; GTFS times past 24:00
and trips of the previous service day are the caller's shift (see :func:`build_timetable`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: "Not reached": larger than any timetable second, small enough to add walking times to.
UNREACHED = np.int64(2**40)
#: Pattern stride in the departure keys; must exceed UNREACHED so patterns never mix.
_PATTERN_STRIDE = np.int64(2**41)


@dataclass(frozen=True)
class Walking:
    """How people walk: speed in m/s, detour factor over the straight line, and limits.

    Defaults: 4.5 km/h (1.25 m/s) and a detour of 1.3 (straight line to street distance,
    a common planning assumption); up to 1,000 m to/from a stop or directly, 400 m between
    stops for a transfer.
    """

    speed_m_s: float = 1.25
    detour: float = 1.3
    max_walk_m: float = 1000.0
    max_transfer_m: float = 400.0

    def __post_init__(self) -> None:
        if not (self.speed_m_s > 0 and self.detour >= 1.0):
            raise ValueError("speed must be > 0 and detour >= 1")
        if not (self.max_walk_m >= 0 and self.max_transfer_m >= 0):
            raise ValueError("walking limits must be >= 0")

    def seconds(self, metres: FloatArray) -> IntArray:
        """Walking time in whole seconds (rounded up) for straight-line metres."""
        out: IntArray = np.ceil(metres * self.detour / self.speed_m_s).astype(np.int64)
        return out


@dataclass(frozen=True)
class Timetable:
    """Trips grouped into non-overtaking route patterns, as arrays.

    ``pattern_stops`` (P, L): stop index per position, -1 past the pattern's end.
    Trips are ordered by pattern, then by departure; ``pattern_first_trip`` (P+1,) gives
    each pattern's trip range. ``trip_arr`` (T, L) arrival seconds per position
    (UNREACHED as padding). ``dep_key`` (L, T): departure seconds plus pattern x stride, so
    each row is sorted and one searchsorted finds the earliest trip for every pattern.
    """

    stop_xy: FloatArray
    pattern_stops: IntArray
    pattern_first_trip: IntArray
    trip_arr: IntArray
    dep_key: IntArray

    @property
    def n_stops(self) -> int:
        return int(self.stop_xy.shape[0])


def build_timetable(
    stop_xy: FloatArray,
    trip: npt.ArrayLike,
    stop: npt.ArrayLike,
    arrival: npt.ArrayLike,
    departure: npt.ArrayLike,
) -> Timetable:
    """Group stop events into route patterns and pad them into a :class:`Timetable`.

    The four event arrays run parallel, ordered by trip and then stop sequence; ``trip`` is
    any integer id (a trip's events must be contiguous), times are seconds on the query
    day's clock (add 86,400 x day offset for other service days before calling). Trips with
    the same stop sequence are split further so no trip overtakes another in a pattern,
    which RAPTOR's "earliest trip" step requires.
    """
    trip_a, stop_a = np.asarray(trip, np.int64), np.asarray(stop, np.int64)
    arr_a, dep_a = np.asarray(arrival, np.int64), np.asarray(departure, np.int64)
    if not (trip_a.shape == stop_a.shape == arr_a.shape == dep_a.shape):
        raise ValueError("event arrays differ in length")
    change = np.r_[True, trip_a[1:] != trip_a[:-1]] if trip_a.size else np.zeros(0, bool)
    bounds = [int(b) for b in np.r_[np.flatnonzero(change), trip_a.size]]
    groups: dict[tuple[int, ...], list[tuple[IntArray, IntArray]]] = {}
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi - lo < 2:
            continue  # a trip with one stop carries nobody anywhere
        key = tuple(int(s) for s in stop_a[lo:hi])
        groups.setdefault(key, []).append((arr_a[lo:hi], dep_a[lo:hi]))
    patterns: list[tuple[tuple[int, ...], list[tuple[IntArray, IntArray]]]] = []
    for key, trips in groups.items():
        patterns.extend((key, run) for run in _fifo_runs(trips))
    return _pad(stop_xy, patterns)


def _fifo_runs(
    trips: list[tuple[IntArray, IntArray]],
) -> list[list[tuple[IntArray, IntArray]]]:
    """Split trips of one stop sequence into runs in which no trip overtakes an earlier one."""
    trips = sorted(trips, key=lambda t: (int(t[1][0]), int(t[0][-1])))
    runs: list[list[tuple[IntArray, IntArray]]] = []
    for arr, dep in trips:
        for run in runs:
            last_arr, last_dep = run[-1]
            if bool(np.all(arr >= last_arr) and np.all(dep >= last_dep)):
                run.append((arr, dep))
                break
        else:
            runs.append([(arr, dep)])
    return runs


def _pad(
    stop_xy: FloatArray,
    patterns: list[tuple[tuple[int, ...], list[tuple[IntArray, IntArray]]]],
) -> Timetable:
    n_pat = len(patterns)
    length = max((len(k) for k, _ in patterns), default=1)
    n_trips = sum(len(trips) for _, trips in patterns)
    pattern_stops = np.full((n_pat, length), -1, np.int64)
    first = np.zeros(n_pat + 1, np.int64)
    trip_arr = np.full((n_trips, length), UNREACHED, np.int64)
    trip_dep = np.full((n_trips, length), UNREACHED, np.int64)
    t = 0
    for p, (key, trips) in enumerate(patterns):
        pattern_stops[p, : len(key)] = key
        for arr, dep in trips:
            trip_arr[t, : len(key)] = arr
            trip_dep[t, : len(key)] = dep
            t += 1
        first[p + 1] = t
    trip_pattern = np.repeat(np.arange(n_pat, dtype=np.int64), np.diff(first))
    dep_key = np.ascontiguousarray((trip_dep + trip_pattern[:, None] * _PATTERN_STRIDE).T)
    return Timetable(np.asarray(stop_xy, np.float64), pattern_stops, first, trip_arr, dep_key)


def _pairs(a: FloatArray, b: FloatArray, radius: float) -> tuple[IntArray, IntArray, FloatArray]:
    """All (i, j, metres) with |a_i - b_j| <= radius, sorted by j then i."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float64)
    rec = cKDTree(a).sparse_distance_matrix(cKDTree(b), radius, output_type="ndarray")
    order = np.lexsort((rec["i"], rec["j"]))
    rec = rec[order]
    return rec["i"].astype(np.int64), rec["j"].astype(np.int64), rec["v"].astype(np.float64)


def _min_into(
    target: IntArray, src: IntArray, dst: IntArray, add: IntArray, cand: IntArray
) -> IntArray:
    """target[d] = min(target[d], min over edges e into d of cand[src_e] + add_e), by rows.

    Edges must be sorted by ``dst``; ``np.minimum.reduceat`` then takes each group's minimum.
    ``cand`` may be ``target`` itself: the candidates are gathered before anything is written.
    """
    if src.size == 0:
        return target
    values = cand[src] + add[:, None]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    grouped = np.minimum.reduceat(values, starts, axis=0)
    rows = dst[starts]
    target[rows] = np.minimum(target[rows], grouped)
    return target


def _scan_patterns(
    tt: Timetable, active: IntArray, board: IntArray, changed: npt.NDArray[np.bool_]
) -> IntArray:
    """One RAPTOR route-scan stage for the active patterns: arrivals by trip, (S, B).

    Labels are stop-major (one row per stop) so reading a stop's labels is one row. A trip
    is boarded only where the label changed in the last round (``changed``, per stop and
    origin): boarding where it did not would repeat last round's trips and arrivals.
    """
    n_batch = board.shape[1]
    arrivals = np.full((tt.n_stops, n_batch), UNREACHED, np.int64)  # stop-major rows
    cur = np.full((active.size, n_batch), -1, np.int64)
    stride = active[:, None] * _PATTERN_STRIDE
    end = tt.pattern_first_trip[active + 1][:, None]
    lengths = (tt.pattern_stops[active] >= 0).sum(axis=1)
    for i in range(int(lengths.max(initial=0))):
        live = lengths > i
        if not live.all():  # patterns that ended drop out
            active, cur, stride, end, lengths = (
                active[live],
                cur[live],
                stride[live],
                end[live],
                lengths[live],
            )
        stops_i = tt.pattern_stops[active, i]
        on_trip = cur >= 0
        riding = np.flatnonzero(on_trip.any(axis=1))
        if riding.size:
            arr = np.where(on_trip[riding], tt.trip_arr[np.maximum(cur[riding], 0), i], UNREACHED)
            _min_rows(arrivals, stops_i[riding], arr)
        label = board[stops_i]
        can = np.nonzero(changed[stops_i])
        if can[0].size == 0:
            continue
        cand = np.searchsorted(tt.dep_key[i], stride[can[0], 0] + label[can], side="left")
        old = cur[can]
        ok = (cand < end[can[0], 0]) & ((old < 0) | (cand < old))
        cur[can] = np.where(ok, cand, old)
    return arrivals


def _min_rows(target: IntArray, rows: IntArray, values: IntArray) -> None:
    """target[r] = min(target[r], values[k]) for every k with rows[k] = r (rows may repeat).

    Sorting and ``np.minimum.reduceat`` is several times faster than ``np.minimum.at``.
    """
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    grouped = np.minimum.reduceat(values[order], starts, axis=0)
    keys = sorted_rows[starts]
    target[keys] = np.minimum(target[keys], grouped)


def _raptor_batch(
    tt: Timetable,
    access: tuple[IntArray, IntArray, IntArray],
    transfers: tuple[IntArray, IntArray, IntArray],
    depart: IntArray,
    max_rounds: int,
    limit: IntArray,
) -> IntArray:
    """Best arrival at every stop, (S, B), for a batch of origins after up to max_rounds trips.

    Arrivals after ``limit`` (per origin) are dropped: a journey's intermediate arrivals are
    never later than its last, so no journey arriving by the limit is lost.
    """
    acc_o, acc_s, acc_secs = access
    best = np.full((tt.n_stops, depart.size), UNREACHED, np.int64)
    np.minimum.at(best, (acc_s, acc_o), depart[acc_o] + acc_secs)
    # Footpaths start only where a vehicle arrives (never after the access walk or another
    # footpath), so they are relaxed from stops whose best arrival *by trip* improved.
    by_trip_best = np.full_like(best, UNREACHED)
    changed: npt.NDArray[np.bool_] = best < UNREACHED
    marked: npt.NDArray[np.bool_] = np.asarray(changed.any(axis=1))
    has_stop = tt.pattern_stops >= 0
    for _ in range(max_rounds):
        hit = marked[np.where(has_stop, tt.pattern_stops, 0)] & has_stop
        active = np.flatnonzero(hit.any(axis=1)).astype(np.int64)
        if active.size == 0:
            break
        by_trip = _scan_patterns(tt, active, best, changed)
        by_trip[by_trip > limit[None, :]] = UNREACHED
        new_trip = by_trip < by_trip_best
        by_trip_best = np.minimum(by_trip_best, by_trip)
        walked = np.where(new_trip, by_trip, UNREACHED)
        # Only stops a vehicle newly reached start footpaths; filtering keeps dst order.
        src, dst, secs = transfers
        sel = np.asarray(new_trip.any(axis=1))[src]
        _min_into(walked, src[sel], dst[sel], secs[sel], walked)
        walked[walked > limit[None, :]] = UNREACHED
        updated = np.minimum(best, walked)
        changed = updated < best
        marked = np.asarray(changed.any(axis=1))
        best = updated
    return best


def earliest_arrival(
    tt: Timetable,
    origin_xy: FloatArray,
    dest_xy: FloatArray,
    depart: int | npt.ArrayLike,
    walking: Walking | None = None,
    max_rounds: int = 8,
    batch: int = 256,
    max_minutes: float | None = None,
) -> IntArray:
    """Earliest arrival seconds (O, D) from each origin to each destination.

    ``origin_xy`` (O, 2) and ``dest_xy`` (D, 2) are metric coordinates in the timetable's
    CRS; ``depart`` is one departure second for all origins or one per origin.
    ``max_rounds`` bounds the number of vehicle trips per journey (8 = up to 7 transfers).
    ``max_minutes`` (optional) treats later arrivals as unreachable and prunes the search
    with it. Unreachable pairs hold :data:`UNREACHED`. Origins are routed ``batch`` at a
    time, in spatial order so a batch reaches few patterns, keeping the (batch x stops)
    label arrays small.
    """
    walk = walking or Walking()
    origin_xy, dest_xy = np.asarray(origin_xy, np.float64), np.asarray(dest_xy, np.float64)
    dep = np.broadcast_to(np.asarray(depart, np.int64), (origin_xy.shape[0],))
    horizon = UNREACHED if max_minutes is None else np.int64(math.floor(max_minutes * 60))
    limit_all = np.minimum(dep + horizon, UNREACHED)
    ts, tt_to, tm = _pairs(tt.stop_xy, tt.stop_xy, walk.max_transfer_m)
    keep = ts != tt_to
    transfers = (ts[keep], tt_to[keep], walk.seconds(tm[keep]))
    es, ed, em = _pairs(tt.stop_xy, dest_xy, walk.max_walk_m)
    egress_secs = walk.seconds(em)
    out = np.full((origin_xy.shape[0], dest_xy.shape[0]), UNREACHED, np.int64)
    # 20 km strips, then north-south: neighbours share a batch (NaN points sort last).
    order = np.lexsort((origin_xy[:, 1], np.floor(origin_xy[:, 0] / 20_000.0)))
    for lo in range(0, order.size, batch):
        idx = order[lo : lo + batch]
        part, dep_b, limit = origin_xy[idx], dep[idx], limit_all[idx]
        acc_s, acc_o, acc_m = _pairs(tt.stop_xy, part, walk.max_walk_m)
        access = (acc_o, acc_s, walk.seconds(acc_m))
        best = _raptor_batch(tt, access, transfers, dep_b, max_rounds, limit)
        # An access-only label reaching the egress is a walk via a stop: allowed, never
        # better than walking directly when both are within the limit.
        res_t = np.full((dest_xy.shape[0], idx.size), UNREACHED, np.int64)
        res = np.ascontiguousarray(_min_into(res_t, es, ed, egress_secs, best).T)
        do, dd, dm = _pairs(part, dest_xy, walk.max_walk_m)
        np.minimum.at(res, (do, dd), dep_b[do] + walk.seconds(dm))
        res[res > limit[:, None]] = UNREACHED
        out[idx] = res
    return out


def departures(start: int, end: int, step: int) -> IntArray:
    """Departure seconds start, start+step, ... up to and including end (a window)."""
    if step <= 0 or end < start:
        raise ValueError("window needs start <= end and step > 0")
    out: IntArray = np.arange(start, end + 1, step, dtype=np.int64)
    return out


def median_travel_minutes(
    tt: Timetable,
    origin_xy: FloatArray,
    dest_xy: FloatArray,
    window: Sequence[int] | IntArray,
    walking: Walking | None = None,
    max_rounds: int = 8,
) -> FloatArray:
    """Median travel time in minutes (O, D) over the departures in ``window``; inf = unreachable.

    Accessibility studies take the median over departures every few minutes of a window
    (e.g. 07:00-09:00 every 5 minutes) so that one lucky or unlucky departure does not
    decide (Owen & Levinson 2015, "Modeling the commute mode share of transit using
    continuous accessibility to jobs", Transportation Research A 74:110-122). A pair
    unreachable for more than half of the departures has an infinite median.
    """
    times = np.asarray(window, np.int64)
    if times.size == 0:
        raise ValueError("window has no departures")
    stack = np.empty((times.size, origin_xy.shape[0], dest_xy.shape[0]), np.float64)
    for n, t in enumerate(times):
        arr = earliest_arrival(tt, origin_xy, dest_xy, int(t), walking, max_rounds)
        stack[n] = np.where(arr >= UNREACHED, np.inf, (arr - t) / 60.0)
    out: FloatArray = np.median(stack, axis=0)
    return out
