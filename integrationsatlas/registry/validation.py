"""Check a proposed service state (a snapshot) and name every problem by its field path."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from integrationsatlas.regions.models import Region

from .languages import is_known
from .models import Funding, Organization, Service

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:00)?$")
POSTAL_CODE_PATTERN = re.compile(r"^\d{5}$")
TEXT_LIMITS = {
    "name": 300,
    "fee_description": 300,
    "phone": 60,
    "contact_name": 200,
}
LOCATION_LIMITS = {"name": 300, "address": 300, "city": 200, "transit_notes": 300}


def parse_time(value) -> dt.time | None:
    """'HH:MM' (or a time) -> time; None for empty; ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value
    match = TIME_PATTERN.match(str(value).strip())
    if not match:
        raise ValueError(value)
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_date(value) -> dt.date | None:
    """ISO 'YYYY-MM-DD' (or a date) -> date; None for empty; ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _number(value) -> float | None:
    """A finite number, or None when the value is not one (booleans are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def time(self, path: str, value, required: bool = True) -> dt.time | None:
        if value in (None, ""):
            if required:
                self.add(path, _("Bitte eine Uhrzeit angeben (SS:MM)."))
            return None
        try:
            return parse_time(value)
        except ValueError:
            self.add(path, _("„%(value)s“ ist keine gültige Uhrzeit (SS:MM).") % {"value": value})
            return None

    def date(self, path: str, value, required: bool = False) -> dt.date | None:
        if value in (None, ""):
            if required:
                self.add(path, _("Bitte ein Datum angeben (JJJJ-MM-TT)."))
            return None
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            self.add(
                path, _("„%(value)s“ ist kein gültiges Datum (JJJJ-MM-TT).") % {"value": value}
            )
            return None

    def objects(self, path: str, rows) -> Iterator[tuple[int, str, dict]]:
        """Each row of a list of objects with its index and path; a value that is not a list,
        and a row that is not an object, is named as a problem instead."""
        if not isinstance(rows, list):
            self.add(path, _("muss eine Liste sein."))
            return
        for i, row in enumerate(rows):
            here = f"{path}[{i}]"
            if not isinstance(row, dict):
                self.add(here, _("muss ein Objekt sein."))
                continue
            yield i, here, row

    def opening_times(self, here: str, row: dict) -> None:
        """Both times of a row (schedule or exception); the end must come after the beginning."""
        opens = self.time(f"{here}.opens_at", row.get("opens_at"))
        closes = self.time(f"{here}.closes_at", row.get("closes_at"))
        if opens and closes and closes <= opens:
            self.add(f"{here}.closes_at", _("Das Ende muss nach dem Beginn liegen."))

    def schedules(self, path: str, rows) -> None:
        for _i, here, row in self.objects(path, rows):
            weekday = row.get("weekday")
            if isinstance(weekday, bool) or str(weekday) not in {str(d) for d in range(1, 8)}:
                self.add(f"{here}.weekday", _("Wochentag muss 1 (Montag) bis 7 (Sonntag) sein."))
            self.opening_times(here, row)
            start = self.date(f"{here}.valid_from", row.get("valid_from"))
            end = self.date(f"{here}.valid_to", row.get("valid_to"))
            if start and end and end < start:
                self.add(f"{here}.valid_to", _("Das Ende liegt vor dem Beginn."))

    def exceptions(self, path: str, rows) -> None:
        for _i, here, row in self.objects(path, rows):
            self.date(f"{here}.date", row.get("date"), required=True)
            if not row.get("closed", True):
                self.opening_times(here, row)


def proposed_gemeinden(payload: dict) -> list[str]:
    """The Gemeinde keys the proposed sites lie in (sites with broken coordinates are skipped)."""
    from integrationsatlas.regions.locate import gemeinde_keys_at

    points = []
    for row in payload.get("locations") or []:
        if isinstance(row, dict):
            lon, lat = _number(row.get("longitude")), _number(row.get("latitude"))
            if lon is not None and lat is not None:
                points.append((lon, lat))
    if not points:
        return []
    keys = gemeinde_keys_at([p[0] for p in points], [p[1] for p in points])
    return [key for key in keys if key]


def _at_most(limit: int) -> str:
    return ngettext("höchstens %(limit)s Zeichen.", "höchstens %(limit)s Zeichen.", limit) % {
        "limit": limit
    }


def _land_name() -> str:
    land = Region.objects.filter(level=Region.Level.LAND).order_by("ags").first()
    return land.name if land else _("dem geladenen Land")


def _check_service_fields(check: _Checker, payload: dict) -> None:
    _check_texts(check, payload)
    _check_offer_type(check, payload.get("offer_type"))
    _check_organization(check, payload.get("organization"))
    if payload.get("status", "active") not in Service.Status.values:
        check.add("status", _("Unbekannter Status „%(value)s“.") % {"value": payload.get("status")})
    _check_target_groups(check, payload.get("target_groups") or [])
    _check_languages(check, payload.get("languages") or [])
    _check_capacity(check, payload.get("capacity"))
    _check_contact(check, payload)
    translations = payload.get("translations") or {}
    if not isinstance(translations, dict):
        check.add("translations", _("muss ein Objekt sein."))


def _check_texts(check: _Checker, payload: dict) -> None:
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip():
        check.add("name", _("Bitte einen Namen angeben."))
    for field, limit in TEXT_LIMITS.items():
        value = payload.get(field)
        if isinstance(value, str) and len(value) > limit:
            check.add(field, _at_most(limit))


def _check_offer_type(check: _Checker, code: Any) -> None:
    from integrationsatlas.taxonomy.models import OfferType

    if not code:
        check.add("offer_type", _("Bitte eine Angebotsart wählen."))
    elif not OfferType.objects.filter(code=str(code)).exists():
        check.add("offer_type", _("Unbekannte Angebotsart „%(code)s“.") % {"code": code})


def _check_organization(check: _Checker, organization: Any) -> None:
    if organization in (None, ""):
        return
    try:
        exists = Organization.objects.filter(pk=int(organization)).exists()
    except (TypeError, ValueError):
        exists = False
    if not exists:
        check.add("organization", _("Diesen Träger gibt es nicht."))


def _check_target_groups(check: _Checker, groups: Any) -> None:
    if not isinstance(groups, list):
        check.add("target_groups", _("muss eine Liste sein."))
        return
    for group in groups:
        if group not in Service.TargetGroup.values:
            check.add("target_groups", _("Unbekannte Zielgruppe „%(value)s“.") % {"value": group})


def _check_languages(check: _Checker, languages: Any) -> None:
    if not isinstance(languages, list):
        check.add("languages", _("muss eine Liste sein."))
        return
    for code in languages:
        if not isinstance(code, str) or not is_known(code):
            check.add(
                "languages",
                _("Unbekannter Sprachcode „%(code)s“ (ISO 639 erwartet, z. B. ar, uk, prs).")
                % {"code": code},
            )


def _check_capacity(check: _Checker, capacity: Any) -> None:
    if capacity in (None, ""):
        return
    number = _number(capacity)
    if number is None or number < 0:
        check.add("capacity", _("Kapazität muss eine Zahl ab 0 sein."))


def _check_contact(check: _Checker, payload: dict) -> None:
    email = payload.get("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.add(
                "email", _("„%(value)s“ ist keine gültige E-Mail-Adresse.") % {"value": email}
            )
    website = payload.get("website")
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            check.add(
                "website",
                _("„%(value)s“ ist keine gültige Web-Adresse (mit https://).") % {"value": website},
            )


def _check_locations(check: _Checker, payload: dict) -> None:
    inside: list[int] = []
    points: list[tuple[float, float]] = []
    for i, here, row in check.objects("locations", payload.get("locations") or []):
        for field in ("address", "city"):
            if not str(row.get(field) or "").strip():
                check.add(f"{here}.{field}", _("Pflichtangabe."))
        for field, limit in LOCATION_LIMITS.items():
            if len(str(row.get(field) or "")) > limit:
                check.add(f"{here}.{field}", _at_most(limit))
        if not POSTAL_CODE_PATTERN.match(str(row.get("postal_code") or "")):
            check.add(f"{here}.postal_code", _("Postleitzahl muss aus fünf Ziffern bestehen."))
        lon, lat = _number(row.get("longitude")), _number(row.get("latitude"))
        missing = row.get("longitude") in (None, "") and row.get("latitude") in (None, "")
        if missing:
            check.add(
                f"{here}.longitude",
                _(
                    "Die Lage fehlt: bitte auf der Karte setzen, Koordinaten angeben oder eine "
                    "sächsische Postleitzahl eintragen (dann wird die Lage geschätzt)."
                ),
            )
        elif lon is None or not -180 <= lon <= 180:
            check.add(
                f"{here}.longitude",
                _("„%(value)s“ ist keine gültige Länge (WGS84, −180 bis 180).")
                % {"value": row.get("longitude")},
            )
        if not missing and (lat is None or not -90 <= lat <= 90):
            check.add(
                f"{here}.latitude",
                _("„%(value)s“ ist keine gültige Breite (WGS84, −90 bis 90).")
                % {"value": row.get("latitude")},
            )
        if lon is not None and lat is not None and -180 <= lon <= 180 and -90 <= lat <= 90:
            inside.append(i)
            points.append((lon, lat))
        check.schedules(f"{here}.schedules", row.get("schedules") or [])
        check.exceptions(f"{here}.exceptions", row.get("exceptions") or [])
    if points:
        from integrationsatlas.regions.locate import gemeinde_keys_at

        keys = gemeinde_keys_at([p[0] for p in points], [p[1] for p in points])
        for i, key in zip(inside, keys, strict=True):
            if key is None:
                check.add(
                    f"locations[{i}].longitude",
                    _("Der Standort liegt außerhalb von %(land)s (Länge/Breite vertauscht?).")
                    % {"land": _land_name()},
                )


def _check_area_and_reach(check: _Checker, payload: dict) -> None:
    area = payload.get("service_area") or []
    if not isinstance(area, list):
        check.add("service_area", _("muss eine Liste sein."))
        return
    keys = [str(key) for key in area]
    known = set(Region.objects.filter(ags__in=keys).values_list("ags", flat=True))
    for key in keys:
        if key not in known:
            check.add("service_area", _("Unbekannter Regionalschlüssel „%(key)s“.") % {"key": key})
    has_sites = bool(payload.get("locations"))
    remote = bool(payload.get("by_phone")) or bool(payload.get("online"))
    if not has_sites and not remote:
        check.add(
            "locations",
            _("Bitte mindestens einen Standort angeben oder „telefonisch“/„online“ wählen."),
        )
    if not has_sites and remote and not keys:
        check.add(
            "service_area",
            _("Ein Angebot ohne Standort braucht ein Einzugsgebiet (welche Regionen es bedient)."),
        )


def _check_fundings(check: _Checker, payload: dict) -> None:
    for _i, here, row in check.objects("fundings", payload.get("fundings") or []):
        if row.get("funder_level") not in Funding.FunderLevel.values:
            check.add(
                f"{here}.funder_level",
                _("Unbekannte Geldgeber-Ebene „%(value)s“.") % {"value": row.get("funder_level")},
            )
        amount = row.get("amount_per_year")
        if amount not in (None, ""):
            number = _number(amount)
            if number is None or number < 0 or number >= 1e12:
                check.add(f"{here}.amount_per_year", _("Betrag muss eine Zahl ab 0 sein."))
        share = row.get("share")
        if share not in (None, ""):
            number = _number(share)
            if number is None or not 0 <= number <= 1:
                check.add(f"{here}.share", _("Anteil muss zwischen 0 und 1 liegen (z. B. 0,5)."))
        start = check.date(f"{here}.start", row.get("start"))
        end = check.date(f"{here}.end", row.get("end"))
        if start and end and end < start:
            check.add(f"{here}.end", _("Das Ende liegt vor dem Beginn."))


def _check_nul(check: _Checker, value: Any, path: str) -> None:
    """PostgreSQL cannot store NUL characters: name every text that holds one."""
    if isinstance(value, str):
        if "\x00" in value:
            check.add(path or "service", _("NUL-Zeichen sind nicht erlaubt."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_nul(check, item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_nul(check, item, f"{path}[{index}]")


def validate_snapshot(payload: Any) -> list[str]:
    """Every problem of a proposed service state, each starting with the field path."""
    check = _Checker()
    if not isinstance(payload, dict):
        check.add("service", _("muss ein Objekt sein."))
        return check.problems
    _check_nul(check, payload, "")
    _check_service_fields(check, payload)
    _check_locations(check, payload)
    check.schedules("remote_schedules", payload.get("remote_schedules") or [])
    check.exceptions("remote_exceptions", payload.get("remote_exceptions") or [])
    _check_area_and_reach(check, payload)
    _check_fundings(check, payload)
    return check.problems
