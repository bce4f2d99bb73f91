"""Map registry rows to Open Referral HSDS 3.0 objects (dicts valid against the compiled schemas).

Used by the `/hsds/` API and reusable for exports. Identifiers: HSDS wants UUIDs, our rows have
integer keys, so every row gets a reversible UUID (RFC 9562 version 8, vendor layout):
`1a7eTTTT-0000-8000-8000-PPPPPPPPPPPP` with TTTT the entity kind and P the primary key in hex.
Objects without a row of their own (a language, a phone number) get a stable UUID5.

Demo data is marked with an HSDS `attribute` linking to the term `demo` of the taxonomy
"Integrationsatlas-Kennzeichen", and an `alert` text on services for human readers.
Times are local Saxon time (Europe/Berlin); weekly hours are iCal-style WEEKLY schedules.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import get_language_info

from integrationsatlas.registry.models import (
    Funding,
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.standards.models import OfferType

HSDS_VERSION = "3.0"
KINDS = {
    "service": 1,
    "organization": 2,
    "service_at_location": 3,
    "location": 4,
    "taxonomy_term": 5,
    "taxonomy": 6,
    "schedule": 7,
    "funding": 8,
    "exception": 9,
    "marker_term": 10,
}
NAMESPACE = uuid.UUID("1a7e0000-0000-8000-8000-000000000000")
WEEKDAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
STATUS = {"active": "active", "planned": "inactive", "ended": "defunct"}

OFFER_TYPE_TAXONOMY_PK = 1
MARKER_TAXONOMY_PK = 2
DEMO_TERM_PK = 1
DEMO_ALERT = "Demo-Datensatz: erfundenes Beispiel, kein echtes Angebot."


def hsds_id(kind: str, pk: int) -> str:
    return f"1a7e{KINDS[kind]:04x}-0000-8000-8000-{pk:012x}"


def parse_hsds_id(kind: str, text: str) -> int | None:
    """The primary key inside an id made by `hsds_id`, or None if `text` is not one of `kind`."""
    prefix = f"1a7e{KINDS[kind]:04x}-0000-8000-8000-"
    text = (text or "").lower()
    if len(text) != 36 or not text.startswith(prefix):
        return None
    try:
        return int(text[len(prefix) :], 16)
    except ValueError:
        return None


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional values: HSDS prefers an absent field to an empty or null one."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


# ---- taxonomies ----------------------------------------------------------------------------


def offer_type_taxonomy() -> dict[str, Any]:
    return {
        "id": hsds_id("taxonomy", OFFER_TYPE_TAXONOMY_PK),
        "name": "Integrationsatlas-Angebotsarten",
        "description": "Arten von Integrationsangeboten in Sachsen (Integrationsatlas).",
        "version": "1",
    }


def marker_taxonomy() -> dict[str, Any]:
    return {
        "id": hsds_id("taxonomy", MARKER_TAXONOMY_PK),
        "name": "Integrationsatlas-Kennzeichen",
        "description": "Kennzeichen zur Datenqualität, z. B. Demo-Datensätze.",
        "version": "1",
    }


def taxonomies() -> list[dict[str, Any]]:
    return [offer_type_taxonomy(), marker_taxonomy()]


def taxonomy_term_to_hsds(offer_type: OfferType) -> dict[str, Any]:
    taxonomy = offer_type_taxonomy()
    return _clean(
        {
            "id": hsds_id("taxonomy_term", offer_type.pk),
            "code": offer_type.code,
            "name": offer_type.name_in("de"),
            "description": (offer_type.descriptions or {}).get("de", "")
            or offer_type.name_in("de"),
            "taxonomy": taxonomy["name"],
            "taxonomy_id": taxonomy["id"],
            "taxonomy_detail": taxonomy,
            "language": "de",
        }
    )


def demo_term() -> dict[str, Any]:
    taxonomy = marker_taxonomy()
    return {
        "id": hsds_id("marker_term", DEMO_TERM_PK),
        "code": "demo",
        "name": "Demo",
        "description": "Erfundener Beispieldatensatz zum Ausprobieren, kein echtes Angebot.",
        "taxonomy": taxonomy["name"],
        "taxonomy_id": taxonomy["id"],
        "taxonomy_detail": taxonomy,
        "language": "de",
    }


def _attribute(link_entity: str, link_id: str, link_type: str, term: dict, value: str = "") -> dict:
    return _clean(
        {
            "id": derived_id("attribute", link_entity, link_id, term["id"]),
            "link_id": link_id,
            "link_type": link_type,
            "link_entity": link_entity,
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
            "value": value,
        }
    )


def _demo_attributes(link_entity: str, link_id: str, is_demo: bool) -> list[dict]:
    if not is_demo:
        return []
    return [_attribute(link_entity, link_id, "data_quality", demo_term(), "true")]


# ---- schedules, places, organizations --------------------------------------------------------


def _hhmm(value) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def schedule_to_hsds(schedule: Schedule, links: dict[str, str], attending: str = "") -> dict:
    return _clean(
        {
            "id": hsds_id("schedule", schedule.pk),
            **links,
            "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": WEEKDAYS[schedule.weekday],
            "opens_at": _hhmm(schedule.opens_at),
            "closes_at": _hhmm(schedule.closes_at),
            "attending_type": attending,
            "notes": schedule.note,
        }
    )


def exception_to_hsds(exception: ScheduleException, links: dict[str, str]) -> dict:
    """HSDS has no exception object: a one-day schedule whose description says what differs."""
    day = exception.date.isoformat()
    text = "geschlossen" if exception.closed else "geänderte Öffnungszeiten"
    return _clean(
        {
            "id": hsds_id("exception", exception.pk),
            **links,
            "valid_from": day,
            "valid_to": day,
            "dtstart": day,
            "opens_at": None if exception.closed else _hhmm(exception.opens_at),
            "closes_at": None if exception.closed else _hhmm(exception.closes_at),
            "description": f"{day}: {text}" + (f" ({exception.note})" if exception.note else ""),
        }
    )


def location_to_hsds(location: Location) -> dict[str, Any]:
    location_id = hsds_id("location", location.pk)
    accessibility = []
    if location.wheelchair_accessible or location.accessibility_notes:
        accessibility.append(
            _clean(
                {
                    "id": derived_id("accessibility", location.pk),
                    "location_id": location_id,
                    "description": "barrierefreier Zugang"
                    if location.wheelchair_accessible
                    else "kein barrierefreier Zugang angegeben",
                    "details": location.accessibility_notes,
                }
            )
        )
    return _clean(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": hsds_id("organization", location.organization_id)
            if location.organization_id
            else None,
            "name": location.name,
            "transportation": location.transit_notes,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.gemeinde_id,
            "external_identifier_type": "AGS (Gemeindeschlüssel)" if location.gemeinde_id else None,
            "addresses": [
                {
                    "id": derived_id("address", location.pk),
                    "location_id": location_id,
                    "address_1": location.address,
                    "city": location.city,
                    "state_province": "Sachsen",
                    "postal_code": location.postal_code,
                    "country": "DE",
                    "address_type": "physical",
                }
            ],
            "accessibility": accessibility,
            "attributes": _demo_attributes("location", location_id, location.is_demo),
        }
    )


def organization_to_hsds(org: Organization, services: list[Service] | None = None) -> dict:
    """An organization; with `services`, their one-to-one fields nested as HSDS asks."""
    org_id = hsds_id("organization", org.pk)
    data = {
        "id": org_id,
        "name": org.name,
        "description": org.description or org.name,
        "email": org.email,
        "website": org.website,
        "phones": [
            {
                "id": derived_id("phone", "organization", org.pk),
                "organization_id": org_id,
                "number": org.phone,
            }
        ]
        if org.phone
        else [],  # fmt: skip
        "attributes": _demo_attributes("organization", org_id, org.is_demo),
    }
    if services is not None:
        data["services"] = [service_summary(s) for s in services]
    return _clean(data)


# ---- services ------------------------------------------------------------------------------


def service_summary(service: Service) -> dict[str, Any]:
    """The one-to-one fields of a service (the shape of HSDS list endpoints)."""
    return _clean(
        {
            "id": hsds_id("service", service.pk),
            "organization_id": hsds_id("organization", service.organization_id),
            "name": service.name,
            "description": service.description,
            "url": service.website,
            "email": service.email,
            "status": STATUS.get(service.status, "inactive"),
            "fees_description": "kostenlos" if service.is_free else service.fee_description,
            "eligibility_description": service.eligibility,
            "alert": DEMO_ALERT if service.is_demo else None,
            "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        }
    )


def _language(service_id: str, code: str) -> dict[str, Any]:
    try:
        name = get_language_info(code)["name"]
    except KeyError:
        name = code
    return {"id": derived_id("language", service_id, code), "service_id": service_id,
            "name": name, "code": code}  # fmt: skip


def _funding_source(funding: Funding) -> str:
    parts = [funding.get_funder_level_display()]
    parts += [p for p in (funding.funder_name, funding.programme) if p]
    period = f"{funding.start or '…'} – {funding.end or 'unbefristet'}"
    share = f"Anteil {round(funding.share * 100)} %"
    amount = f"{funding.amount_per_year} EUR/Jahr" if funding.amount_per_year is not None else ""
    return "; ".join(p for p in (", ".join(parts), period, share, amount) if p)


def service_to_hsds(service: Service, nested_locations: bool = True) -> dict[str, Any]:
    """A fully nested HSDS service; expects the prefetching of `search.with_details`."""
    data = service_summary(service)
    service_id = data["id"]
    links = {"service_id": service_id}
    attending = "telefonisch" if service.by_phone else ""
    if service.online:
        attending = f"{attending}, online" if attending else "online"
    area = []
    for region in service.service_area.all():
        area.append(
            {
                "id": derived_id("service_area", service.pk, region.ags),
                "service_id": service_id,
                "name": region.name,
                "description": f"{region.get_level_display()} {region.name}, "
                f"Regionalschlüssel {region.ags}",
                "uri": f"/api/v1/regions/{region.ags}?geometry=true",
            }
        )
    offer_term = taxonomy_term_to_hsds(service.offer_type)
    documents = [line.strip() for line in service.required_documents.splitlines() if line.strip()]
    data.update(
        {
            "organization": organization_to_hsds(service.organization),
            "phones": [
                {
                    "id": derived_id("phone", "service", service.pk),
                    "service_id": service_id,
                    "number": service.phone,
                    "type": "voice",
                }
            ]
            if service.phone
            else [],  # fmt: skip
            "schedules": [
                schedule_to_hsds(s, links, attending) for s in service.remote_schedules.all()
            ]
            + [exception_to_hsds(e, links) for e in service.remote_exceptions.all()],
            "service_areas": area,
            "languages": [_language(service_id, code) for code in service.languages or []],
            "funding": [
                {
                    "id": hsds_id("funding", f.pk),
                    "service_id": service_id,
                    "source": _funding_source(f),
                }
                for f in service.fundings.all()
            ],  # fmt: skip
            "required_documents": [
                {
                    "id": derived_id("document", service.pk, i),
                    "service_id": service_id,
                    "document": text,
                }
                for i, text in enumerate(documents)
            ],  # fmt: skip
            "contacts": [
                _clean(
                    {
                        "id": derived_id("contact", service.pk),
                        "service_id": service_id,
                        "name": service.contact_name,
                        "email": service.email,
                    }
                )
            ]
            if service.contact_name
            else [],  # fmt: skip
            "attributes": [_attribute("service", service_id, "offer_type", offer_term)]
            + _demo_attributes("service", service_id, service.is_demo),
        }
    )
    if nested_locations:
        data["service_at_locations"] = [
            service_at_location_to_hsds(sal, nested_service=False)
            for sal in service.service_at_locations.all()
        ]
    return _clean(data)


def service_at_location_to_hsds(sal: ServiceAtLocation, nested_service: bool = True) -> dict:
    sal_id = hsds_id("service_at_location", sal.pk)
    links = {"service_at_location_id": sal_id}
    data = {
        "id": sal_id,
        "service_id": hsds_id("service", sal.service_id),
        "location_id": hsds_id("location", sal.location_id),
        "description": sal.description,
        "schedules": [schedule_to_hsds(s, links) for s in sal.schedules.all()]
        + [exception_to_hsds(e, links) for e in sal.exceptions.all()],
        "location": location_to_hsds(sal.location),
        "attributes": _demo_attributes("service_at_location", sal_id, sal.location.is_demo),
    }
    if nested_service:
        data["service"] = service_to_hsds(sal.service, nested_locations=False)
    return _clean(data)
