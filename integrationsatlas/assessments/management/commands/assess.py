"""`integrationsatlas assess`: judge every region against a standard set and store the result."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import (
    COLUMNS,
    AssessmentError,
    run_assessment,
)
from integrationsatlas.core.progress import StepProgress
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.standards.sets import check_document, document_of, find_set, import_document


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date {text!r}: Datum im Format JJJJ-MM-TT erwartet.") from exc


def resolve_set(name: str) -> StandardSet:
    """A stored set by slug or name, or a YAML file (imported if its slug is new)."""
    path = Path(name)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or path.is_file():
        if not path.is_file():
            raise CommandError(f"{path}: Datei nicht gefunden.")
        try:
            document = check_document(doc_module.read_file(path))
            existing = StandardSet.objects.filter(slug=document["slug"]).first()
            if existing is None:
                return import_document(document)[0]
        except DocumentError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{path}: abgelehnt.\n{lines}") from exc
        if check_document(document_of(existing)) != document:
            raise CommandError(
                f"{path}: ein anderer Standardsatz mit der Kennung {existing.slug!r} ist "
                "gespeichert. Erst ersetzen (standard-sets import --replace) oder die Kennung ändern."
            )
        return existing
    found = find_set(name)
    if found is None:
        known = ", ".join(StandardSet.objects.values_list("slug", flat=True)) or "keine"
        raise CommandError(f"Kein Standardsatz {name!r}. Vorhanden: {known}.")
    return found


#: The format an --out file's name asks for; a name without suffix gets the text table.
SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".txt": "table", "": "table"}


def output_format(chosen: str | None, out: Path | None) -> str:
    """--format if given, else what --out's suffix says; a contradiction (`x.csv` with
    `--format json`, `x.xlsx` with any format) is an error, checked before anything runs."""
    if out is None:
        return chosen or "table"
    suffix = out.suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    if chosen is None and implied is None:
        raise CommandError(
            f"--out {out}: Endung {suffix!r} unbekannt; .csv, .json oder .txt verwenden "
            "oder --format angeben."
        )
    if chosen is not None and suffix and implied != chosen:
        raise CommandError(
            f"--out {out}: die Endung {suffix} passt nicht zu --format {chosen}; "
            f"eins von beiden ändern."
        )
    return chosen or implied or "table"


class Command(BaseCommand):
    # No system checks: they import every URL module (views, PDF and XLSX libraries), about
    # a second of start-up, and this command serves no URL; `migrate`/`serve` still check.
    requires_system_checks: list[str] = []
    help = (
        "Bewertet jede Region einer Ebene nach einem Standardsatz, speichert die Bewertung und "
        "gibt eine Zeile je Region und Regel aus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--standard-set", required=True, help="Kennung, Name oder YAML-Datei")
        parser.add_argument("--level", required=True, choices=["kreis", "gemeinde"])
        parser.add_argument("--date", type=_date, help="Stichtag JJJJ-MM-TT (Standard: heute)")
        parser.add_argument(
            "--variant",
            default=None,
            help="Variante der Vorausberechnung für einen künftigen Stichtag (nötig, wenn "
            "mehrere geladen sind)",
        )
        parser.add_argument(
            "--format",
            choices=["table", "csv", "json"],
            help="Ausgabeformat (Standard: nach der Endung von --out, sonst table)",
        )
        parser.add_argument(
            "--out", type=Path, help="Datei (.csv, .json oder .txt; sonst Standardausgabe)"
        )
        parser.add_argument("--label", default="", help="Bezeichnung der gespeicherten Bewertung")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="nichts tun, wenn es für diesen Standardsatz (Version) und diese Ebene schon "
            "eine gespeicherte Bewertung gibt (mit --date: für diesen Stichtag, sonst bis heute)",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="die Bewertung öffentlich machen (Landesansicht und Regionsberichte ohne Anmeldung)",
        )

    def handle(
        self, *args, standard_set, level, date=None, format=None, out=None, label="", **options
    ):
        fmt = output_format(format, out)
        chosen = resolve_set(standard_set)
        stored = Assessment.objects.filter(
            standard_set=chosen, standard_set_version=chosen.version, level=level, is_scenario=False
        )
        # Today's run and one for 2030 are two assessments: without --date any stored one up
        # to today counts, with --date only one for that date.
        if date is None:
            stored = stored.filter(reference_date__lte=timezone.localdate())
        else:
            stored = stored.filter(reference_date=date)
        existing = stored.first()
        if options.get("if_missing") and existing is not None:
            self.stderr.write(
                f"Bewertung {existing.pk} für {chosen.name} ({chosen.version}), Ebene {level}, "
                f"Stichtag {existing.reference_date:%d.%m.%Y}, gibt es schon; nichts berechnet."
            )
            return
        try:
            with StepProgress(4) as step:
                assessment = run_assessment(
                    chosen,
                    level=level,
                    reference_date=date,
                    label=label,
                    step=step,
                    variant=options.get("variant"),
                )
                step("Ausgabe")
                text = provenance.listing_text(assessment, assessment.listing, COLUMNS, fmt)
        except AssessmentError as exc:
            raise CommandError(str(exc)) from exc
        if out is None:
            self.stdout.write(text, ending="")
        else:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{out}: kann nicht geschrieben werden ({exc}).") from exc
        if options.get("publish"):
            assessment.is_published = True
            assessment.save(update_fields=["is_published"])
        for note in (assessment.data_reference.get("transit") or {}).get("notes", []):
            self.stderr.write(note)
        demo = " Enthält Demodaten." if assessment.includes_demo_data else ""
        used = assessment.data_reference.get("indicator_editions") or []
        if used:
            named = ", ".join(f"#{e['edition']} {e['file']}" for e in used)
            demo += f" Kennzahlen-Ausgaben: {named}."
        self.stderr.write(
            f"Bewertung {assessment.pk} gespeichert: {chosen.name} (Version "
            f"{assessment.standard_set_version}), Ebene {level}, Stichtag "
            f"{assessment.reference_date:%Y-%m-%d}.{demo}"
            + (" Öffentlich." if assessment.is_published else "")
            + (f" Ausgabe: {out}" if out else "")
        )
