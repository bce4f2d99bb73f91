"""Benchmark: import 50,000 indicator values (GENESIS flat CSV and long form) as one edition each.

Builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL if set: it must
be a scratch database), loads the regions, declares 60 indicator codes and writes a file with
one value per (Gemeinde or Kreis, code, year) until 50,000 values (5 % secret, "x"). Times
`import_indicators` (read, check, write: phase 1), the same file again (all unchanged: phase 2)
and withdrawing the edition (phase 3). Target: importing 50,000 indicator values < 10 s.

Usage: .venv/bin/python benchmarks/bench_indicators.py [--values 50000] [--format genesis|long]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
    "value_variable_label;value_q"
)


def build(keys: list[str], count: int, fmt: str) -> tuple[bytes, dict[str, str | None]]:
    """`count` values over keys x 60 codes x years 2000..; every 20th is secret."""
    lines = [HEADER if fmt == "genesis" else "region,indicator,reference_date,value"]
    mapping: dict[str, str | None] = {}
    n = 0
    year = 2000
    while n < count:
        for c in range(60):
            code = f"bench_{c:02d}"
            mapping[f"V{c:02d}"] = code
            for key in keys:
                if n == count:
                    break
                value = "x" if n % 20 == 0 else f"{(n * 7) % 10000},5"
                if fmt == "genesis":
                    variable = "GEMEIN" if len(key) == 8 else "KREISE"
                    lines.append(
                        f"99999-0001;Bench;JAHR;Jahr;{year};{variable};Region;{key};Ort;{value};"
                        f"Anzahl;V{c:02d};Wert {c};e"
                    )
                else:
                    lines.append(f'{key},{code},{year}-12-31,"{value}"')
                n += 1
        year += 1
    return ("\n".join(lines) + "\n").encode("utf-8"), mapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=50_000)
    parser.add_argument("--format", default="genesis", choices=("genesis", "long"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("INTEGRATIONSATLAS_VAR_DIR", tempfile.mkdtemp(prefix="bench-ind-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrationsatlas.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from integrationsatlas.regions import editions
    from integrationsatlas.regions.indicators_import import import_indicators
    from integrationsatlas.regions.models import IndicatorDefinition, IndicatorValue, Region

    started = time.perf_counter()
    for command in ("migrate", "load_regions"):
        call_command(command, verbosity=0)
    IndicatorDefinition.objects.bulk_create(
        [
            IndicatorDefinition(code=f"bench_{c:02d}", name=f"Bench {c}", unit="Anzahl")
            for c in range(60)
        ],
        ignore_conflicts=True,
    )
    keys = list(Region.objects.exclude(level="land").values_list("ags", flat=True))
    data, mapping = build(keys, args.values, args.format)
    print(
        f"setup: {time.perf_counter() - started:.1f} s; file {len(data) / 1e6:.1f} MB, {args.values} values"
    )
    options = {"source": "Benchmark", "licence": "dl-de/by-2-0", "mapping": mapping}
    edition = None
    for phase in ("import (all new)", "re-import (all unchanged)"):
        started = time.perf_counter()
        result = import_indicators(data, f"bench.{args.format}.csv", "benchmark", **options)
        seconds = time.perf_counter() - started
        print(f"{phase}: {seconds:.2f} s; {result.new} new, {result.unchanged} unchanged")
        edition = edition or result.edition
    assert IndicatorValue.objects.filter(edition=edition).count() == args.values
    started = time.perf_counter()
    editions.withdraw(edition.pk, "benchmark", "Benchmark")
    print(f"withdraw: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
