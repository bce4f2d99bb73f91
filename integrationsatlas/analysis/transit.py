"""Public-transport earliest arrival: RAPTOR rounds over timetable arrays, many origins at once.

The router follows Delling, Pajor and Werneck (2012), "Round-Based Public Transit Routing",
Transportation Science 49(3):591-604 (ALENEX 2012). Round ``k`` finds the earliest arrival at
every stop with at most ``k`` vehicle trips: each route pattern (trips with the same stop
sequence that never overtake each other) through a stop whose label improved in round
``k-1`` is scanned from that stop on, boarding the earliest trip that departs at or after
the label, then footpaths are relaxed from the stops a vehicle newly reached.

Vectorised over the sparse frontier of a batch of origins, not over dense (stops x origins)
arrays: a round works on flat arrays of the (origin, stop) labels that improved, expanded to
(origin, pattern, position) entries through a stop -> pattern incidence table; the earliest
catchable trip of every entry is one ``numpy.searchsorted`` over all departures keyed by
(position, pattern, time); within each (origin, pattern) the trip ridden from a position
on is the running minimum of the trips catchable at the marked positions before it (a
segmented ``minimum.accumulate``), and every position after the first marked one gets that
trip's arrival; arrivals and footpaths are reduced per (origin, stop) by sorting. The work
of a round is proportional to the labels that changed (a few per cent of stops x origins
on a Land-sized feed), so the batch costs what its origins reach, not what the feed holds.

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
#: Departure keys: (pattern x max length + position) << 32 | (seconds + 2**31), so timetable
#: seconds must lie in [-2**31, 2**31 - 1).
_SHIFT = np.int64(2**32)
_TIME_OFFSET = np.int64(2**31)


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

    ``pattern_stops`` (P, L): stop index per position, -1 past the pattern's end;
    ``pattern_len`` (P,) its number of stops. Trips are ordered by pattern, then by
    departure; ``pattern_first_trip`` (P+1,) gives each pattern's trip range. ``trip_arr``
    (T, L) arrival seconds per position (UNREACHED as padding).

    For the router: ``stop_ptr`` (S+1,) with ``stop_pattern``/``stop_position``, the
    (pattern, position) of every stop of every pattern but its last, grouped by stop (CSR);
    ``dep_keys`` (E,) sorted keys (pattern x L + position) << 32 | (departure + 2**31) of
    every trip at every position but the last, and ``dep_trip`` (E,) the trip of each key.
    Because trips of a pattern never overtake, one ``searchsorted`` finds the earliest trip
    of a pattern leaving a position at or after a time; keys of one pattern lie together,
    so queries sorted by pattern read memory that is already in the cache.
    """

    stop_xy: FloatArray
    pattern_stops: IntArray
    pattern_len: IntArray
    pattern_first_trip: IntArray
    trip_arr: IntArray
    stop_ptr: IntArray
    stop_pattern: IntArray
    stop_position: IntArray
    dep_keys: IntArray
    dep_trip: IntArray

    @property
    def n_stops(self) -> int:
        return int(self.stop_xy.shape[0])

    @property
    def n_patterns(self) -> int:
        return int(self.pattern_stops.shape[0])


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
    xy = np.asarray(stop_xy, np.float64)
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
    pattern_len = (pattern_stops >= 0).sum(axis=1).astype(np.int64)
    # Boarding is possible at every position but a pattern's last.
    board = np.arange(length)[None, :] < (pattern_len - 1)[:, None]
    pat, pos = np.nonzero(board)
    stops = pattern_stops[pat, pos]
    by_stop = np.argsort(stops, kind="stable")
    stop_ptr = np.zeros(xy.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(stops, minlength=xy.shape[0]), out=stop_ptr[1:])
    trip_pattern = np.repeat(np.arange(n_pat, dtype=np.int64), np.diff(first))
    trip_pos = board[trip_pattern]  # (T, L): positions a trip can be boarded at
    trip_idx, dep_pos = np.nonzero(trip_pos)
    dep = trip_dep[trip_idx, dep_pos]
    if dep.size and (dep.min() < -_TIME_OFFSET or dep.max() >= _TIME_OFFSET - 1):
        raise ValueError("timetable seconds must lie within +-2**31")
    group = trip_pattern[trip_idx] * length + dep_pos
    keys = group * _SHIFT + (dep + _TIME_OFFSET)
    order = np.argsort(keys, kind="stable")
    return Timetable(
        stop_xy=xy,
        pattern_stops=pattern_stops,
        pattern_len=pattern_len,
        pattern_first_trip=first,
        trip_arr=trip_arr,
        stop_ptr=stop_ptr,
        stop_pattern=pat[by_stop].astype(np.int64),
        stop_position=pos[by_stop].astype(np.int64),
        dep_keys=keys[order],
        dep_trip=trip_idx[order].astype(np.int64),
    )


