"""Benchmark: every rule of the example set for Saxony's 13 Kreise and 418 Gemeinden on the demo registry.

Reports the engine time (assess() on arrays already loaded) and the end-to-end time of the
`integrationsatlas assess` command (new process: start-up, loading, engine, storing, CSV
output). Targets: engine < 0.5 s, CLI < 5 s. Needs a database with regions, offer types,
the demo registry and the example set (`make run` sets all of these up, or:
`integrationsatlas load-demo --if-empty && integrationsatlas standard-sets import
integrationsatlas/standards/data/beispielstandard-sachsen-2030.yaml --if-missing`).

Usage: .venv/bin/python benchmarks/bench_saxony.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "beispielstandard-sachsen-2030"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrationsatlas.settings")
    import django

    django.setup()
    from integrationsatlas.analysis.assess import assess
    from integrationsatlas.assessments.engine_input import build_engine_input, engine_rules
    from integrationsatlas.registry.models import Service
    from integrationsatlas.standards.models import StandardSet

    standard_set = StandardSet.objects.filter(slug=SLUG).first()
    if standard_set is None or not Service.objects.filter(is_demo=True).exists():
        sys.exit("Needs the demo registry and the example set; see the docstring.")
    rules = list(standard_set.rules.select_related("offer_type"))
    date = dt.date.today()
    print(f"{platform.node()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for level in ("kreis", "gemeinde"):
        started = time.perf_counter()
        data = build_engine_input(rules, date)
        load_seconds = time.perf_counter() - started
        print(
            f"data {level:8s}: {data.reference['registry']['services']} services, "
            f"{data.reference['registry']['sites']} sites, {len(rules)} rules; "
            f"loading from the database {load_seconds:.3f} s"
        )
        engine = engine_rules(rules)
        times, rows = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            rows = assess(data.regions, data.services, engine, date, data.points, level=level)
            times.append(time.perf_counter() - t0)
        print(
            f"engine {level:8s}: {len(rows)} rows, median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s over {args.repeat} runs (target < 0.5 s)"
        )
    cli = [str(ROOT / ".venv" / "bin" / "integrationsatlas"), "assess", "--standard-set", SLUG]
    # Python normally caches compiled bytecode (__pycache__); with PYTHONDONTWRITEBYTECODE set
    # (as in some sandboxes) every process compiles all modules again, seconds on this
    # machine. Both are measured; the cached case after one warm-up run writes the cache.
    cached_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    variants = [("as given", dict(os.environ))]
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        variants.append(("bytecode cached", cached_env))
    for name, env in variants:
        if name == "bytecode cached":
            subprocess.run([*cli[:1], "version"], env=env, check=True, capture_output=True)
        for level in ("kreis", "gemeinde"):
            times = []
            for _ in range(max(2, args.repeat // 2) + (name == "bytecode cached")):
                t0 = time.perf_counter()
                subprocess.run(
                    [*cli, "--level", level, "--format", "csv", "--label", "benchmark"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
                times.append(time.perf_counter() - t0)
            print(
                f"CLI    {level:8s} ({name}): median {statistics.median(times):.3f} s, "
                f"min {min(times):.3f} s (target < 5 s; stores an assessment per run, "
                "labelled 'benchmark')"
            )
    t0 = time.perf_counter()
    subprocess.run([*cli[:1], "version"], check=True, capture_output=True)
    print(
        f"process start + Django setup alone ('integrationsatlas version'): "
        f"{time.perf_counter() - t0:.3f} s"
    )


if __name__ == "__main__":
    main()
