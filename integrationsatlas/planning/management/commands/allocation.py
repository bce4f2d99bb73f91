"""`integrationsatlas allocation`: the Land's allocation per Kreis (§§ 1-2 KomIntAVO), optionally beside need."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.tables import format_rows
from integrationsatlas.planning.allocation import AllocationError, allocation
from integrationsatlas.standards.law import PURPOSES


def _year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise CommandError(f"--year {text!r}: ein Haushaltsjahr JJJJ erwartet.")
    return int(text)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Verteilt eine Verteilungsmasse nach Einwohneranteil auf die Landkreise und Kreisfreien "
        "Städte (§§ 1-2 KomIntAVO), auf den Cent genau; mit --standard-set und --rule auch die "
        "Kosten des Bedarfs und die Differenz."
    )

    def add_arguments(self, parser):
        parser.add_argument("--amount", required=True, help="Verteilungsmasse in Euro")
        parser.add_argument("--year", type=_year, help="Haushaltsjahr (Einwohner 31.12. Vorjahr)")
        parser.add_argument(
            "--purpose",
            help="Fördergegenstand nach § 1 Abs. 1 KomIntAVO: " + ", ".join(PURPOSES),
        )
        parser.add_argument("--region", help="nur diesen Kreis ausgeben, z. B. 14625")
        parser.add_argument("--standard-set", help="Standardsatz (Kennung) für den Bedarf")
        parser.add_argument(
            "--rule", help="Quotenregel des Standardsatzes, z. B. fsa-betreuungsschluessel"
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--out", type=Path, help="Datei (sonst Standardausgabe)")

    def handle(self, *args, amount, format="table", out=None, **options):
        try:
            result = allocation(
                amount,
                year=options.get("year"),
                purpose=options.get("purpose"),
                region=options.get("region"),
                standard_set=options.get("standard_set"),
                rule=options.get("rule"),
            )
        except AllocationError as exc:
            option = f"--{exc.field.replace('_', '-')}: " if exc.field else ""
            raise CommandError(f"{option}{exc}") from exc
        rows = result.rows
        if format == "table":
            rows = [{**row, "share": f"{row['share']:.6f}"} for row in rows]
        text = format_rows(rows, result.columns, format)
        if out is None:
            self.stdout.write(text, ending="")
        else:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{out}: kann nicht geschrieben werden ({exc}).") from exc
        purpose = (
            f" für {result.purpose.name} ({result.purpose.citation})" if result.purpose else ""
        )
        self.stderr.write(
            f"Zuweisung nach § 1 Abs. 2 KomIntAVO{purpose}: {result.amount} Euro, Cent nach dem "
            "Verfahren der größten Reste."
        )
        for note in result.notes:
            self.stderr.write(note)
        self.stderr.write("Quellen: " + "; ".join(result.sources))
