"""`integrationsatlas regions`: list regions with population and Gemeinden as a table, CSV or JSON."""

import re

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.tables import write_rows
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.queries import postal_code_exists, region_rows

BASE_COLUMNS = ["ags", "name", "level", "population", "gemeinden"]
JSON_EXTRA = [
    "foreign_residents",
    "foreign_eu27",
    "foreign_third_country",
    "foreign_reference_date",
]


class Command(BaseCommand):
    help = "Listet Regionen (ags, name, level, population, gemeinden) als Tabelle, CSV oder JSON."

    def add_arguments(self, parser):
        parser.add_argument("--level", choices=[c for c, _ in Region.Level.choices])
        parser.add_argument("--parent", help="nur Regionen unter diesem Schlüssel, z. B. 14625")
        parser.add_argument("--postal-code", help="nur Gemeinden mit dieser Postleitzahl")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, level=None, parent=None, postal_code=None, format="table", **options):
        if postal_code is not None:
            if not re.fullmatch(r"\d{5}", postal_code):
                raise CommandError(f"'{postal_code}' ist keine 5-stellige Postleitzahl.")
            if not postal_code_exists(postal_code):
                raise CommandError(f"Postleitzahl {postal_code} ist nicht geladen.")
        if not Region.objects.exists():
            raise CommandError("Keine Regionen geladen. Zuerst: integrationsatlas load-regions")
        rows = region_rows(level=level, postal_code=postal_code, parent=parent)
        columns = BASE_COLUMNS + (JSON_EXTRA if format == "json" else [])
        if format == "json":
            rows = [{c: row[c] for c in columns} for row in rows]
        write_rows(rows, columns, format, self.stdout)
