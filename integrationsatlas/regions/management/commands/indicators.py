"""`integrationsatlas indicators`: import, list, declare, compare and withdraw indicator figures."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.progress import StepProgress
from integrationsatlas.core.tables import write_rows
from integrationsatlas.regions import editions
from integrationsatlas.regions.indicator_files import IndicatorFileError, parse_mapping
from integrationsatlas.regions.indicators_import import IndicatorImportError, import_indicators
from integrationsatlas.regions.models import IndicatorEdition

FORMATS = ["table", "csv", "json"]


class Command(BaseCommand):
    help = (
        "Kennzahlen (Statistik) laden und ansehen: import DATEI, list, declare, definitions, "
        "editions, compare A B, withdraw NR."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="CSV/XLSX in Langform oder GENESIS-Flat-CSV laden")
        load.add_argument("file", type=Path)
        load.add_argument("--source", default="", help="Quelle für alle Zeilen ohne eigene")
        load.add_argument("--licence", default="", help="Lizenz für alle Zeilen ohne eigene")
        load.add_argument("--indicator", help="GENESIS: Kennzahl der einzigen Reihe")
        load.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="REIHE=KENNZAHL",
            help="GENESIS: Reihe einer Kennzahl zuordnen, REIHE=- lässt sie aus (mehrfach)",
        )
        load.add_argument("--by", default="", help="wer lädt (Standard: Benutzer des Systems)")
        values = sub.add_parser("list", help="gespeicherte Werte mit Quelle und Stichtag")
        values.add_argument("--code")
        values.add_argument("--region")
        values.add_argument("--edition", type=int)
        values.add_argument("--format", choices=FORMATS, default="table")
        declare = sub.add_parser("declare", help="neue Kennzahl anlegen")
        declare.add_argument("code")
        declare.add_argument("--name", required=True)
        declare.add_argument("--unit", required=True)
        declare.add_argument("--description", default="")
        definitions = sub.add_parser("definitions", help="angelegte Kennzahlen")
        definitions.add_argument("--format", choices=FORMATS, default="table")
        listing = sub.add_parser("editions", help="alle Ausgaben (Importe)")
        listing.add_argument("--format", choices=FORMATS, default="table")
        compare = sub.add_parser("compare", help="zwei Ausgaben vergleichen")
        compare.add_argument("a", type=int)
        compare.add_argument("b", type=int)
        compare.add_argument("--format", choices=FORMATS, default="table")
        withdraw = sub.add_parser("withdraw", help="Ausgabe zurückziehen")
        withdraw.add_argument("edition", type=int)
        withdraw.add_argument("--reason", required=True)
        withdraw.add_argument("--by", default="")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except IndicatorImportError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"Nichts geändert, die Datenbank ist unverändert. {len(exc.problems)} Problem(e):\n{lines}"
            ) from exc

    def _who(self, by: str) -> str:
        return by or f"Kommandozeile: {getpass.getuser()}"

    def do_import(self, file, source, licence, indicator, map, by, **options):
        try:
            data = file.read_bytes()
            mapping = parse_mapping([*map, *([indicator] if indicator else [])])
        except OSError as exc:
            raise CommandError(f"{file}: nicht lesbar ({exc.strerror}).") from exc
        except IndicatorFileError as exc:
            raise CommandError(str(exc)) from exc
        with StepProgress(1) as step:
            step("Kennzahlen prüfen und speichern")
            result = import_indicators(
                data,
                file.name,
                self._who(by),
                source=source,
                licence=licence,
                mapping=mapping,
            )
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def do_list(self, code, region, edition, format, **options):
        write_rows(
            editions.value_rows(code, region, edition), editions.VALUE_COLUMNS, format, self.stdout
        )

    def do_declare(self, code, name, unit, description, **options):
        definition = editions.declare(code, name, unit, description, self._who(""))
        self.stdout.write(
            self.style.SUCCESS(f"Kennzahl {definition.code} angelegt ({definition.unit}).")
        )

    def do_definitions(self, format, **options):
        columns = ["code", "name", "unit", "description", "origin"]
        write_rows(editions.definition_rows(), columns, format, self.stdout)

    def do_editions(self, format, **options):
        write_rows(editions.edition_rows(), editions.EDITION_COLUMNS, format, self.stdout)

    def do_compare(self, a, b, format, **options):
        found = {e.pk: e for e in IndicatorEdition.objects.filter(pk__in=[a, b])}
        for number in (a, b):
            if number not in found:
                raise CommandError(f"Ausgabe #{number} gibt es nicht (siehe: indicators editions).")
        write_rows(
            editions.compare(found[a], found[b]), editions.COMPARE_COLUMNS, format, self.stdout
        )

    def do_withdraw(self, edition, reason, by, **options):
        done = editions.withdraw(edition, self._who(by), reason)
        self.stdout.write(
            self.style.SUCCESS(
                f"Ausgabe #{done.pk} zurückgezogen: {len(done.archived)} Werte nicht mehr in Gebrauch."
            )
        )
