"""`integrationsatlas load-regions`: load the Land, its Kreise and Gemeinden from open data."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.progress import StepProgress


class Command(BaseCommand):
    help = (
        "Lädt Land, Kreise und Gemeinden mit Grenzen, Einwohnerzahlen, ausländischen "
        "Einwohnern und Postleitzahlen aus dem Datenordner (Standard: data/ im Projekt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Ordner mit manifest.json und den Dateien (sonst INTEGRATIONSATLAS_DATA_DIR).",
        )

    def handle(self, *args, data_dir=None, **options):
        # Here, not at the top: the loader brings shapely and pyproj, which `--help` does not need.
        from integrationsatlas.regions.loader import RegionDataError, load_regions

        data_dir = Path(data_dir or settings.DATA_DIR)
        try:
            with StepProgress(4) as step:
                result = load_regions(data_dir, progress=step)
        except RegionDataError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"Nichts geladen, die Datenbank ist unverändert. {len(exc.problems)} Problem(e):\n{lines}"
            ) from exc
        summary = ", ".join(
            f"{key}: {count} ({result.created[key]} neu)" for key, count in result.counts.items()
        )
        self.stdout.write(self.style.SUCCESS(f"Regionen geladen aus {data_dir}: {summary}"))
