"""`integrationsatlas transit`: import GTFS feeds, list editions, earliest arrival A -> B, and
the finder's precomputed travel minutes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.analysis.transit import UNREACHED, Walking, earliest_arrival
from integrationsatlas.transit import finder_times, lease
from integrationsatlas.transit.editions import import_feed, resolve_feed
from integrationsatlas.transit.errors import FeedError
from integrationsatlas.transit.gtfs import read_timetable
from integrationsatlas.transit.models import FeedEdition

_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def _point(value: str, option: str) -> tuple[float, float]:
    m = _POINT.match(value)
    lat, lon = (float(m.group(1)), float(m.group(2))) if m else (np.nan, np.nan)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CommandError(f"{option} '{value}': Breite,Länge erwartet, z. B. 51.18,14.42.")
    return lat, lon


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} '{value}': Datum im Format JJJJ-MM-TT erwartet.") from None


def _clock(value: str) -> int:
    m = re.fullmatch(r"(\d{1,2}):([0-5]\d)", value.strip())
    if not m or int(m.group(1)) > 23:
        raise CommandError(f"--depart '{value}': Uhrzeit im Format HH:MM erwartet.")
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60


class Command(BaseCommand):
    help = "Fahrpläne (GTFS): importieren, auflisten, früheste Ankunft von A nach B."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="GTFS-Feed (ZIP) prüfen und als Ausgabe ablegen")
        imp.add_argument("feed", help="Pfad zur GTFS-ZIP-Datei")
        imp.add_argument("--source", required=True, help="Quelle, z. B. 'DELFI e.V., gtfs.de'")
        imp.add_argument("--licence", required=True, help="Lizenz, z. B. 'CC BY 4.0'")
        imp.add_argument("--date", help="Stand (JJJJ-MM-TT); sonst erster Verkehrstag")
        imp.add_argument("--name", help="Name der Ausgabe; sonst aus dem Dateinamen")
        sub.add_parser("list", help="importierte Fahrplan-Ausgaben")
        times = sub.add_parser(
            "finder-times", help="Reisezeiten für die Suche vorberechnen (neue/verlegte Standorte)"
        )
        times.add_argument("--full", action="store_true", help="alle Standorte neu rechnen")
        time = sub.add_parser("time", help="früheste Ankunft von A nach B")
        time.add_argument("--feed", required=True, help="Name einer Ausgabe oder GTFS-ZIP-Datei")
        time.add_argument("--from", dest="origin", required=True, help="Start: Breite,Länge")
        time.add_argument("--to", dest="dest", required=True, help="Ziel: Breite,Länge")
        time.add_argument("--date", required=True, help="Reisetag JJJJ-MM-TT")
        time.add_argument("--depart", required=True, help="Abfahrt frühestens HH:MM")
        time.add_argument("--speed", type=float, default=4.5, help="Gehgeschwindigkeit km/h")
        time.add_argument("--detour", type=float, default=1.3, help="Umwegfaktor zur Luftlinie")
        time.add_argument("--max-walk", type=float, default=1000.0, help="Fußweg max. m Luftlinie")

    def handle(self, *args, action, **options):
        try:
            {
                "import": self._import,
                "list": self._list,
                "time": self._time,
                "finder-times": self._finder_times,
            }[action](**options)
        except FeedError as exc:
            raise CommandError(str(exc)) from exc

    def _import(self, feed, source, licence, date=None, name=None, **_):
        path = Path(feed)
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {feed}")
        ref = _date(date, "--date") if date else None
        ed = import_feed(path, source=source, licence=licence, reference_date=ref, name=name)
        self.stdout.write(
            f"Fahrplan-Ausgabe '{ed.name}' importiert: {ed.stops} Haltestellen, {ed.trips} "
            f"Fahrten, Verkehrstage {ed.first_day:%d.%m.%Y}-{ed.last_day:%d.%m.%Y}, "
            f"Stand {ed.reference_date:%d.%m.%Y}, Quelle {ed.source}, Lizenz {ed.licence}."
        )
        # The finder's minutes come from the newest edition; a failure here leaves the import.
        try:
            self._finder_times()
        except (CommandError, FeedError) as exc:
            self.stderr.write(f"Reisezeiten für die Suche nicht berechnet: {exc}")

    def _finder_times(self, full=False, **_):
        try:
            summary = finder_times.compute(full=full, say=self.stdout.write)
        except lease.AlreadyRunning:
            raise CommandError(
                "Die Reisezeiten für die Suche werden gerade berechnet (läuft bereits); "
                "später erneut starten."
            ) from None
        except lease.LeaseLost:
            raise CommandError(
                "Abgebrochen: ein anderer Lauf hat die Berechnung übernommen."
            ) from None
        self.stdout.write(
            f"Reisezeiten für die Suche ({summary.edition}, {summary.day}): "
            f"{summary.computed} von {summary.sites} Standorten "
            f"{'alle neu' if summary.full else 'neu oder verlegt'} gerechnet, "
            f"{summary.removed} entfernt, {summary.pairs} Verbindungen, "
            f"{summary.origins} Startorte, {summary.seconds:.1f} s."
        )

    def _list(self, **_):
        editions = FeedEdition.objects.all()
        if not editions:
            self.stdout.write("Keine Fahrplan-Ausgabe importiert.")
        for ed in editions:
            self.stdout.write(
                f"{ed.name}\t{ed.reference_date}\t{ed.first_day}..{ed.last_day}\t"
                f"{ed.stops} Haltestellen\t{ed.trips} Fahrten\t{ed.source}\t{ed.licence}"
            )

    def _time(self, feed, origin, dest, date, depart, speed, detour, max_walk, **_):
        o, d = _point(origin, "--from"), _point(dest, "--to")
        day, start = _date(date, "--date"), _clock(depart)
        try:
            walking = Walking(speed / 3.6, detour, max_walk, Walking.max_transfer_m)
        except ValueError as exc:
            raise CommandError("--speed > 0, --detour >= 1, --max-walk >= 0 angeben.") from exc
        path, label = resolve_feed(feed)
        tt, trips = read_timetable(path, day)
        xy = to_metric([o[1], d[1]], [o[0], d[0]])
        arrival = int(earliest_arrival(tt, xy[:1], xy[1:], start, walking)[0, 0])
        basis = (
            f"{label}; {trips} Fahrten am {day:%d.%m.%Y} und angrenzenden Verkehrstagen; "
            f"Fußweg {speed:g} km/h, Umweg x{detour:g}, max. {max_walk:g} m"
        )
        if arrival >= UNREACHED:
            self.stdout.write(f"nicht erreichbar ({basis})")
            return
        # Whole minutes, rounded up: nobody arrives before the walk is done.
        arrival_min = -(-arrival // 60)
        minutes = arrival_min - start // 60
        days, mins = divmod(arrival_min, 24 * 60)
        clock = f"{mins // 60:02d}:{mins % 60:02d}" + (
            f" (+{days} Tag{'e' if days > 1 else ''})" if days else ""
        )
        self.stdout.write(f"Ankunft {clock}, {minutes} Minuten ({basis})")
