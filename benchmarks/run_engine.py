"""Run every engine benchmark in turn, each in its own process with a time limit.

Run: PYTHONPATH=. .venv/bin/python benchmarks/run_engine.py
Benchmarks are not tests: pytest does not collect them (no test_ prefix).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [("bench_2sfca.py", 300), ("bench_engine_scale.py", 900)]


def main() -> int:
    status = 0
    for script, limit in BENCHMARKS:
        print(f"\n## {script}\n", flush=True)
        try:
            subprocess.run([sys.executable, str(HERE / script)], check=True, timeout=limit)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            print(f"{script} failed: {err}", flush=True)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
