"""Benchmark: `load_demo` at full scale (seed 7, ~3,700 services), first load and reloads.

    .venv/bin/python benchmarks/bench_demo.py [--seed 7] [--target N] [--reloads 2] [--checkout DIR]

Sets up a throw-away database (a temporary SQLite file, or, when DATABASE_URL names a
PostgreSQL server, a new temporary database on it that is dropped afterwards): migrate,
regions, offer types. Then times `load_demo` into the empty registry and `--reloads` times
again (a reload deletes the previous demo rows first, as `load-demo` run twice does). Prints
the seconds of each run, the row counts and the load average.

`--checkout DIR`: run another checkout's code (e.g. an export of main) with the same benchmark,
to compare before and after side by side.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pg_admin(url: str, statement: str) -> None:
    import psycopg

    admin = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--target", type=int, default=None, help="about N services (quick run)")
    parser.add_argument("--reloads", type=int, default=2)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="whose code runs")
    args = parser.parse_args()
    if not (args.checkout / "integrationsatlas" / "settings.py").exists():
        parser.error(f"{args.checkout} is no checkout of the project")
    if not 0 <= args.reloads <= 5:
        parser.error("bounded: 0–5 reloads")
    # The installed package may point at another checkout: this one comes first.
    sys.path.insert(0, str(args.checkout.resolve()))
    given = os.environ.get("DATABASE_URL", "")
    pg_name = None
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        os.environ.update(
            INTEGRATIONSATLAS_VAR_DIR=tmp,
            DJANGO_SETTINGS_MODULE="integrationsatlas.settings",
            SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only"),
        )
        if given.startswith(("postgres://", "postgresql://")):
            pg_name = f"bench_demo_{os.getpid()}_{secrets.token_hex(3)}"
            _pg_admin(given, f'CREATE DATABASE "{pg_name}"')
            os.environ["DATABASE_URL"] = (
                urllib.parse.urlsplit(given)._replace(path=f"/{pg_name}").geturl()
            )
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.sqlite3"
        try:
            run(args, "postgresql" if pg_name else "sqlite")
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                _pg_admin(given, f'DROP DATABASE IF EXISTS "{pg_name}"')
    return 0


def run(args: argparse.Namespace, engine: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from integrationsatlas.regions.loader import load_regions
    from integrationsatlas.registry.demo import load_demo
    from integrationsatlas.registry.models import Service
    from integrationsatlas.taxonomy.seed import load_offer_types

    call_command("migrate", verbosity=0)
    load_regions(Path(settings.BASE_DIR) / "data")
    load_offer_types()
    times = []
    for _ in range(1 + args.reloads):
        started = time.perf_counter()
        summary = load_demo(seed=args.seed, target=args.target)
        times.append(time.perf_counter() - started)
    history = Service.history.model.objects.count()
    load = os.getloadavg()
    print(
        f"db={engine} seed={args.seed} services={summary.services} locations={summary.locations} "
        f"schedules={summary.schedules} fundings={summary.fundings} service history rows={history} "
        f"checkout={args.checkout} loadavg={load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )
    print("| run | seconds |\n| --- | ---: |")
    for n, seconds in enumerate(times):
        print(f"| {'first load' if n == 0 else f'reload {n}'} | {seconds:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
