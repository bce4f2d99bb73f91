"""HSDS 3.0 JSON for exports and imports: services as the HSDS API returns them.

Writing uses the one mapping in `write.py` (the API's and the export's); this module reads
such services (and foreign HSDS data) back into import payloads: service ↔ Service,
organization ↔ Organization, service_at_locations[].location ↔ Location, schedules (freq
WEEKLY, byday) ↔ Schedule, one-day schedules without freq ↔ ScheduleException,
languages[].code ↔ languages, funding[] ↔ Funding (structured values as attributes),
service_areas[].extent (AGS) ↔ service area, attributes ↔ offer type, demo mark and the fields
HSDS has no column for. An object's HSDS id becomes its external id, unless an `external_id`
attribute carries the original one. Taxonomy names, term codes and values are those of
`vocabulary.py`, the words the writer uses.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region

from ..checks import Checker
from ..drafts import Draft
from ..flat import _time
from ..problems import ImportRefused, Problem
from .shape import shape_problems
from .vocabulary import (
    ACCESSIBLE_TEXT,
    DEMO_CODE,
    DEMO_VALUE,
    FIELD_TAXONOMY,
    FREE_TEXT,
    LIST_SEPARATOR,
    MARKER_TAXONOMY,
    NO,
    NOT_ACCESSIBLE_TEXT,
    OLD_FIELD_TAXONOMY,
    STATUS_FROM_HSDS,
    WEEKDAYS,
    WEEKLY,
    YES,
    Field,
)

# Field terms: ours, and the lower-case taxonomy name exports before the shared mapping used.
FIELD_TAXONOMIES = {FIELD_TAXONOMY, OLD_FIELD_TAXONOMY}
DAYS = list(WEEKDAYS.values())
# Yes/no values as the writer spells them, and as other tools might.
YES_WORDS = {YES, "true", "yes", "1"}
NO_WORDS = {NO, "false", "no", "0"}


# --- reading ---------------------------------------------------------------------------------


def _fields(item: dict) -> dict[str, str]:
    """Attribute values of our field taxonomy, by code."""
    values = {}
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") in FIELD_TAXONOMIES and term.get("code"):
            values[term["code"]] = str(attribute.get("value") or "")
    return values


def _is_demo(item: dict, fields: dict[str, str]) -> bool:
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == MARKER_TAXONOMY and term.get("code") == DEMO_CODE:
            return str(attribute.get("value") or "").lower() in (DEMO_VALUE, YES, "1")
    return fields.get(Field.OLD_DEMO, "").lower() == YES  # exports before the shared mapping


def _key(item: dict) -> str:
    """The external id to store: the original from the attribute, else the HSDS id."""
    return _fields(item).get(Field.EXTERNAL_ID) or str(item.get("id") or "")


def _offer_type_term(item: dict, checker: Checker) -> str | None:
    """The offer type a taxonomy term of the service names (any taxonomy but ours)."""
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") in FIELD_TAXONOMIES | {MARKER_TAXONOMY}:
            continue
        if term.get("code") in checker.offer_types:
            return term["code"]
    return None


def _is_exception(item: dict) -> bool:
    return (
        not item.get("freq")
        and bool(item.get("valid_from"))
        and item.get("valid_from") == item.get("valid_to")
    )


class _Reader:
    def __init__(self, draft: Draft, checker: Checker):
        self.draft = draft
        self.checker = checker

    def problem(self, path: str, message: str) -> None:
        self.draft.problems.append(Problem(self.draft.row, path, message))

    def warn(self, path: str, message: str) -> None:
        self.draft.warnings.append(Problem(self.draft.row, path, message))

    def text(self, value: Any, path: str, limit: int) -> str:
        """The text at `path`; longer than its database column is a problem (never cut silently)."""
        text = str(value or "")
        if len(text) > limit:
            self.problem(
                path,
                _("zu lang: %(n)s Zeichen, höchstens %(max)s erlaubt.")
                % {"n": len(text), "max": limit},
            )
        return text[:limit]

    def yes(self, values: dict, key: str, path: str, default: bool = False) -> bool:
        value = values.get(key, "").strip().lower()
        if not value:
            return default
        if value in YES_WORDS:
            return True
        if value in NO_WORDS:
            return False
        self.problem(path, _("„%(v)s“ ist weder ja noch nein.") % {"v": value})
        return default

    def date(self, value: str | None, path: str) -> str | None:
        if not value:
            return None
        try:
            return date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            self.problem(path, _("„%(v)s“ ist kein Datum JJJJ-MM-TT.") % {"v": value})
            return None

    def exceptions(self, items: list, path: str) -> list[dict[str, Any]]:
        """One-day schedules without `freq` (how exception days are written) as exceptions."""
        rows = []
        for i, item in enumerate(items or []):
            if not _is_exception(item):
                continue
            where = f"{path}[{i}]"
            day = self.date(item.get("valid_from"), f"{where}.valid_from")
            opens, closes = item.get("opens_at"), item.get("closes_at")
            o, c = _time(str(opens or "")), _time(str(closes or ""))
            if (opens or closes) and (o is None or c is None or c <= o):
                self.problem(f"{where}.opens_at", _("ungültige Uhrzeit „%(o)s“–„%(c)s“.")
                             % {"o": opens, "c": closes})  # fmt: skip
                continue
            if day:
                rows.append(
                    {
                        "date": day,
                        "closed": o is None,
                        "opens_at": o.strftime("%H:%M") if o else None,
                        "closes_at": c.strftime("%H:%M") if c else None,
                        "note": self.text(item.get("notes"), f"{where}.notes", 200),
                    }
                )
        return sorted(rows, key=lambda e: (e["date"], e["opens_at"] or "", e["note"]))

    def schedules(self, items: list, path: str) -> list[dict[str, Any]]:
        rows = []
        for i, item in enumerate(items or []):
            where = f"{path}[{i}]"
            if _is_exception(item):
                continue
            opens, closes = item.get("opens_at"), item.get("closes_at")
            if not opens and not closes:
                continue  # a described schedule without times: nothing to store
            o, c = _time(str(opens or "")), _time(str(closes or ""))
            if o is None or c is None:
                self.problem(
                    f"{where}.opens_at",
                    _("ungültige Uhrzeit „%(o)s“–„%(c)s“ (erwartet HH:MM).")
                    % {"o": opens, "c": closes},
                )
                continue
            if c <= o:
                self.problem(f"{where}.closes_at", _("Ende vor Beginn."))
                continue
            days = [d.strip().upper()[-2:] for d in str(item.get("byday") or "").split(",") if d]
            if not days:
                days = DAYS[:5] if item.get("freq") in (None, WEEKLY) else []
            for day in days:
                if day not in DAYS:
                    self.problem(f"{where}.byday", _("unbekannter Wochentag „%(d)s“.") % {"d": day})
                    continue
                valid_from = self.date(item.get("valid_from"), f"{where}.valid_from")
                valid_to = self.date(item.get("valid_to"), f"{where}.valid_to")
                if valid_from and valid_to and valid_to < valid_from:
                    self.problem(f"{where}.valid_to", _("Ende vor Beginn."))
                rows.append(
                    {
                        "weekday": DAYS.index(day) + 1,
                        "opens_at": o.strftime("%H:%M"),
                        "closes_at": c.strftime("%H:%M"),
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                        "note": self.text(item.get("notes"), f"{where}.notes", 200),
                    }
                )
        return sorted(rows, key=lambda s: (s["weekday"], s["opens_at"], s["closes_at"]))


def _offer_type(item: dict, reader: _Reader, default_offer_type: str) -> str:
    """The offer type a taxonomy term names (else the import's default), checked."""
    checker = reader.checker
    offer_type = _offer_type_term(item, checker) or default_offer_type
    if not offer_type:
        reader.problem(
            "attributes",
            _(
                "unbekannte Angebotsart: kein Taxonomie-Begriff passt (bekannt: %(known)s); "
                "beim Import eine Angebotsart vorgeben."
            )
            % {"known": ", ".join(sorted(checker.offer_types))},
        )
    elif message := checker.offer_type(offer_type):
        reader.problem("attributes", message)
    return offer_type


def _languages(item: dict, reader: _Reader) -> list[str]:
    languages: list[str] = []
    for i, language in enumerate(item.get("languages") or []):
        code = str((language or {}).get("code") or "").strip().lower()
        if message := reader.checker.language(code):
            reader.problem(f"languages[{i}].code", message)
        elif code not in languages:
            languages.append(code)
    return languages


def _status(item: dict, reader: _Reader) -> str | None:
    status = STATUS_FROM_HSDS.get(str(item.get("status") or "active"))
    if status is None:
        reader.problem("status", reader.checker.status(str(item.get("status"))) or "")
    return status


def _field_values(fields: dict[str, str], reader: _Reader) -> dict[str, Any]:
    """Target groups, capacity and translations from our field attributes, checked."""
    target_groups = [g for g in fields.get(Field.TARGET_GROUPS, "").split(LIST_SEPARATOR) if g]
    for group in target_groups:
        if message := reader.checker.target_group(group):
            reader.problem("attributes.target_groups", message)
    capacity = None
    if fields.get(Field.CAPACITY):
        try:
            capacity = float(Decimal(fields[Field.CAPACITY]))
        except InvalidOperation:
            reader.problem("attributes.capacity", _("keine Zahl."))
    translations: dict = {}
    if fields.get(Field.TRANSLATIONS):
        try:
            translations = json.loads(fields[Field.TRANSLATIONS])
        except json.JSONDecodeError:
            reader.problem("attributes.translations", _("kein gültiges JSON."))
    return {"translations": translations, "target_groups": target_groups, "capacity": capacity}


def _checked(value: Any, check, path: str, reader: _Reader) -> str:
    """An e-mail address or web address, with a problem at `path` if it is not one."""
    text = str(value or "")
    if text and (message := check(text)):
        reader.problem(path, message)
    return text


def _service_area(item: dict, reader: _Reader) -> list[str]:
    """Region keys from `extent`; a region known only by its name is found by it."""
    area = []
    for i, region in enumerate(item.get("service_areas") or []):
        key = str(region.get("extent") or "").strip()
        if not reader.checker.region(key):
            area.append(key)
            continue
        by_name = Region.objects.filter(name=region.get("name") or "").first()
        if by_name is not None:
            area.append(by_name.ags)
        else:
            reader.warn(
                f"service_areas[{i}]",
                _(
                    "ausgelassen: unbekanntes Einzugsgebiet „%(n)s“ (Regionalschlüssel in extent erwartet)."
                )
                % {"n": region.get("name") or key},
            )
    return sorted(area)


def _coordinates(location: dict, where: str, reader: _Reader) -> tuple[float | None, float | None]:
    """Longitude and latitude, checked; a valid point is kept for the inside-Saxony check."""
    lon, lat = location.get("longitude"), location.get("latitude")
    try:
        lon = None if lon is None else float(lon)
        lat = None if lat is None else float(lat)
    except (TypeError, ValueError):
        lon = lat = None
    if message := reader.checker.coordinates(lon, lat):
        reader.problem(f"{where}.latitude", message)
    else:
        reader.draft.points.append((reader.draft.row, f"{where}.latitude", lon, lat))
    return lon, lat


def _location(sal: dict, i: int, lid: str, reader: _Reader) -> dict[str, Any]:
    """One physical site of a service at location, with its hours."""
    where = f"service_at_locations[{i}].location"
    location = sal.get("location") or {}
    lon, lat = _coordinates(location, where, reader)
    address = ((location.get("addresses") or [{}]) or [{}])[0] or {}
    postal_code = str(address.get("postal_code") or "").strip()
    if not (postal_code.isdigit() and len(postal_code) == 5):
        reader.problem(
            f"{where}.addresses[0].postal_code",
            _("Postleitzahl „%(p)s“ hat nicht 5 Ziffern.") % {"p": postal_code},
        )
    schedules = f"service_at_locations[{i}].schedules"
    return {
        "id": None,
        "external_id": lid,
        "name": reader.text(location.get("name"), f"{where}.name", 300),
        "address": reader.text(address.get("address_1"), f"{where}.addresses[0].address_1", 300),
        "postal_code": postal_code,
        "city": reader.text(address.get("city"), f"{where}.addresses[0].city", 200),
        "longitude": lon,
        "latitude": lat,
        "placement": "given",
        "wheelchair_accessible": reader.yes(
            _fields(location), Field.WHEELCHAIR_ACCESSIBLE, f"{where}.attributes"
        ),
        "accessibility_notes": _accessibility_notes(location),
        "transit_notes": reader.text(
            location.get("transportation"), f"{where}.transportation", 300
        ),
        "schedules": reader.schedules(
            sal.get("schedules") or location.get("schedules") or [], schedules
        ),
        "exceptions": reader.exceptions(sal.get("schedules") or [], schedules),
    }


def _locations(item: dict, reader: _Reader) -> list[dict[str, Any]]:
    """The physical sites, by id; virtual locations only take part in the id checks."""
    draft = reader.draft
    locations = []
    seen: set[str] = set()
    for i, sal in enumerate(item.get("service_at_locations") or []):
        where = f"service_at_locations[{i}].location"
        sal = sal or {}
        lid = _key(sal.get("location") or {}) or str(sal.get("location_id") or "")
        if not lid:
            reader.problem(f"{where}.id", _("Pflichtfeld fehlt."))
        elif lid in seen:
            reader.problem(f"{where}.id", _("doppelte ID „%(id)s“.") % {"id": lid})
        seen.add(lid)
        draft.location_columns[lid] = f"{where}.id"
        if (sal.get("location") or {}).get("location_type") != "virtual":
            locations.append(_location(sal, i, lid, reader))
    return sorted(locations, key=lambda loc: loc["external_id"])


def _funding(funding: dict, where: str, reader: _Reader) -> dict[str, Any] | None:
    """One funding row from its attributes; None when it is left out or unreadable."""
    values = _fields(funding)
    if not values.get(Field.FUNDER_LEVEL):
        reader.warn(
            where,
            _(
                "ausgelassen: Finanzierung ohne Geldgeber-Ebene (Attribut funder_level: bund, land, kreis, "
                "gemeinde, eu, foundation, own); Quelle: „%(s)s“."
            )
            % {"s": str(funding.get("source") or "")[:80]},
        )
        return None
    if message := reader.checker.funder_level(values[Field.FUNDER_LEVEL]):
        reader.problem(f"{where}.funder_level", message)
    start = reader.date(values.get(Field.START), f"{where}.start")
    end = reader.date(values.get(Field.END), f"{where}.end")
    if start and end and end < start:
        reader.problem(
            f"{where}.end", _("Ende vor Beginn (%(s)s bis %(e)s).") % {"s": start, "e": end}
        )
    try:
        amount = (
            str(Decimal(values[Field.AMOUNT_PER_YEAR]).quantize(Decimal("0.01")))
            if values.get(Field.AMOUNT_PER_YEAR)
            else None
        )
        share = float(values.get(Field.SHARE) or 1)
    except (InvalidOperation, ValueError):
        reader.problem(f"{where}.amount_per_year", _("keine Zahl."))
        return None
    return {
        "funder_level": values[Field.FUNDER_LEVEL],
        "funder_name": values.get(Field.FUNDER_NAME, ""),
        "programme": values.get(Field.PROGRAMME, ""),
        "amount_per_year": amount,
        "share": share,
        "start": start,
        "end": end,
    }


def _fundings(item: dict, reader: _Reader) -> list[dict[str, Any]]:
    rows = (
        _funding(funding, f"funding[{i}]", reader)
        for i, funding in enumerate(item.get("funding") or [])
    )
    return [row for row in rows if row is not None]


def _organization(item: dict, reader: _Reader) -> None:
    """The provider's id and fields onto the draft (the import finds or creates it)."""
    draft = reader.draft
    organization = item.get("organization") or {}
    draft.organization_key = _key(organization) or str(item.get("organization_id") or "")
    draft.organization_name = reader.text(organization.get("name"), "organization.name", 300)
    description = str(organization.get("description") or "")
    # The mapping writes the name where a provider has no description.
    draft.organization_description = "" if description == draft.organization_name else description
    org_phones = organization.get("phones") or []
    draft.organization_phone = (
        reader.text((org_phones[0] or {}).get("number"), "organization.phones[0].number", 60)
        if org_phones
        else ""
    )
    for key, check in (("email", reader.checker.email), ("website", reader.checker.url)):
        value = str(organization.get(key) or "")
        if value and (message := check(value)):
            reader.problem(f"organization.{key}", message)
        elif value:
            setattr(draft, f"organization_{key}", value)


def _contact(item: dict, fields: dict[str, str], reader: _Reader) -> dict[str, Any]:
    """Fees, eligibility, documents and how to reach the service."""
    phones = item.get("phones") or []
    documents = item.get("required_documents") or []
    is_free = reader.yes(fields, Field.IS_FREE, "attributes.is_free", default=True)
    fees = reader.text(item.get("fees_description"), "fees_description", 300)
    contacts = item.get("contacts") or []
    contact_name = fields.get(Field.OLD_CONTACT_NAME) or (
        str((contacts[0] or {}).get("name") or "") if contacts else ""
    )
    return {
        "is_free": is_free,
        # The mapping writes "kostenlos" for a free service without a fee text.
        "fee_description": "" if is_free and fees == FREE_TEXT else fees,
        "eligibility": str(item.get("eligibility_description") or ""),
        "required_documents": "\n".join(str(d.get("document") or "") for d in documents),
        "email": _checked(item.get("email"), reader.checker.email, "email", reader),
        "phone": reader.text((phones[0] or {}).get("number"), "phones[0].number", 60)
        if phones
        else "",
        "website": _checked(item.get("url"), reader.checker.url, "url", reader),
        "contact_name": reader.text(contact_name, "contacts[0].name", 200),
        "by_phone": reader.yes(fields, Field.BY_PHONE, "attributes.by_phone"),
        "online": reader.yes(fields, Field.ONLINE, "attributes.online"),
    }


def _service(item: dict, position: int, checker: Checker, default_offer_type: str) -> Draft:
    """One HSDS service as an import draft: its payload and every problem with its path."""
    if not isinstance(item, dict):
        draft = Draft(key="", row=position, payload={})
        _Reader(draft, checker).problem("-", _("Eintrag ist kein JSON-Objekt."))
        return draft
    draft = Draft(key=_key(item), row=position, payload={})
    reader = _Reader(draft, checker)
    if not draft.key:
        reader.problem("id", _("Pflichtfeld fehlt."))
    if not item.get("name"):
        reader.problem("name", _("Pflichtfeld fehlt."))
    fields = _fields(item)
    offer_type = _offer_type(item, reader, default_offer_type)
    languages = _languages(item, reader)
    status = _status(item, reader)
    values = _field_values(fields, reader)
    contact = _contact(item, fields, reader)
    _organization(item, reader)
    draft.payload = {
        "external_id": draft.key,
        "offer_type": offer_type,
        "name": reader.text(item.get("name"), "name", 300),
        "description": str(item.get("description") or ""),
        "translations": values["translations"],
        "target_groups": values["target_groups"],
        "languages": languages,
        "status": status or "active",
        "capacity": values["capacity"],
        **contact,
        "service_area": _service_area(item, reader),
        "remote_schedules": reader.schedules(item.get("schedules") or [], "schedules"),
        "remote_exceptions": reader.exceptions(item.get("schedules") or [], "schedules"),
        "fundings": _fundings(item, reader),
        "is_demo": _is_demo(item, fields),
        "locations": _locations(item, reader),
    }
    return draft


def _accessibility_notes(location: dict) -> str:
    """Our notes are in `details`; foreign data may have them in `description`."""
    notes = []
    for item in location.get("accessibility") or []:
        text = str(item.get("details") or "")
        description = str(item.get("description") or "")
        if not text and description not in (ACCESSIBLE_TEXT, NOT_ACCESSIBLE_TEXT):
            text = description
        notes.append(text)
    return "\n".join(n for n in notes if n).strip()


def _wrong_types(item: Any, position: int, problems: list[tuple[str, str]]) -> Draft:
    """A draft that only carries the type problems (and ids, so no other message is added)."""
    item = item if isinstance(item, dict) else {}
    organization = item.get("organization")
    organization = organization if isinstance(organization, dict) else {}
    draft = Draft(key=str(item.get("id") or ""), row=position, payload={})
    # The draft is refused already; placeholders keep later checks from asking for the provider.
    draft.organization_key = str(organization.get("id") or item.get("organization_id") or "-")
    draft.organization_name = str(organization.get("name") or "-")
    draft.problems += [Problem(position, path, message) for path, message in problems]
    return draft


def read_hsds(data: bytes, checker: Checker, default_offer_type: str = "") -> list[Draft]:
    """A JSON list of HSDS services (or one service, or an HSDS API page with `contents`)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "-",
                    _("Die Datei ist nicht UTF-8-kodiert (Byte %(pos)s).") % {"pos": exc.start},
                )
            ]  # fmt: skip
        ) from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "-",
                    _("kein gültiges JSON (Zeile %(line)s, Spalte %(col)s).")
                    % {"line": exc.lineno, "col": exc.colno},
                )
            ]  # fmt: skip
        ) from exc
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise ImportRefused(
            [Problem(None, "-", _("erwartet wird eine Liste von HSDS-Diensten (services)."))]
        )
    drafts = []
    for position, item in enumerate(document, start=1):
        wrong_types = shape_problems(item)
        if wrong_types:
            drafts.append(_wrong_types(item, position, wrong_types))
            continue
        try:
            drafts.append(_service(item, position, checker, default_offer_type))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            # A case the type check above does not know yet: still no Python text for users.
            draft = Draft(key="", row=position, payload={})
            draft.problems.append(
                Problem(
                    position,
                    "-",
                    _(
                        "Eintrag hat einen Wert vom falschen JSON-Typ; bitte mit HSDS 3.0 vergleichen."
                    ),
                )
            )
            drafts.append(draft)
    return drafts
