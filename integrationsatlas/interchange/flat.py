"""The flat row format (CSV and XLSX share it): columns, cell formats, payloads to rows and back.

One row per service and site; a service with two sites has two rows with the same
`service_id` and identical service columns; a phone/online service has one row with empty
site columns. Lists are written `a|b`, weekly hours `Mo 09:00-12:00; Di 13:00-16:00`,
yes/no as `ja`/`nein`, dates as `YYYY-MM-DD`; several fundings are parallel `|` lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .problems import Problem

TRANSLATION_LANGUAGES = ("en", "ar", "uk", "ru", "fa", "tr")

# (column, German explanation for the template and the docs)
SERVICE_COLUMNS: list[tuple[str, str]] = [
    ("service_id", "Eindeutige ID des Angebots (Pflicht; bei erneutem Import wird aktualisiert)"),
    ("organization_id", "ID des Trägers (vorhandener Träger oder neue ID)"),
    ("organization_name", "Name des Trägers (Pflicht für neue Träger)"),
    ("offer_type", "Code der Angebotsart, z. B. mbe, kita, integration_course"),
    ("name", "Name des Angebots auf Deutsch (Pflicht)"),
    ("description", "Beschreibung auf Deutsch"),
]
for _lang in TRANSLATION_LANGUAGES:
    SERVICE_COLUMNS += [
        (f"name_{_lang}", f"Name in Sprache {_lang} (freiwillig)"),
        (f"description_{_lang}", f"Beschreibung in Sprache {_lang} (freiwillig)"),
    ]
SERVICE_COLUMNS += [
    (
        "target_groups",
        "Zielgruppen, getrennt mit |: all|refugees|eu_citizens|workers|families|"
        "children|youth|adults|women",
    ),
    ("languages", "Sprachen als ISO-639-Codes, getrennt mit |, z. B. de|ar|uk"),
    ("status", "active, planned oder ended"),
    ("capacity", "Kapazität in der Einheit der Angebotsart (Zahl, Dezimalpunkt)"),
    ("is_free", "kostenlos: ja oder nein"),
    ("fee_description", "Kosten (Text)"),
    ("eligibility", "Voraussetzungen (Text)"),
    ("required_documents", "Mitzubringen (Text)"),
    ("email", "E-Mail-Adresse"),
    ("phone", "Telefonnummer"),
    ("website", "Website (https://…)"),
    ("contact_name", "Ansprechperson"),
    ("by_phone", "telefonisch erreichbar: ja oder nein"),
    ("online", "online erreichbar: ja oder nein"),
    ("service_area", "Einzugsgebiet als Regionalschlüssel, getrennt mit |, z. B. 14628"),
    ("remote_hours", "Telefon-/Online-Zeiten, z. B. Mo 09:00-12:00; Do 14:00-16:00"),
    (
        "funding_level",
        "Geldgeber-Ebene: bund, land, kreis, gemeinde, eu, foundation, own "
        "(mehrere Finanzierungen: getrennt mit |, in allen funding-Spalten gleich viele)",
    ),
    ("funding_funder", "Name des Geldgebers"),
    ("funding_programme", "Programm"),
    ("funding_amount_per_year", "Betrag pro Jahr in Euro (Dezimalpunkt)"),
    ("funding_share", "Anteil am Angebot zwischen 0 und 1"),
    ("funding_start", "Beginn JJJJ-MM-TT"),
    ("funding_end", "Ende JJJJ-MM-TT (leer = Regelfinanzierung)"),
    ("demo", "Demodaten: ja oder nein"),
]
LOCATION_COLUMNS: list[tuple[str, str]] = [
    ("location_id", "Eindeutige ID des Standorts (leer bei reinen Telefon-/Online-Angeboten)"),
    ("location_name", "Name des Standorts"),
    ("address", "Straße und Hausnummer"),
    ("postal_code", "Postleitzahl (5 Ziffern)"),
    ("city", "Ort"),
    ("longitude", "Längengrad WGS84, z. B. 13.7373"),
    ("latitude", "Breitengrad WGS84, z. B. 51.0504"),
    (
        "placement",
        "Herkunft der Koordinaten: given (angegeben), map (auf der Karte gesetzt), geocoder, "
        "postal_code (Lage geschätzt aus der Postleitzahl); ohne Koordinaten wird aus PLZ und "
        "Ort geschätzt",
    ),
    ("wheelchair_accessible", "barrierefreier Zugang: ja oder nein"),
    ("accessibility_notes", "Hinweise zur Barrierefreiheit"),
    ("transit_notes", "Anfahrt"),
    ("hours", "Öffnungszeiten, z. B. Mo 09:00-12:00; Mo 13:00-16:00; Di 13:00-16:00"),
]
SERVICE_COLUMN_NAMES = [c for c, _ in SERVICE_COLUMNS]
LOCATION_COLUMN_NAMES = [c for c, _ in LOCATION_COLUMNS]
COLUMNS = SERVICE_COLUMN_NAMES + LOCATION_COLUMN_NAMES
REQUIRED_COLUMNS = {"service_id", "offer_type", "name"}
FUNDING_COLUMNS = [c for c in SERVICE_COLUMN_NAMES if c.startswith("funding_")]

WEEKDAYS = {"mo": 1, "di": 2, "mi": 3, "do": 4, "fr": 5, "sa": 6, "so": 7}
WEEKDAY_NAMES = {v: k.capitalize() for k, v in WEEKDAYS.items()}
_HOURS_ITEM = re.compile(r"^\s*([A-Za-z]{2})\s+(\S+)\s*-\s*(\S+)\s*$")
_YES = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
_NO = {"nein", "n", "no", "false", "falsch", "0", ""}


# --- writing ---------------------------------------------------------------------------------


def yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def number(value: float | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_hours(schedules: Iterable[dict[str, Any]]) -> str:
    rows = sorted(schedules, key=lambda s: (s["weekday"], s["opens_at"], s["closes_at"]))
    return "; ".join(
        f"{WEEKDAY_NAMES[s['weekday']]} {s['opens_at']}-{s['closes_at']}" for s in rows
    )


def payload_rows(payload: dict[str, Any], organization_id: str, organization_name: str) -> list:
    """The rows of one service: one per site, or one without site columns."""
    translations = payload.get("translations") or {}
    fundings = payload.get("fundings") or []
    service = {
        "service_id": payload["external_id"],
        "organization_id": organization_id,
        "organization_name": organization_name,
        "offer_type": payload["offer_type"],
        "name": payload["name"],
        "description": payload.get("description") or "",
        "target_groups": "|".join(payload.get("target_groups") or []),
        "languages": "|".join(payload.get("languages") or []),
        "status": payload.get("status") or "active",
        "capacity": number(payload.get("capacity")),
        "is_free": yes_no(payload.get("is_free", True)),
        "fee_description": payload.get("fee_description") or "",
        "eligibility": payload.get("eligibility") or "",
        "required_documents": payload.get("required_documents") or "",
        "email": payload.get("email") or "",
        "phone": payload.get("phone") or "",
        "website": payload.get("website") or "",
        "contact_name": payload.get("contact_name") or "",
        "by_phone": yes_no(payload.get("by_phone", False)),
        "online": yes_no(payload.get("online", False)),
        "service_area": "|".join(payload.get("service_area") or []),
        "remote_hours": format_hours(payload.get("remote_schedules") or []),
        "funding_level": "|".join(f["funder_level"] for f in fundings),
        "funding_funder": "|".join(f.get("funder_name") or "" for f in fundings),
        "funding_programme": "|".join(f.get("programme") or "" for f in fundings),
        "funding_amount_per_year": "|".join(f.get("amount_per_year") or "" for f in fundings),
        "funding_share": "|".join(number(f.get("share", 1.0)) for f in fundings),
        "funding_start": "|".join(f.get("start") or "" for f in fundings),
        "funding_end": "|".join(f.get("end") or "" for f in fundings),
        "demo": yes_no(payload.get("is_demo", False)),
    }
    for lang in TRANSLATION_LANGUAGES:
        entry = translations.get(lang) or {}
        service[f"name_{lang}"] = entry.get("name") or ""
        service[f"description_{lang}"] = entry.get("description") or ""
    empty_site = dict.fromkeys(LOCATION_COLUMN_NAMES, "")
    sites = []
    for loc in payload.get("locations") or []:
        sites.append(
            {
                "location_id": loc["external_id"],
                "location_name": loc.get("name") or "",
                "address": loc.get("address") or "",
                "postal_code": loc.get("postal_code") or "",
                "city": loc.get("city") or "",
                "longitude": number(loc.get("longitude")),
                "latitude": number(loc.get("latitude")),
                "placement": loc.get("placement") or "given",
                "wheelchair_accessible": yes_no(loc.get("wheelchair_accessible", False)),
                "accessibility_notes": loc.get("accessibility_notes") or "",
                "transit_notes": loc.get("transit_notes") or "",
                "hours": format_hours(loc.get("schedules") or []),
            }
        )
    return [service | site for site in sites] or [service | empty_site]


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """Reads typed values from one row, collecting a Problem per bad cell."""

    row: dict[str, str]
    number: int
    problems: list[Problem]

    def text(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.problem(column, _("Pflichtfeld ist leer."))
        return value

    def boolean(self, column: str, default: bool = False) -> bool:
        value = self.text(column).lower()
        if value in _YES:
            return True
        if value in _NO:
            return default if value == "" else False
        self.problem(column, _("„%(value)s“ ist weder ja noch nein.") % {"value": value})
        return default

    def decimal(self, column: str, value: str | None = None) -> Decimal | None:
        value = self.text(column) if value is None else value.strip()
        if not value:
            return None
        try:
            result = Decimal(value.replace(",", ".") if value.count(",") == 1 else value)
        except InvalidOperation:
            result = None
        if result is None or not result.is_finite():
            self.problem(column, _("„%(value)s“ ist keine Zahl.") % {"value": value})
            return None
        return result

    def list(self, column: str) -> list[str]:
        return [part.strip() for part in self.text(column).split("|") if part.strip()]

    def date(self, column: str, value: str) -> date | None:
        value = value.strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(
                column,
                _("„%(value)s“ ist kein Datum im Format JJJJ-MM-TT.") % {"value": value},
            )
            return None

    def hours(self, column: str) -> list[dict[str, Any]]:
        """`Mo 09:00-12:00; Di 13:00-16:00` (also `Mo 09:00-12:00, 13:00-15:00`)."""
        rows: list[dict[str, Any]] = []
        day = None
        for item in self.text(column).replace(",", ";").split(";"):
            item = item.strip()
            if not item:
                continue
            match = _HOURS_ITEM.match(item)
            if match is None and day is not None:
                match = _HOURS_ITEM.match(f"{day} {item}")
            if match is None or match.group(1).lower() not in WEEKDAYS:
                self.problem(
                    column,
                    _("„%(item)s“ ist keine Zeitangabe wie „Mo 09:00-12:00“.") % {"item": item},
                )
                continue
            day = match.group(1)
            opens, closes = _time(match.group(2)), _time(match.group(3))
            if opens is None or closes is None:
                self.problem(
                    column,
                    _("ungültige Uhrzeit in „%(item)s“ (erwartet HH:MM, 00:00–23:59).")
                    % {"item": item},
                )
                continue
            if closes <= opens:
                self.problem(column, _("Ende vor Beginn in „%(item)s“.") % {"item": item})
                continue
            rows.append(
                {
                    "weekday": WEEKDAYS[day.lower()],
                    "opens_at": opens.strftime("%H:%M"),
                    "closes_at": closes.strftime("%H:%M"),
                    "valid_from": None,
                    "valid_to": None,
                    "note": "",
                }
            )
        return sorted(rows, key=lambda s: (s["weekday"], s["opens_at"], s["closes_at"]))


def _time(value: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::00)?", value)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
