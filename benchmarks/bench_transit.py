"""Benchmark: RAPTOR earliest arrival, 10,000 origins to 2,000 destinations, 50,000-stop feed.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_transit.py [--stops N] [--origins N]
[--destinations N] [--departures N] [--max-minutes M]

A synthetic feed the size of a Land (a 200 km x 150 km box, about Saxony's extent): stops
placed uniformly, lines of 25 stops that each step to one of the eight stops nearest the
last one (so lines meet and transfers exist), as many lines as it takes to use every stop
about twice, one trip every 20 minutes from 05:00 to 23:00 at 2 minutes per stop. Origins
and destinations lie within 500 m of random stops (people live where the buses go; the
rest are unreachable anyway and cost nothing). Defaults as the walking model of
``transit time``: 4.5 km/h, detour 1.3, 1,000 m to and from stops, 400 m transfers.

Timed (wall and CPU seconds): building the timetable (pattern grouping and the
router's search tables) and ``earliest_arrival`` for one departure (08:00), optionally with a horizon of M minutes (what a reach rule needs:
arrivals later than that count as unreachable, and the search stops there); with ``--departures N`` also the median over N departures from 07:00
every 120/N minutes. Printed: seconds, share of reachable pairs, median minutes.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.spatial import cKDTree

from integrationsatlas.analysis.transit import (
    UNREACHED,
    build_timetable,
    departures,
    earliest_arrival,
    median_travel_minutes,
)


def synthetic_feed(n_stops: int, rng: np.random.Generator):
    xy = rng.uniform([0.0, 0.0], [200_000.0, 150_000.0], (n_stops, 2))
    tree = cKDTree(xy)
    _, near = tree.query(xy, k=9)
    n_lines, length = max(1, 2 * n_stops // 25), 25
    trip, stop, arr = [], [], []
    starts = np.arange(5 * 3600, 23 * 3600, 1200)
    key = 0
    for _ in range(n_lines):
        seq = [int(rng.integers(n_stops))]
        while len(seq) < length:
            options = [s for s in near[seq[-1], 1:] if s not in seq]
            if not options:
                break
            seq.append(int(rng.choice(options)))
        offsets = np.arange(len(seq)) * 120
        for t0 in starts:
            trip += [key] * len(seq)
            stop += seq
            arr += list(t0 + offsets)
            key += 1
    return xy, np.array(trip), np.array(stop), np.array(arr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=50_000)
    parser.add_argument("--origins", type=int, default=10_000)
    parser.add_argument("--destinations", type=int, default=2_000)
    parser.add_argument("--departures", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=None, help="search horizon")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)

    t = time.perf_counter()
    xy, trip, stop, arr = synthetic_feed(args.stops, rng)
    print(
        f"feed: {args.stops} stops, {trip.max() + 1} trips, {trip.size} stop events "
        f"({time.perf_counter() - t:.1f} s to generate, untimed)"
    )
    t = time.perf_counter()
    tt = build_timetable(xy, trip, stop, arr, arr)
    print(f"build_timetable: {time.perf_counter() - t:.1f} s, {tt.pattern_stops.shape[0]} patterns")

    def near_stops(n: int):
        return xy[rng.integers(len(xy), size=n)] + rng.uniform(-350, 350, (n, 2))

    origins, dests = near_stops(args.origins), near_stops(args.destinations)
    t, cpu = time.perf_counter(), time.process_time()
    out = earliest_arrival(tt, origins, dests, 8 * 3600, max_minutes=args.max_minutes)
    secs, cpu = time.perf_counter() - t, time.process_time() - cpu
    ok = out < UNREACHED
    minutes = (out[ok] - 8 * 3600) / 60
    print(
        f"earliest_arrival {args.origins} x {args.destinations} at 08:00: {secs:.1f} s "
        f"(CPU {cpu:.1f} s); reachable {ok.mean():.1%}, median {np.median(minutes):.0f} min"
    )
    if args.departures:
        window = departures(7 * 3600, 9 * 3600, 7200 // args.departures)[: args.departures]
        t = time.perf_counter()
        med = median_travel_minutes(tt, origins, dests, window)
        print(
            f"median over {window.size} departures 07:00-09:00: "
            f"{time.perf_counter() - t:.1f} s; finite {np.isfinite(med).mean():.1%}"
        )


if __name__ == "__main__":
    main()
