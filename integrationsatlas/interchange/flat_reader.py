"""Turn rows of the flat format into service drafts, with a problem per bad cell."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.registry.models import Placement

from .checks import Checker
from .drafts import Draft
from .flat import (
    COLUMNS,
    FUNDING_COLUMNS,
    LOCATION_COLUMN_NAMES,
    REQUIRED_COLUMNS,
    SERVICE_COLUMN_NAMES,
    TRANSLATION_LANGUAGES,
    Cell,
)
from .problems import ImportRefused, Problem

_CENT = Decimal("0.01")


def _header_label(position: int, column: str) -> str:
    """How a header cell is named in a message; an empty cell is named by its position."""
    return column if column.strip() else _("Spalte %(number)d (ohne Namen)") % {"number": position}


def check_header(header: list[str]) -> None:
    problems = [
        Problem(1, column, _("Pflichtspalte fehlt."))
        for column in sorted(REQUIRED_COLUMNS - set(header))
    ]
    problems += [
        Problem(
            1,
            _header_label(position, column),
            _("unbekannte Spalte (Vorlage herunterladen, um die Spalten zu sehen)."),
        )
        for position, column in enumerate(header, start=1)
        if column not in COLUMNS
    ]
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if column in seen:
            problems.append(
                Problem(1, _header_label(position, column), _("Spalte kommt doppelt vor."))
            )
        seen.add(column)
    if problems:
        raise ImportRefused(problems)


def _fundings(cell: Cell, checker: Checker) -> list[dict[str, Any]]:
    lists = {c: cell.text(c).split("|") if cell.text(c) else [] for c in FUNDING_COLUMNS}
    count = len(lists["funding_level"])
    for column, values in lists.items():
        if values and len(values) != count:
            cell.problem(
                column,
                _(
                    "%(n)s Einträge, aber %(m)s Geldgeber-Ebenen: jede Finanzierung braucht "
                    "in jeder funding-Spalte einen Eintrag (leer lassen mit ||)."
                )
                % {"n": len(values), "m": count},
            )
            return []
    fundings = []
    for i in range(count):

        def value(column: str, i: int = i) -> str:
            return lists[column][i].strip() if lists[column] else ""

        level = value("funding_level")
        if message := checker.funder_level(level):
            cell.problem("funding_level", message)
        start = cell.date("funding_start", value("funding_start"))
        end = cell.date("funding_end", value("funding_end"))
        if start and end and end < start:
            cell.problem(
                "funding_end",
                _("Ende vor Beginn (%(start)s bis %(end)s).") % {"start": start, "end": end},
            )
        amount = cell.decimal("funding_amount_per_year", value("funding_amount_per_year"))
        if amount is not None and amount < 0:
            cell.problem("funding_amount_per_year", _("Betrag darf nicht negativ sein."))
        share_text = value("funding_share")
        share = cell.decimal("funding_share", share_text) if share_text else None
        if share is not None and not 0 <= share <= 1:
            cell.problem("funding_share", _("Anteil muss zwischen 0 und 1 liegen."))
        fundings.append(
            {
                "funder_level": level,
                "funder_name": value("funding_funder"),
                "programme": value("funding_programme"),
                "amount_per_year": None if amount is None else str(amount.quantize(_CENT)),
                "share": 1.0 if share is None else float(share),
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
            }
        )
    return fundings


def _service_part(cell: Cell, checker: Checker) -> dict[str, Any]:
    offer_type = cell.required("offer_type")
    if offer_type and (message := checker.offer_type(offer_type)):
        cell.problem("offer_type", message)
    languages = cell.list("languages")
    for code in languages:
        if message := checker.language(code):
            cell.problem("languages", message)
    for group in cell.list("target_groups"):
        if message := checker.target_group(group):
            cell.problem("target_groups", message)
    status = cell.text("status") or "active"
    if message := checker.status(status):
        cell.problem("status", message)
    area = cell.list("service_area")
    for ags in area:
        if message := checker.region(ags):
            cell.problem("service_area", message)
    for column, check in (("email", checker.email), ("website", checker.url)):
        if cell.text(column) and (message := check(cell.text(column))):
            cell.problem(column, message)
    capacity = cell.decimal("capacity")
    if capacity is not None and capacity < 0:
        cell.problem("capacity", _("Kapazität darf nicht negativ sein."))
    translations = {}
    for lang in TRANSLATION_LANGUAGES:
        entry = {
            key: cell.text(f"{key}_{lang}")
            for key in ("name", "description")
            if cell.text(f"{key}_{lang}")
        }
        if entry:
            translations[lang] = entry
    return {
        "external_id": cell.required("service_id"),
        "offer_type": offer_type,
        "name": cell.required("name"),
        "description": cell.text("description"),
        "translations": translations,
        "target_groups": cell.list("target_groups"),
        "languages": languages,
        "status": status,
        "capacity": None if capacity is None else float(capacity),
        "is_free": cell.boolean("is_free", default=True),
        "fee_description": cell.text("fee_description"),
        "eligibility": cell.text("eligibility"),
        "required_documents": cell.text("required_documents"),
        "email": cell.text("email"),
        "phone": cell.text("phone"),
        "website": cell.text("website"),
        "contact_name": cell.text("contact_name"),
        "by_phone": cell.boolean("by_phone"),
        "online": cell.boolean("online"),
        "service_area": sorted(area),
        "remote_schedules": cell.hours("remote_hours"),
        "remote_exceptions": [],
        "fundings": _fundings(cell, checker),
        "is_demo": cell.boolean("demo"),
    }


def _location_part(cell: Cell, checker: Checker, draft: Draft) -> dict[str, Any] | None:
    if not any(cell.text(c) for c in LOCATION_COLUMN_NAMES):
        return None
    location_id = cell.required("location_id")
    lon = cell.decimal("longitude")
    lat = cell.decimal("latitude")
    lon_f = None if lon is None else float(lon)
    lat_f = None if lat is None else float(lat)
    placement = _placement(cell)
    # No coordinates at all: placed from postal code and place (`placement.place_drafts`).
    unplaced = not (cell.text("longitude") or cell.text("latitude"))
    if not unplaced and (message := checker.coordinates(lon_f, lat_f)):
        cell.problem("latitude" if lon_f is not None and lat_f is None else "longitude", message)
    elif not unplaced and lon_f is not None and lat_f is not None:
        draft.points.append((cell.number, "longitude", lon_f, lat_f))
    postal_code = cell.required("postal_code")
    if postal_code and not (postal_code.isdigit() and len(postal_code) == 5):
        cell.problem("postal_code", _("Postleitzahl hat nicht 5 Ziffern."))
    location = {
        "id": None,
        "external_id": location_id,
        "name": cell.text("location_name"),
        "address": cell.required("address"),
        "postal_code": postal_code,
        "city": cell.required("city"),
        "longitude": lon_f,
        "latitude": lat_f,
        "placement": placement,
        "wheelchair_accessible": cell.boolean("wheelchair_accessible"),
        "accessibility_notes": cell.text("accessibility_notes"),
        "transit_notes": cell.text("transit_notes"),
        "schedules": cell.hours("hours"),
        "exceptions": [],
    }
    if unplaced:
        draft.unplaced.append((cell.number, location))
    return location


def _placement(cell: Cell) -> str:
    """The `placement` column: how the coordinates were found (empty = given)."""
    value = cell.text("placement") or Placement.GIVEN
    if value not in Placement.values:
        cell.problem(
            "placement",
            _("unbekannter Wert „%(value)s“ (erlaubt: %(known)s).")
            % {"value": value, "known": ", ".join(Placement.values)},
        )
        return Placement.GIVEN
    return value


def read_drafts(rows: list[tuple[int, dict[str, str]]], checker: Checker) -> list[Draft]:
    """Group rows by service_id; rows of one service must agree on every service column."""
    drafts: dict[str, Draft] = {}
    service_values: dict[str, tuple[int, dict[str, str]]] = {}
    seen_sites: dict[tuple[str, str], int] = {}
    location_values: dict[str, tuple[int, dict[str, str]]] = {}
    orphans: list[Draft] = []
    for number_, row in rows:
        problems: list[Problem] = []
        cell = Cell(row, number_, problems)
        key = cell.text("service_id")
        service = _service_part(cell, checker)
        draft = drafts.get(key) if key else None
        if draft is None:
            draft = Draft(
                key=key,
                row=number_,
                payload=service | {"locations": []},
                organization_key=cell.text("organization_id"),
                organization_name=cell.text("organization_name"),
            )
            if key:
                drafts[key] = draft
                service_values[key] = (number_, {c: cell.text(c) for c in SERVICE_COLUMN_NAMES})
            else:
                orphans.append(draft)
        else:
            first_row, first = service_values[key]
            for column in SERVICE_COLUMN_NAMES:
                if cell.text(column) != first[column]:
                    cell.problem(
                        column,
                        _(
                            "weicht von Zeile %(row)s desselben Angebots ab (alle Zeilen eines "
                            "Angebots brauchen dieselben Angebotsspalten)."
                        )
                        % {"row": first_row},
                    )
        location = _location_part(cell, checker, draft)
        if location is not None:
            site_key = (key, location["external_id"])
            if location["external_id"] and site_key in seen_sites:
                cell.problem(
                    "location_id",
                    _(
                        "doppelte ID: Angebot „%(s)s“ mit Standort „%(l)s“ steht schon in "
                        "Zeile %(row)s."
                    )
                    % {"s": key, "l": location["external_id"], "row": seen_sites[site_key]},
                )
            else:
                seen_sites[site_key] = number_
                site_values = {c: cell.text(c) for c in LOCATION_COLUMN_NAMES if c != "hours"}
                earlier = location_values.get(location["external_id"])
                if earlier and earlier[1] != site_values:
                    cell.problem(
                        "location_id",
                        _("doppelte ID: Standort „%(l)s“ hat in Zeile %(row)s andere Angaben.")
                        % {"l": location["external_id"], "row": earlier[0]},
                    )
                location_values.setdefault(location["external_id"], (number_, site_values))
                draft.payload["locations"].append(location)
        elif draft.payload["locations"] and key:
            cell.problem(
                "location_id",
                _("doppelte ID: Angebot „%(s)s“ hat schon Standorte, diese Zeile hat keinen.")
                % {"s": key},
            )
        draft.problems += problems
    for draft in drafts.values():
        draft.payload["locations"].sort(key=lambda loc: loc["external_id"])
    return [*drafts.values(), *orphans]