def _pairs(a: FloatArray, b: FloatArray, radius: float) -> tuple[IntArray, IntArray, FloatArray]:
    """All (i, j, metres) with |a_i - b_j| <= radius, sorted by i then j."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float64)
    rec = cKDTree(a).sparse_distance_matrix(cKDTree(b), radius, output_type="ndarray")
    order = np.lexsort((rec["j"], rec["i"]))
    rec = rec[order]
    return rec["i"].astype(np.int64), rec["j"].astype(np.int64), rec["v"].astype(np.float64)


@dataclass(frozen=True)
class _Links:
    """Walking links grouped by their start (CSR): ``ptr`` (n+1,), ``to``, ``secs``."""

    ptr: IntArray
    to: IntArray
    secs: IntArray

    @classmethod
    def build(cls, n: int, src: IntArray, dst: IntArray, secs: IntArray) -> _Links:
        order = np.argsort(src, kind="stable")
        ptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=ptr[1:])
        return cls(ptr, dst[order], secs[order])


def _expand(ptr: IntArray, start: IntArray) -> tuple[IntArray, IntArray]:
    """For each k, the CSR range ptr[start_k] .. ptr[start_k + 1]: (owner k, index) pairs."""
    lo, hi = ptr[start], ptr[start + 1]
    return _ranges(lo, hi - lo)


def _ranges(lo: IntArray, count: IntArray) -> tuple[IntArray, IntArray]:
    """Owner k and value lo_k + m for m < count_k, concatenated (no Python loop)."""
    total = int(count.sum())
    owner = np.repeat(np.arange(lo.size, dtype=np.int64), count)
    value = np.arange(total, dtype=np.int64) + np.repeat(lo - (np.cumsum(count) - count), count)
    return owner, value


def _min_by_key(keys: IntArray, values: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct keys (ascending) and the minimum value of each."""
    if keys.size == 0:
        return keys, values
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    out: IntArray = np.minimum.reduceat(values[order], starts)
    return k[starts], out


