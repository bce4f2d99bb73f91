"""Benchmark: export the demo registry (~2,000 services) and import it into an empty registry.

Builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL if set: it must
be a scratch database, the registry in it is emptied), loads regions, offer types and the demo
registry, exports it, empties the registry and times `import_file` on the export (phase 1).
Phase 2 appends a word to every service's description in the database (a plain UPDATE, no
history) and re-imports the same export, so every service is an update; phase 3 re-imports it
once more, so every service is unchanged. Checks that a final export is identical to the first.
Phase 4 rolls the three imports back, newest first (the update restores every service, the
first import's rollback deletes them all). Targets: import < 15 s for 2,000 services,
re-import of an unchanged file < 5 s, a rollback no slower than its import.

Usage: .venv/bin/python benchmarks/bench_import.py [--format csv|xlsx|hsds] [--services 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", default="csv", choices=("csv", "xlsx", "hsds"))
    parser.add_argument("--services", type=int, default=2000)
    args = parser.parse_args()
    _setup(args.services)
    from integrationsatlas.interchange.exporter import export_services

    first = _export_and_empty(args.format)
    _import_into_empty(first, args.format)
    _reimport_changed(first, args.format)
    _reimport_unchanged(first, args.format)
    second = export_services(args.format)
    print("second export identical:", second == first)
    _roll_back()


def _setup(services: int) -> None:
    """Django on a scratch database with regions, offer types and the demo registry."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("INTEGRATIONSATLAS_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrationsatlas.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    for command in ("migrate", "load_regions", "load_offer_types"):
        call_command(command, verbosity=0)
    call_command("load_demo", services=services, verbosity=0)
    print(f"setup (migrate, regions, offer types, demo): {time.perf_counter() - started:.1f} s")


def _export_and_empty(fmt: str) -> bytes:
    from integrationsatlas.interchange.exporter import export_services
    from integrationsatlas.registry.models import Location, Organization, Service

    started = time.perf_counter()
    first = export_services(fmt)
    print(
        f"export {Service.objects.count()} services as {fmt}: "
        f"{time.perf_counter() - started:.1f} s ({len(first) / 1e6:.1f} MB)"
    )
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    return first


def _timed_import(data: bytes, fmt: str) -> tuple[Any, float]:
    from integrationsatlas.interchange.importer import import_file

    started = time.perf_counter()
    result = import_file(data, f"demo.{fmt}", fmt)
    return result, time.perf_counter() - started


def _import_into_empty(data: bytes, fmt: str) -> None:
    result, seconds = _timed_import(data, fmt)
    if result.problems:
        sys.exit(f"import reported problems: {[str(p) for p in result.problems[:5]]}")
    print(
        f"import into the empty registry: {seconds:.1f} s "
        f"({len(result.created)} services created, target < 15 s)"
    )


def _reimport_changed(data: bytes, fmt: str) -> None:
    """Phase 2: the registry drifts from the file in one field of every service."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from integrationsatlas.registry.models import Service

    Service.objects.update(description=Concat("description", Value(" (geändert)")))
    result, seconds = _timed_import(data, fmt)
    if result.problems or len(result.updated) != result.services:
        sys.exit(f"re-import: {len(result.updated)} updated of {result.services}")
    print(f"re-import, every service changed: {seconds:.1f} s ({len(result.updated)} updated)")


def _reimport_unchanged(data: bytes, fmt: str) -> None:
    """Phase 3: the same file again, nothing to write."""
    result, seconds = _timed_import(data, fmt)
    if result.problems or len(result.unchanged) != result.services:
        sys.exit(f"re-import: {len(result.unchanged)} unchanged of {result.services}")
    print(f"re-import, nothing changed: {seconds:.1f} s ({len(result.unchanged)} unchanged)")


def _roll_back() -> None:
    """Phase 4: take the imports back, newest first: the update (restores every service),
    then the first import (deletes every service it created)."""
    from integrationsatlas.interchange.importer import rollback
    from integrationsatlas.registry.models import ImportBatch, Service

    batches = list(ImportBatch.objects.order_by("-pk"))
    for batch, what in zip(batches, ("unchanged", "updated", "created"), strict=False):
        started = time.perf_counter()
        counts = rollback(batch)
        seconds = time.perf_counter() - started
        print(
            f"rollback of import #{batch.pk} ({what}): {seconds:.1f} s "
            f"({counts['restored']} restored, {counts['deleted']} deleted)"
        )
    print("registry empty after the rollbacks:", not Service.objects.exists())


if __name__ == "__main__":
    main()
