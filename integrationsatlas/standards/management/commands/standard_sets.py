"""`integrationsatlas standard-sets list|import|export|copy`: standard sets as YAML documents."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.tables import write_rows
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.standards.sets import (
    copy_set,
    export_yaml,
    find_set,
    import_document,
    set_rows,
    transit_notices,
)

LIST_COLUMNS = ["slug", "name", "version", "status", "rules", "assessments", "copied_from"]


def _refused(exc: DocumentError) -> CommandError:
    lines = "\n".join(f"  - {p}" for p in exc.problems)
    return CommandError(f"Abgelehnt, nichts gespeichert. {len(exc.problems)} Problem(e):\n{lines}")


class Command(BaseCommand):
    help = "Standardsätze auflisten, importieren (YAML), exportieren und kopieren."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="alle Standardsätze")
        listing.add_argument("--format", choices=["table", "csv", "json"], default="table")
        imp = sub.add_parser("import", help="einen Standardsatz aus einer YAML-Datei laden")
        imp.add_argument("file", type=Path)
        how = imp.add_mutually_exclusive_group()
        how.add_argument(
            "--if-missing",
            action="store_true",
            help="nichts tun, wenn die Kennung schon existiert",
        )
        how.add_argument(
            "--replace",
            action="store_true",
            help="einen vorhandenen Satz gleicher Kennung ersetzen",
        )
        exp = sub.add_parser("export", help="einen Standardsatz als YAML schreiben")
        exp.add_argument("slug")
        exp.add_argument("--out", type=Path, help="Datei (sonst Standardausgabe)")
        cp = sub.add_parser("copy", help="einen Standardsatz als Entwurf kopieren")
        cp.add_argument("slug")
        cp.add_argument("new_slug")
        cp.add_argument("--name", default="", help="Name der Kopie")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _list(self, format="table", **options):
        write_rows(
            set_rows(), LIST_COLUMNS + (["label"] if format != "table" else []), format, self.stdout
        )

    def _import(self, file, if_missing=False, replace=False, **options):
        try:
            document = doc_module.read_file(file)
            slug = document.get("slug") if isinstance(document.get("slug"), str) else None
            if if_missing and slug and StandardSet.objects.filter(slug=slug).exists():
                self.stdout.write(f"Standardsatz {slug} ist schon vorhanden, nichts geändert.")
                return
            standard_set, created = import_document(document, replace=replace)
        except DocumentError as exc:
            raise _refused(exc) from exc
        verb = "importiert" if created else "ersetzt"
        self.stdout.write(
            self.style.SUCCESS(
                f"Standardsatz {standard_set.slug} ({standard_set.name}, Version "
                f"{standard_set.version}) {verb}: {standard_set.rules.count()} Regeln."
            )
        )
        for notice in transit_notices(standard_set):
            self.stderr.write(notice)

    def _get(self, slug: str) -> StandardSet:
        found = find_set(slug)
        if found is None:
            known = ", ".join(StandardSet.objects.values_list("slug", flat=True)) or "keine"
            raise CommandError(f"Kein Standardsatz {slug!r}. Vorhanden: {known}.")
        return found

    def _export(self, slug, out=None, **options):
        text = export_yaml(self._get(slug))
        if out is None:
            self.stdout.write(text, ending="")
            return
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{out}: kann nicht geschrieben werden ({exc}).") from exc
        self.stdout.write(self.style.SUCCESS(f"Standardsatz {slug} geschrieben nach {out}."))

    def _copy(self, slug, new_slug, name="", **options):
        try:
            copied = copy_set(self._get(slug), new_slug, name=name)
        except DocumentError as exc:
            raise _refused(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Kopie {copied.slug} ({copied.name}) als Entwurf angelegt.")
        )
