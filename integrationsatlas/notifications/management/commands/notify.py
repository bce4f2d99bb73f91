"""`integrationsatlas notify`: create due reminders, send immediate e-mails and daily digests.

Meant for cron or a systemd timer (daily, or hourly: digests still go out once a day).
Idempotent: a reminder exists once per person and event, an e-mail goes out once per row.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from integrationsatlas.notifications import delivery, reminders


class Command(BaseCommand):
    help = "Erinnerungen anlegen und fällige Benachrichtigungen per E-Mail senden."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-mail", action="store_true", help="Nur Erinnerungen anlegen, nichts senden."
        )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        funding = reminders.funding_reminders(timezone.localdate(now))
        stale = reminders.confirmation_reminders(now)
        immediate = digests = 0
        if not options["no_mail"]:
            immediate = delivery.pending_immediate()
            digests = delivery.send_digests(now)
        self.stdout.write(
            f"Erinnerungen neu: {len(funding)} Finanzierungsende, {len(stale)} nicht bestätigt; "
            f"E-Mails gesendet: {immediate} einzeln, {digests} Zusammenfassungen."
        )
