"""`integrationsatlas restore FILE`: bring a backup back into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Stellt eine Sicherung in einer leeren, migrierten Datenbank wieder her."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="vorhandene Daten vorher löschen (alles in einer Transaktion)",
        )

    def handle(self, *args, file, replace, **options):
        try:
            counts = restore_backup(file, replace=replace)
        except BackupError as exc:
            raise CommandError(f"Nichts wiederhergestellt: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Wiederhergestellt: {sum(counts.values())} Zeilen aus {file}")
        )
