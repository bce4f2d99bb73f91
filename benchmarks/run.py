"""Run every benchmark, one after the other: `make bench` (add `--quick` for short load runs).

Each benchmark is a plain script that prints its own Markdown table; the numbers measured
on the project's reference machine are written down in docs/performance.md, docs/engine.md,
docs/standards.md, docs/interchange.md and docs/finder.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def plan(quick: bool) -> list[tuple[str, list[str]]]:
    duration = ["--duration", "10"] if quick else []
    return [
        ("engine: 2SFCA vs PySAL access, Germany scale", ["run_engine.py"]),
        ("Saxony: all rules of the example set, engine and CLI", ["bench_saxony.py"]),
        ("import: demo registry export into an empty database", ["bench_import.py"]),
        ("demo: load_demo at full scale, first load and two reloads", ["bench_demo.py"]),
        (
            "finder: 20,000 services, 50 clients",
            ["bench_finder.py", *duration, *(["--warmup", "10"] if quick else [])],
        ),
        ("load: finder + public API + registry edits", ["bench_load.py", *duration]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 s load runs instead of 60 s")
    args = parser.parse_args()
    failed = []
    for title, command in plan(args.quick):
        print(f"\n## {title}\n", flush=True)
        result = subprocess.run([sys.executable, str(HERE / command[0]), *command[1:]], check=False)
        if result.returncode:
            failed.append(title)
    if failed:
        print("\nfailed: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
