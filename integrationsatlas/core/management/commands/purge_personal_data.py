"""`integrationsatlas purge-personal-data [--days N]`: delete old sign-in records and expired sessions."""

from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.core.retention import DEFAULT_DAYS, purge_personal_data

LABELS = {
    "access_attempts": "Anmeldeversuche",
    "access_failures": "fehlgeschlagene Anmeldungen",
    "access_logs": "Anmeldeprotokolle",
    "expired_sessions": "abgelaufene Sitzungen",
}


class Command(BaseCommand):
    help = (
        "Löscht Anmeldeversuche und -protokolle (django-axes), die älter als N Tage sind, "
        "und alle abgelaufenen Sitzungen. Für einen täglichen Lauf gedacht."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Aufbewahrungsfrist in Tagen (Vorgabe {DEFAULT_DAYS}).",
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError("--days: Die Frist darf nicht negativ sein.")
        counts = purge_personal_data(days)
        parts = ", ".join(f"{counts[key]} {label}" for key, label in LABELS.items())
        self.stdout.write(f"Gelöscht (älter als {days} Tage bzw. abgelaufen): {parts}.")
