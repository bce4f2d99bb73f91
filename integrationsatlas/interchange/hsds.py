"""HSDS 3.0 JSON: services as the HSDS API returns them, written from and read into payloads.

Mapping: service ↔ Service, organization ↔ Organization, service_at_locations[].location ↔
Location, schedules (freq WEEKLY, byday) ↔ Schedule, languages[].code ↔ languages,
funding[] ↔ Funding (structured values as attributes), service_areas[].extent (AGS) ↔ service
area, attributes with a taxonomy_term ↔ the offer type and the fields HSDS has no column for.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import OfferType

from .checks import Checker
from .drafts import Draft
from .flat import _time
from .problems import ImportRefused, Problem

TAXONOMY_TYPES = "integrationsatlas-angebotsarten"
TAXONOMY_FIELDS = "integrationsatlas-felder"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
STATUS_TO_HSDS = {"active": "active", "planned": "inactive", "ended": "defunct"}
STATUS_FROM_HSDS = {
    "active": "active",
    "inactive": "planned",
    "temporarily closed": "planned",
    "defunct": "ended",
}
FIELD_NAMES = {
    "capacity": "Kapazität in der Einheit der Angebotsart",
    "target_groups": "Zielgruppen (mit | getrennt)",
    "is_free": "kostenlos (ja/nein)",
    "by_phone": "telefonisch erreichbar (ja/nein)",
    "online": "online erreichbar (ja/nein)",
    "demo": "Demodaten (ja/nein)",
    "translations": "Übersetzungen (JSON)",
    "contact_name": "Ansprechperson",
    "wheelchair_accessible": "barrierefreier Zugang (ja/nein)",
    "funder_level": "Geldgeber-Ebene",
    "funder_name": "Geldgeber",
    "programme": "Programm",
    "amount_per_year": "Betrag pro Jahr (EUR)",
    "share": "Anteil am Angebot",
    "start": "Beginn",
    "end": "Ende",
}


# --- writing ---------------------------------------------------------------------------------


def _attribute(owner_id: str, code: str, value: str) -> dict[str, Any]:
    return {
        "id": f"{owner_id}-{code}",
        "link_id": owner_id,
        "link_type": "integrationsatlas",
        "value": value,
        "taxonomy_term": {
            "id": f"ia-field-{code}",
            "code": code,
            "name": code,
            "description": FIELD_NAMES.get(code, code),
            "taxonomy": TAXONOMY_FIELDS,
        },
    }


def _yes(value: bool) -> str:
    return "ja" if value else "nein"


def _number(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _schedules(rows: list[dict], owner_id: str, **links: str) -> list[dict[str, Any]]:
    result = []
    for index, row in enumerate(rows):
        item = {
            "id": f"{owner_id}-schedule-{index + 1}",
            **links,
            "freq": "WEEKLY",
            "byday": DAYS[row["weekday"] - 1],
            "opens_at": row["opens_at"],
            "closes_at": row["closes_at"],
        }
        if row.get("valid_from"):
            item["valid_from"] = row["valid_from"]
        if row.get("valid_to"):
            item["valid_to"] = row["valid_to"]
        if row.get("note"):
            item["notes"] = row["note"]
        result.append(item)
    return result


def hsds_service(service, payload: dict[str, Any], offer_types: dict[str, OfferType]) -> dict:
    sid = payload["external_id"]
    org = service.organization
    org_id = org.external_id or f"ia-organization-{org.pk}"
    offer_type = offer_types[payload["offer_type"]]
    attributes = [
        {
            "id": f"{sid}-offer-type",
            "link_id": sid,
            "link_type": "integrationsatlas",
            "value": offer_type.code,
            "taxonomy_term": {
                "id": f"ia-offer-type-{offer_type.code}",
                "code": offer_type.code,
                "name": offer_type.name_in("de"),
                "description": (offer_type.descriptions or {}).get("de")
                or offer_type.name_in("de"),
                "taxonomy": TAXONOMY_TYPES,
            },
        },
        _attribute(sid, "capacity", _number(payload.get("capacity"))),
        _attribute(sid, "target_groups", "|".join(payload.get("target_groups") or [])),
        _attribute(sid, "is_free", _yes(payload.get("is_free", True))),
        _attribute(sid, "by_phone", _yes(payload.get("by_phone", False))),
        _attribute(sid, "online", _yes(payload.get("online", False))),
        _attribute(sid, "demo", _yes(payload.get("is_demo", False))),
        _attribute(sid, "contact_name", payload.get("contact_name") or ""),
        _attribute(
            sid,
            "translations",
            json.dumps(payload.get("translations") or {}, ensure_ascii=False, sort_keys=True),
        ),
    ]
    regions = {r.ags: r.name for r in Region.objects.filter(ags__in=payload["service_area"])}
    document: dict[str, Any] = {
        "id": sid,
        "organization_id": org_id,
        "name": payload["name"],
        "description": payload.get("description") or "",
        "url": payload.get("website") or None,
        "email": payload.get("email") or None,
        "status": STATUS_TO_HSDS[payload.get("status") or "active"],
        "fees_description": payload.get("fee_description") or "",
        "eligibility_description": payload.get("eligibility") or "",
        "phones": [{"id": f"{sid}-phone", "service_id": sid, "number": payload["phone"]}]
        if payload.get("phone")
        else [],
        "schedules": _schedules(payload.get("remote_schedules") or [], sid, service_id=sid),
        "service_areas": [
            {
                "id": f"{sid}-area-{ags}",
                "service_id": sid,
                "name": regions.get(ags, ags),
                "description": f"Regionalschlüssel {ags}",
                "extent": ags,
                "extent_type": "ags",
            }
            for ags in payload.get("service_area") or []
        ],
        "service_at_locations": [],
        "languages": [
            {"id": f"{sid}-language-{code}", "service_id": sid, "code": code}
            for code in payload.get("languages") or []
        ],
        "organization": {
            "id": org_id,
            "name": org.name,
            "description": org.description or org.name,
            "email": org.email or None,
            "website": org.website or None,
        },
        "funding": [],
        "required_documents": [
            {"id": f"{sid}-documents", "service_id": sid, "document": payload["required_documents"]}
        ]
        if payload.get("required_documents")
        else [],
        "attributes": attributes,
    }
    for key in ("url", "email"):
        if document[key] is None:
            del document[key]
    for key in ("email", "website"):
        if document["organization"][key] is None:
            del document["organization"][key]
    for loc in payload.get("locations") or []:
        lid = loc["external_id"]
        sal_id = f"{sid}@{lid}"
        location = {
            "id": lid,
            "location_type": "physical",
            "organization_id": org_id,
            "name": loc.get("name") or "",
            "transportation": loc.get("transit_notes") or "",
            "latitude": loc["latitude"],
            "longitude": loc["longitude"],
            "addresses": [
                {
                    "id": f"{lid}-address",
                    "location_id": lid,
                    "address_1": loc.get("address") or "",
                    "city": loc.get("city") or "",
                    "state_province": "Sachsen",
                    "postal_code": loc.get("postal_code") or "",
                    "country": "DE",
                    "address_type": "physical",
                }
            ],
            "accessibility": [
                {
                    "id": f"{lid}-accessibility",
                    "location_id": lid,
                    "description": loc.get("accessibility_notes") or "",
                }
            ]
            if loc.get("accessibility_notes")
            else [],
            "attributes": [
                _attribute(lid, "wheelchair_accessible", _yes(loc.get("wheelchair_accessible")))
            ],
        }
        document["service_at_locations"].append(
            {
                "id": sal_id,
                "service_id": sid,
                "location_id": lid,
                "schedules": _schedules(
                    loc.get("schedules") or [], sal_id, service_at_location_id=sal_id
                ),
                "location": location,
            }
        )
    for index, funding in enumerate(payload.get("fundings") or []):
        fid = f"{sid}-funding-{index + 1}"
        period = f"{funding.get('start') or '…'} bis {funding.get('end') or 'unbefristet'}"
        document["funding"].append(
            {
                "id": fid,
                "service_id": sid,
                "source": f"{funding['funder_level']}: {funding.get('funder_name') or ''} – "
                f"{funding.get('programme') or ''} ({period})",
                "attributes": [
                    _attribute(
                        fid,
                        key,
                        _number(funding[key]) if key == "share" else (funding.get(key) or ""),
                    )
                    for key in (
                        "funder_level",
                        "funder_name",
                        "programme",
                        "amount_per_year",
                        "share",
                        "start",
                        "end",
                    )
                ],
            }
        )
    return document


def hsds_services(pairs) -> list[dict[str, Any]]:
    offer_types = {t.code: t for t in OfferType.objects.all()}
    return [hsds_service(service, payload, offer_types) for service, payload in pairs]


# --- reading ---------------------------------------------------------------------------------


def _fields(item: dict) -> dict[str, str]:
    """Attribute values of our field taxonomy, by code."""
    values = {}
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == TAXONOMY_FIELDS and term.get("code"):
            values[term["code"]] = str(attribute.get("value") or "")
    return values


def _offer_type(item: dict, checker: Checker) -> str | None:
    for attribute in item.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("code") in checker.offer_types:
            return term["code"]
    return None


class _Reader:
    def __init__(self, draft: Draft, checker: Checker):
        self.draft = draft
        self.checker = checker

    def problem(self, path: str, message: str) -> None:
        self.draft.problems.append(Problem(self.draft.row, path, message))

    def warn(self, path: str, message: str) -> None:
        self.draft.warnings.append(Problem(self.draft.row, path, message))

    def yes(self, values: dict, key: str, path: str, default: bool = False) -> bool:
        value = values.get(key, "").strip().lower()
        if not value:
            return default
        if value in {"ja", "true", "yes", "1"}:
            return True
        if value in {"nein", "false", "no", "0"}:
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

    def schedules(self, items: list, path: str) -> list[dict[str, Any]]:
        rows = []
        for i, item in enumerate(items or []):
            where = f"{path}[{i}]"
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
                days = DAYS[:5] if item.get("freq") in (None, "WEEKLY") else []
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
                        "note": str(item.get("notes") or "")[:200],
                    }
                )
        return sorted(rows, key=lambda s: (s["weekday"], s["opens_at"], s["closes_at"]))


def _service(item: dict, position: int, checker: Checker, default_offer_type: str) -> Draft:
    draft = Draft(key=str(item.get("id") or ""), row=position, payload={})
    reader = _Reader(draft, checker)
    if not isinstance(item, dict):
        reader.problem("", _("Eintrag ist kein JSON-Objekt."))
        return draft
    if not draft.key:
        reader.problem("id", _("Pflichtfeld fehlt."))
    if not item.get("name"):
        reader.problem("name", _("Pflichtfeld fehlt."))
    fields = _fields(item)
    offer_type = _offer_type(item, checker) or default_offer_type
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
    languages = []
    for i, language in enumerate(item.get("languages") or []):
        code = str((language or {}).get("code") or "").strip().lower()
        if message := checker.language(code):
            reader.problem(f"languages[{i}].code", message)
        elif code not in languages:
            languages.append(code)
    status = STATUS_FROM_HSDS.get(str(item.get("status") or "active"))
    if status is None:
        reader.problem("status", checker.status(str(item.get("status"))) or "")
    target_groups = [g for g in fields.get("target_groups", "").split("|") if g]
    for group in target_groups:
        if message := checker.target_group(group):
            reader.problem("attributes.target_groups", message)
    capacity = None
    if fields.get("capacity"):
        try:
            capacity = float(Decimal(fields["capacity"]))
        except InvalidOperation:
            reader.problem("attributes.capacity", _("keine Zahl."))
    translations: dict = {}
    if fields.get("translations"):
        try:
            translations = json.loads(fields["translations"])
        except json.JSONDecodeError:
            reader.problem("attributes.translations", _("kein gültiges JSON."))
    email = str(item.get("email") or "")
    if email and (message := checker.email(email)):
        reader.problem("email", message)
    website = str(item.get("url") or "")
    if website and (message := checker.url(website)):
        reader.problem("url", message)
    area = []
    for i, region in enumerate(item.get("service_areas") or []):
        key = str(region.get("extent") or "").strip()
        if not checker.region(key):
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
    locations = []
    seen_locations: set[str] = set()
    for i, sal in enumerate(item.get("service_at_locations") or []):
        where = f"service_at_locations[{i}].location"
        location = (sal or {}).get("location") or {}
        lid = str(location.get("id") or sal.get("location_id") or "")
        if not lid:
            reader.problem(f"{where}.id", _("Pflichtfeld fehlt."))
        elif lid in seen_locations:
            reader.problem(f"{where}.id", _("doppelte ID „%(id)s“.") % {"id": lid})
        seen_locations.add(lid)
        if location.get("location_type") == "virtual":
            continue
        lon, lat = location.get("longitude"), location.get("latitude")
        try:
            lon = None if lon is None else float(lon)
            lat = None if lat is None else float(lat)
        except (TypeError, ValueError):
            lon = lat = None
        if message := checker.coordinates(lon, lat):
            reader.problem(f"{where}.latitude", message)
        else:
            draft.points.append((position, f"{where}.latitude", lon, lat))
        address = ((location.get("addresses") or [{}]) or [{}])[0] or {}
        postal_code = str(address.get("postal_code") or "").strip()
        if not (postal_code.isdigit() and len(postal_code) == 5):
            reader.problem(
                f"{where}.addresses[0].postal_code",
                _("Postleitzahl „%(p)s“ hat nicht 5 Ziffern.") % {"p": postal_code},
            )
        loc_fields = _fields(location)
        locations.append(
            {
                "id": None,
                "external_id": lid,
                "name": str(location.get("name") or "")[:300],
                "address": str(address.get("address_1") or "")[:300],
                "postal_code": postal_code,
                "city": str(address.get("city") or "")[:200],
                "longitude": lon,
                "latitude": lat,
                "wheelchair_accessible": reader.yes(
                    loc_fields, "wheelchair_accessible", f"{where}.attributes"
                ),
                "accessibility_notes": "\n".join(
                    str(a.get("description") or "") for a in location.get("accessibility") or []
                ).strip(),
                "transit_notes": str(location.get("transportation") or "")[:300],
                "schedules": reader.schedules(
                    sal.get("schedules") or location.get("schedules") or [],
                    f"service_at_locations[{i}].schedules",
                ),
                "exceptions": [],
            }
        )
    fundings = []
    for i, funding in enumerate(item.get("funding") or []):
        values = _fields(funding)
        where = f"funding[{i}]"
        if not values.get("funder_level"):
            reader.warn(
                where,
                _(
                    "ausgelassen: Finanzierung ohne Geldgeber-Ebene (Attribut funder_level: bund, land, kreis, "
                    "gemeinde, eu, foundation, own); Quelle: „%(s)s“."
                )
                % {"s": str(funding.get("source") or "")[:80]},
            )
            continue
        if message := checker.funder_level(values["funder_level"]):
            reader.problem(f"{where}.funder_level", message)
        start = reader.date(values.get("start"), f"{where}.start")
        end = reader.date(values.get("end"), f"{where}.end")
        if start and end and end < start:
            reader.problem(
                f"{where}.end", _("Ende vor Beginn (%(s)s bis %(e)s).") % {"s": start, "e": end}
            )
        try:
            amount = (
                str(Decimal(values["amount_per_year"]).quantize(Decimal("0.01")))
                if values.get("amount_per_year")
                else None
            )
            share = float(values.get("share") or 1)
        except (InvalidOperation, ValueError):
            reader.problem(f"{where}.amount_per_year", _("keine Zahl."))
            continue
        fundings.append(
            {
                "funder_level": values["funder_level"],
                "funder_name": values.get("funder_name", ""),
                "programme": values.get("programme", ""),
                "amount_per_year": amount,
                "share": share,
                "start": start,
                "end": end,
            }
        )
    organization = item.get("organization") or {}
    draft.organization_key = str(organization.get("id") or item.get("organization_id") or "")
    draft.organization_name = str(organization.get("name") or "")[:300]
    draft.organization_description = str(organization.get("description") or "")
    for key, check in (("email", checker.email), ("website", checker.url)):
        value = str(organization.get(key) or "")
        if value and (message := check(value)):
            reader.problem(f"organization.{key}", message)
        elif value:
            setattr(draft, f"organization_{key}", value)
    phones = item.get("phones") or []
    documents = item.get("required_documents") or []
    draft.payload = {
        "external_id": draft.key,
        "offer_type": offer_type,
        "name": str(item.get("name") or "")[:300],
        "description": str(item.get("description") or ""),
        "translations": translations,
        "target_groups": target_groups,
        "languages": languages,
        "status": status or "active",
        "capacity": capacity,
        "is_free": reader.yes(fields, "is_free", "attributes.is_free", default=True),
        "fee_description": str(item.get("fees_description") or "")[:300],
        "eligibility": str(item.get("eligibility_description") or ""),
        "required_documents": "\n".join(str(d.get("document") or "") for d in documents),
        "email": email,
        "phone": str((phones[0] or {}).get("number") or "")[:60] if phones else "",
        "website": website,
        "contact_name": fields.get("contact_name", "")[:200],
        "by_phone": reader.yes(fields, "by_phone", "attributes.by_phone"),
        "online": reader.yes(fields, "online", "attributes.online"),
        "service_area": sorted(area),
        "remote_schedules": reader.schedules(item.get("schedules") or [], "schedules"),
        "remote_exceptions": [],
        "fundings": fundings,
        "is_demo": reader.yes(fields, "demo", "attributes.demo"),
        "locations": sorted(locations, key=lambda loc: loc["external_id"]),
    }
    return draft


def read_hsds(data: bytes, checker: Checker, default_offer_type: str = "") -> list[Draft]:
    """A JSON list of HSDS services (or one service, or an HSDS API page with `contents`)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(
            [Problem(None, "-", _("kein gültiges JSON: %(e)s") % {"e": exc})]
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
        try:
            drafts.append(_service(item, position, checker, default_offer_type))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # A value of the wrong JSON type somewhere in the entry (found by fuzzing).
            draft = Draft(key="", row=position, payload={})
            draft.problems.append(
                Problem(
                    position,
                    "-",
                    _("Eintrag hat einen Wert vom falschen JSON-Typ (%(e)s).") % {"e": exc},
                )
            )
            drafts.append(draft)
    return drafts
