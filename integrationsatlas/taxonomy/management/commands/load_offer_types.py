"""`integrationsatlas load-offer-types`: create or update the offer-type taxonomy from its data file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.taxonomy.seed import SEED_FILE, SeedError, load_offer_types


class Command(BaseCommand):
    help = "Legt die Angebotsarten aus der Datendatei an oder aktualisiert sie."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=SEED_FILE)

    def handle(self, *args, file, **options):
        try:
            count = load_offer_types(file)
        except (OSError, SeedError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} Angebotsarten geladen."))
