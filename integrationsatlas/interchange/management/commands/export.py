"""`integrationsatlas export`: write all services (or the import template) as CSV, XLSX, GeoJSON or HSDS."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.interchange.exporter import (
    EXPORT_FORMATS,
    export_services,
    template,
    write_hsds_package,
)


class Command(BaseCommand):
    help = "Exportiert alle Angebote mit denselben Spalten, die der Import liest."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument(
            "--out",
            type=Path,
            help="Zieldatei (sonst Standardausgabe); bei hsds ein Verzeichnis für das ganze Paket",
        )
        parser.add_argument(
            "--template", action="store_true", help="die leere Importvorlage (csv oder xlsx)"
        )

    def handle(self, *args, format, out, **options):
        if options["template"]:
            if format not in ("csv", "xlsx"):
                raise CommandError("Die Vorlage gibt es als csv oder xlsx.")
            data = template(format)
        elif format == "hsds" and out is not None and (out.is_dir() or not out.suffix):
            # A directory: the HSDS package (JSON, tabular CSV, datapackage.json).
            try:
                written = write_hsds_package(out)
            except OSError as exc:
                raise CommandError(f"{out}: {exc.strerror}") from exc
            self.stdout.write(self.style.SUCCESS(f"{out}: {len(written)} Dateien geschrieben."))
            return
        else:
            data = export_services(format)
        if out is None:
            if format == "xlsx":
                raise CommandError("XLSX braucht --out DATEI.")
            sys.stdout.buffer.write(data)
            return
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"{out} geschrieben ({len(data):,} Bytes)."))
