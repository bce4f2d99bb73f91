"""`integrationsatlas backup --out FILE`: save all data, history and accounts to one file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from integrationsatlas.core.backup import create_backup


class Command(BaseCommand):
    help = "Sichert alle Daten (Register, Verlauf, Standards, Bewertungen, Konten) in eine Datei (.json oder .json.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, required=True, help="Zieldatei, z. B. backup.json.gz"
        )

    def handle(self, *args, out, **options):
        counts = create_backup(out)
        self.stdout.write(
            self.style.SUCCESS(f"Sicherung geschrieben: {out} ({sum(counts.values())} Zeilen)")
        )