def _scan(
    tt: Timetable, origin: IntArray, stop: IntArray, label: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """One route-scan stage: from the (origin, stop, label) entries that improved last round,
    every (origin, stop, arrival) by trip. See the module docstring."""
    n_trips, length = tt.trip_arr.shape
    owner, inc = _expand(tt.stop_ptr, stop)
    if inc.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    o, p, i = origin[owner], tt.stop_pattern[inc], tt.stop_position[inc]
    lab = label[owner]
    # One sort by (pattern, origin, position): it groups each (origin, pattern) with its
    # positions in order for the scan, and makes the departure search read each pattern's
    # keys while they are in the cache.
    n_orig = int(origin.max()) + 1 if origin.size else 1
    order = np.argsort((p * n_orig + o) * length + i, kind="stable")
    o, p, i, lab = o[order], p[order], i[order], lab[order]
    group = p * length + i
    q = group * _SHIFT + (np.minimum(lab, _TIME_OFFSET - 1) + _TIME_OFFSET)
    at = np.searchsorted(tt.dep_keys, q)
    found = at < tt.dep_keys.size
    at = np.minimum(at, tt.dep_keys.size - 1)
    found &= (tt.dep_keys[at] // _SHIFT) == group
    o, p, i, trip = o[found], p[found], i[found], tt.dep_trip[at[found]]
    if trip.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    # Per (origin, pattern), by position: the trip ridden after a position is the earliest
    # of those catchable at it and at the marked positions before it (segmented running
    # minimum: subtracting seg x (T + 1) makes every segment start below all earlier ones).
    new = np.r_[True, (o[1:] != o[:-1]) | (p[1:] != p[:-1])]
    seg = np.cumsum(new) - 1
    ridden = np.minimum.accumulate(trip - seg * (n_trips + 1)) + seg * (n_trips + 1)
    # Entry k rides from position i_k + 1 up to the next marked position of its segment
    # (which it reaches before possibly switching there) or to the pattern's last stop.
    last = np.r_[new[1:], True]
    nxt = np.r_[i[1:], 0]
    end = np.where(last, tt.pattern_len[p] - 1, nxt)
    owner, j = _ranges(i + 1, end - i)
    arrival = tt.trip_arr[ridden[owner], j]
    return o[owner], tt.pattern_stops[p[owner], j], arrival


def _raptor_batch(
    tt: Timetable,
    access: tuple[IntArray, IntArray, IntArray],
    transfers: _Links,
    depart: IntArray,
    max_rounds: int,
    limit: IntArray,
    best: IntArray,
    by_trip: IntArray,
) -> tuple[IntArray, IntArray]:
    """Labels after up to ``max_rounds`` trips for a batch of origins: flat keys origin x S +
    stop of every labelled (origin, stop), and their best arrival seconds.

    ``best`` and ``by_trip`` are scratch lookup tables of at least batch x S entries, all
    UNREACHED on entry and again on return. Arrivals after ``limit`` (per origin) are
    dropped: a journey's intermediate arrivals are never later than its last, so no journey
    arriving by the limit is lost.
    """
    n_stops = tt.n_stops
    acc_o, acc_s, acc_secs = access
    key, when = _min_by_key(acc_o * n_stops + acc_s, depart[acc_o] + acc_secs)
    keep = when <= limit[key // n_stops]
    marked, when = key[keep], when[keep]
    best[marked] = when
    trip_keys = []
    for _ in range(max_rounds):
        if marked.size == 0:
            break
        origin, stop = np.divmod(marked, n_stops)
        o, s, arrival = _scan(tt, origin, stop, best[marked])
        k = o * n_stops + s
        # Only arrivals by the limit that beat the stop's best arrival by trip so far count;
        # only they start footpaths (a footpath follows a vehicle, never another walk).
        ok = (arrival <= limit[o]) & (arrival < by_trip[k])
        k, arrival = _min_by_key(k[ok], arrival[ok])
        by_trip[k] = arrival
        trip_keys.append(k)
        o, s = np.divmod(k, n_stops)
        owner, link = _expand(transfers.ptr, s)
        cand_k = np.concatenate([k, o[owner] * n_stops + transfers.to[link]])
        cand_t = np.concatenate([arrival, arrival[owner] + transfers.secs[link]])
        ok = (cand_t <= limit[cand_k // n_stops]) & (cand_t < best[cand_k])
        marked, when = _min_by_key(cand_k[ok], cand_t[ok])
        best[marked] = when
    keys = np.flatnonzero(best[: depart.size * n_stops] < UNREACHED)
    times = best[keys]
    best[keys] = UNREACHED
    for k in trip_keys:
        by_trip[k] = UNREACHED
    return keys, times


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
    time (two lookup tables of batch x stops int64 each; the work itself follows the labels
    that change, see the module docstring).
    """
    walk = walking or Walking()
    origin_xy, dest_xy = np.asarray(origin_xy, np.float64), np.asarray(dest_xy, np.float64)
    n_orig, n_dest, n_stops = origin_xy.shape[0], dest_xy.shape[0], tt.n_stops
    dep = np.broadcast_to(np.asarray(depart, np.int64), (n_orig,))
    horizon = UNREACHED if max_minutes is None else np.int64(math.floor(max_minutes * 60))
    limit_all = np.minimum(dep + horizon, UNREACHED)
    ts, tt_to, tm = _pairs(tt.stop_xy, tt.stop_xy, walk.max_transfer_m)
    keep = ts != tt_to
    transfers = _Links.build(n_stops, ts[keep], tt_to[keep], walk.seconds(tm[keep]))
    es, ed, em = _pairs(tt.stop_xy, dest_xy, walk.max_walk_m)
    egress = _Links.build(n_stops, es, ed, walk.seconds(em))
    out = np.full((n_orig, n_dest), UNREACHED, np.int64)
    size = max(1, min(batch, n_orig))
    best = np.full(size * n_stops, UNREACHED, np.int64)
    by_trip = np.full(size * n_stops, UNREACHED, np.int64)
    # 20 km strips, then north-south: neighbours share a batch and its patterns.
    order = np.lexsort((origin_xy[:, 1], np.floor(origin_xy[:, 0] / 20_000.0)))
    for lo in range(0, order.size, size):
        idx = order[lo : lo + size]
        part, dep_b, limit = origin_xy[idx], dep[idx], limit_all[idx]
        acc_s, acc_o, acc_m = _pairs(tt.stop_xy, part, walk.max_walk_m)
        access = (acc_o, acc_s, walk.seconds(acc_m))
        keys, times = _raptor_batch(tt, access, transfers, dep_b, max_rounds, limit, best, by_trip)
        # From every labelled stop (an access-only label too: a walk via a stop, never
        # better than walking directly) walk to the destinations in reach.
        o, s = np.divmod(keys, n_stops)
        owner, link = _expand(egress.ptr, s)
        cand = [o[owner] * n_dest + egress.to[link]]
        cand_t = [times[owner] + egress.secs[link]]
        do, dd, dm = _pairs(part, dest_xy, walk.max_walk_m)
        cand.append(do * n_dest + dd)
        cand_t.append(dep_b[do] + walk.seconds(dm))
        k, t = _min_by_key(np.concatenate(cand), np.concatenate(cand_t))
        res = np.full(idx.size * n_dest, UNREACHED, np.int64)
        res[k] = t
        res = res.reshape(idx.size, n_dest)
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
    max_minutes: float | None = None,
) -> FloatArray:
    """Median travel time in minutes (O, D) over the departures in ``window``; inf = unreachable.

    Accessibility studies take the median over departures every few minutes of a window
    (e.g. 07:00-09:00 every 5 minutes) so that one lucky or unlucky departure does not
    decide (Owen & Levinson 2015, "Modeling the commute mode share of transit using
    continuous accessibility to jobs", Transportation Research A 74:110-122). A pair
    unreachable for more than half of the departures has an infinite median.

    ``max_minutes`` (optional) is a search horizon for every departure: a trip taking
    longer counts as unreachable. A median up to ``max_minutes / 2`` is still exact (the
    middle value, or the two middle ones, lie within the horizon), a larger one may come
    out inf: pass twice the limit a rule compares with.
    """
    times = np.asarray(window, np.int64)
    if times.size == 0:
        raise ValueError("window has no departures")
    stack = np.empty((times.size, origin_xy.shape[0], dest_xy.shape[0]), np.float64)
    for n, t in enumerate(times):
        arr = earliest_arrival(
            tt, origin_xy, dest_xy, int(t), walking, max_rounds, max_minutes=max_minutes
        )
        stack[n] = np.where(arr >= UNREACHED, np.inf, (arr - t) / 60.0)
    out: FloatArray = np.median(stack, axis=0)
    return out
