"""Benchmark: the finder's travel minutes (`transit finder-times`) at the size of Saxony.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_finder_times.py [--stops 50000]
[--origins 800] [--sites 3815]

The synthetic feed of bench_transit.py (50,000 stops in a 200 km x 150 km box); origins as
many as Saxony's Gemeinde and postal-code points (800), sites as many locations as the demo
registry (3,815), both within 500 m of random stops. Routed as finder_times does it: the
median over werktags 07:00-09:00 every 10 minutes (13 departures), search horizon 180
minutes, origins in batches of 128. Printed: seconds to build the timetable, wall and CPU
seconds of the routing, and the share of pairs within 90 minutes (the rows stored).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.bench_transit import synthetic_feed
from integrationsatlas.analysis.transit import (
    Walking,
    build_timetable,
    departures,
    median_travel_minutes,
)

ORIGIN_BATCH = 128  # as transit/finder_times.py (which needs Django; this script does not)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=50_000)
    parser.add_argument("--origins", type=int, default=800)
    parser.add_argument("--sites", type=int, default=3815)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    xy, trip, stop, arr = synthetic_feed(args.stops, rng)
    tt = build_timetable(xy, trip, stop, arr, arr)
    print(f"timetable: {time.perf_counter() - started:.1f} s")

    def near(n: int) -> np.ndarray:
        return xy[rng.integers(args.stops, size=n)] + rng.uniform(-350, 350, (n, 2))

    origins, sites = near(args.origins), near(args.sites)
    window = departures(7 * 3600, 9 * 3600, 600)
    wall, cpu = time.perf_counter(), time.process_time()
    minutes = np.empty((args.origins, args.sites))
    for lo in range(0, args.origins, ORIGIN_BATCH):
        minutes[lo : lo + ORIGIN_BATCH] = median_travel_minutes(
            tt, origins[lo : lo + ORIGIN_BATCH], sites, window, Walking(), max_minutes=180
        )
    print(
        f"{args.origins} x {args.sites}, {window.size} departures, horizon 180 min: "
        f"{time.perf_counter() - wall:.1f} s (CPU {time.process_time() - cpu:.1f} s); "
        f"within 90 min: {(minutes <= 90).mean():.2%}"
    )


if __name__ == "__main__":
    main()
