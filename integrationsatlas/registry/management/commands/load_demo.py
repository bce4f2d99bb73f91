"""`integrationsatlas load-demo`: create (or replace) the deterministic demo registry."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from integrationsatlas.registry.demo import DEFAULT_SEED, create_demo_users, load_demo
from integrationsatlas.registry.models import Service


class Command(BaseCommand):
    help = (
        "Legt Demo-Angebote für alle Kreise an (als Demo gekennzeichnet). Ein zweiter Lauf "
        "ersetzt die Demodaten, echte Daten bleiben unberührt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Zufallsstartwert")
        parser.add_argument(
            "--services",
            type=int,
            default=None,
            help="Demo auf ungefähr so viele Angebote verkleinern (für schnelle Läufe); ohne "
            "diese Angabe hat die Demo die Größenordnung der veröffentlichten Zahlen",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nichts tun, wenn schon Angebote (echte oder Demo) vorhanden sind.",
        )
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Auch die Demo-Konten demo-traeger, demo-koordination, demo-admin anlegen "
            "(Passwort aus DEMO_PASSWORD, sonst erzeugt und einmal ausgegeben).",
        )

    def handle(self, *args, seed, services, if_empty, with_users, **options):
        if if_empty and Service.objects.exists():
            self.stdout.write("Angebote vorhanden: keine Demodaten geladen.")
            return
        try:
            summary = load_demo(seed, target=services)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        types = Service.objects.filter(is_demo=True).aggregate(n=Count("offer_type", distinct=True))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodaten geladen (Seed {seed}): {summary.services} Angebote in "
                f"{len(summary.per_kreis)} Kreisen, {types['n']} Angebotsarten, "
                f"{summary.organizations} Träger, {summary.locations} Standorte, "
                f"{summary.schedules} Öffnungszeiten, {summary.fundings} Finanzierungen, "
                f"{summary.indicator_values} Demo-Kennzahlen (children_under_6), "
                f"{summary.language_values} Demo-Sprachkennzahlen (foreign_language_*)."
            )
        )
        if with_users:
            try:
                users = create_demo_users()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write("Demo-Konten: " + ", ".join(users))
            if not os.environ.get("DEMO_PASSWORD"):
                self.stdout.write(
                    f"Erzeugtes Passwort (nur jetzt sichtbar): {next(iter(users.values()))}"
                )
