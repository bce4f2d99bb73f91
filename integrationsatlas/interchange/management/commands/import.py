"""`integrationsatlas import FILE`: import services from CSV, XLSX or HSDS JSON (or roll one back)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.progress import StepProgress
from integrationsatlas.interchange.hsds.package import read_package
from integrationsatlas.interchange.importer import (
    FORMATS,
    ImportResult,
    RollbackError,
    import_file,
    rollback,
)
from integrationsatlas.interchange.mapping import Profile, read_profile
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.interchange.summary import describe_file
from integrationsatlas.interchange.writer import find_organization
from integrationsatlas.registry.models import ImportBatch, Organization


class Command(BaseCommand):
    help = (
        "Importiert Angebote aus CSV, XLSX oder HSDS-3.0-JSON. Standard: alles oder nichts; "
        "jedes Problem wird mit Zeile, Spalte und Grund gemeldet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="sonst nach Dateiendung")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
        parser.add_argument(
            "--organization", help="alle Angebote diesem Träger zuordnen (ID oder externe ID)"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="gültige Angebote schreiben, fehlerhafte melden und auslassen",
        )
        parser.add_argument(
            "--offer-type",
            default="",
            help="HSDS: Angebotsart für Angebote ohne bekannten Taxonomie-Begriff",
        )
        parser.add_argument(
            "--mapping",
            type=Path,
            metavar="FILE",
            help="Zuordnungsprofil (JSON/YAML): Spalten einer Liste zu Spalten der Vorlage",
        )
        parser.add_argument("--rollback", type=int, metavar="BATCH_ID", help="Import zurücknehmen")

    def handle(self, *args, file, format, dry_run, organization, skip_invalid, **options):
        if options["rollback"]:
            return self._rollback(options["rollback"])
        if file is None:
            raise CommandError(
                "Datei fehlt: integrationsatlas import DATEI [--format csv|xlsx|hsds]"
            )
        data, format = self._read(file, format)
        org = self._organization(organization)
        profile = self._profile(options["mapping"])
        try:
            with StepProgress(4) as step:
                result = import_file(
                    data,
                    file.name,
                    format,
                    dry_run=dry_run,
                    organization=org,
                    skip_invalid=skip_invalid,
                    default_offer_type=options["offer_type"],
                    profile=profile,
                    progress=step,
                )
        except ImportRefused as exc:
            raise CommandError(f"{file}: nicht importiert.\n{exc}") from exc
        self._report(file, result, dry_run)
        if result.problems and not skip_invalid:
            raise CommandError(
                f"{len(result.problems)} Probleme: nichts gespeichert "
                "(--skip-invalid schreibt die gültigen Angebote)."
            )

    def _read(self, file: Path, format: str | None) -> tuple[bytes, str | None]:
        """The file's bytes and its format; a directory is an HSDS package (services.json, or
        the tabular CSV files)."""
        try:
            if file.is_dir():
                return read_package(file), "hsds"
            return file.read_bytes(), format
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc

    def _organization(self, organization: str | None) -> Organization | None:
        if not organization:
            return None
        org = find_organization(organization)
        if org is None and organization.isdigit():
            org = Organization.objects.filter(pk=int(organization)).first()
        if org is None:
            raise CommandError(f"--organization {organization}: Träger nicht gefunden.")
        return org

    def _report(self, file: Path, result: ImportResult, dry_run: bool) -> None:
        for problem in result.problems:
            self.stderr.write(f"{file}: {problem}")
        for warning in result.warnings:
            self.stderr.write(f"{file}: Hinweis: {warning}")
        for line in describe_file(result):
            self.stdout.write(f"{file}: {line}")
        counts = (
            f"{result.services} Angebote in der Datei: {len(result.created)} neu, "
            f"{len(result.updated)} geändert, {len(result.unchanged)} unverändert, "
            f"{len(result.submitted)} zur Prüfung eingereicht, {len(result.skipped)} ausgelassen"
        )
        if result.matched_locations:
            counts += (
                f"; vorhandene eigene Standorte übernommen: {', '.join(result.matched_locations)}"
            )
        if result.batch is not None:
            self.stdout.write(
                self.style.SUCCESS(f"Import #{result.batch.pk} gespeichert. {counts}.")
            )
        elif dry_run:
            self.stdout.write(f"Probelauf, nichts gespeichert. {counts}.")

    def _profile(self, path: Path | None) -> Profile | None:
        if path is None:
            return None
        try:
            return read_profile(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"--mapping {path}: nicht lesbar ({exc}).") from exc
        except ImportRefused as exc:
            raise CommandError(f"--mapping {path}: {exc}") from exc

    def _rollback(self, batch_id: int) -> None:
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"Import #{batch_id} gibt es nicht.")
        try:
            counts = rollback(batch)
        except RollbackError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Import #{batch_id} zurückgenommen: {counts['restored']} Angebote "
                f"wiederhergestellt, {counts['deleted']} gelöscht."
            )
        )
