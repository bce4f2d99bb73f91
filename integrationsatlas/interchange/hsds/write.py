"""The one mapping of registry rows to Open Referral HSDS 3.0 objects, for the API and exports.

The `/hsds/` API and `integrationsatlas export --format hsds` both call these functions; the
import (`read.read_hsds`) reads their output back. Every object is valid against the official
compiled schemas. Ids come from `ids.py`.

Demo data is marked with an HSDS `attribute` linking to the term `demo` of the taxonomy
"Integrationsatlas-Kennzeichen", and an `alert` text on services for human readers. Fields HSDS
has no column for (capacity, target groups, free of charge, ...) are attributes with terms of
the taxonomy "Integrationsatlas-Felder". Times are local Saxon time (Europe/Berlin); weekly
hours are iCal-style WEEKLY schedules, exception days one-day schedules without `freq`.
Taxonomy names, term codes, status values and fixed texts come from `vocabulary.py`, which
the import reads with too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
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
from integrationsatlas.taxonomy.models import OfferType

from .ids import derived_id, hsds_id, is_uuid, object_id, sal_id
from .vocabulary import (
    ACCESSIBLE_TEXT,
    DEMO_CODE,
    DEMO_VALUE,
    FIELD_TAXONOMY,
    FIELD_TERMS,
    FREE_TEXT,
    LIST_SEPARATOR,
    MARKER_TAXONOMY,
    NO,
    NOT_ACCESSIBLE_TEXT,
    OFFER_TYPE_TAXONOMY,
    STATUS_TO_HSDS,
    WEEKDAYS,
    WEEKLY,
    YES,
    Field,
)

HSDS_VERSION = "3.0"
OFFER_TYPE_TAXONOMY_PK = 1
MARKER_TAXONOMY_PK = 2
FIELD_TAXONOMY_PK = 3
DEMO_TERM_PK = 1
DEMO_ALERT = "Demo-Datensatz: erfundenes Beispiel, kein echtes Angebot."


def with_hsds_rows(services: QuerySet[Service]) -> QuerySet[Service]:
    """`services` with everything `service_to_hsds` reads, in a fixed number of queries."""
    return services.select_related("organization", "offer_type").prefetch_related(
        "service_area",
        "fundings",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location")
            .prefetch_related("schedules", "exceptions")
            .order_by("pk"),
        ),
        "remote_schedules",
        "remote_exceptions",
    )


def hsds_services(queryset: QuerySet[Service] | None = None) -> list[dict[str, Any]]:
    """The published services (or those of `queryset`) as HSDS, ordered by id, for exports."""
    queryset = Service.public.all() if queryset is None else queryset
    services = [service_to_hsds(s, timestamps=False) for s in with_hsds_rows(queryset)]
    return sorted(services, key=lambda s: s["id"])


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional values: HSDS prefers an absent field to an empty or null one."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


# ---- taxonomies ----------------------------------------------------------------------------


def _taxonomy(pk: int, name: str, description: str) -> dict[str, Any]:
    return {"id": hsds_id("taxonomy", pk), "name": name, "description": description,
            "version": "1"}  # fmt: skip


def offer_type_taxonomy() -> dict[str, Any]:
    return _taxonomy(
        OFFER_TYPE_TAXONOMY_PK,
        OFFER_TYPE_TAXONOMY,
        "Arten von Integrationsangeboten in Sachsen (Integrationsatlas).",
    )


def marker_taxonomy() -> dict[str, Any]:
    return _taxonomy(
        MARKER_TAXONOMY_PK,
        MARKER_TAXONOMY,
        "Kennzeichen zur Datenqualität, z. B. Demo-Datensätze.",
    )


def field_taxonomy() -> dict[str, Any]:
    return _taxonomy(
        FIELD_TAXONOMY_PK,
        FIELD_TAXONOMY,
        "Angaben des Integrationsatlas, für die HSDS kein eigenes Feld hat.",
    )


def taxonomies() -> list[dict[str, Any]]:
    return [offer_type_taxonomy(), marker_taxonomy(), field_taxonomy()]


def _term(term_id: str, code: str, name: str, description: str, taxonomy: dict) -> dict:
    return {
        "id": term_id,
        "code": code,
        "name": name,
        "description": description or name,
        "taxonomy": taxonomy["name"],
        "taxonomy_id": taxonomy["id"],
        "taxonomy_detail": taxonomy,
        "language": "de",
    }


def offer_type_term_id(code: str) -> str:
    """Offer type terms are named by their code, so they are the same in every installation."""
    return derived_id("offer_type", code)


def taxonomy_term_to_hsds(offer_type: OfferType) -> dict[str, Any]:
    return _term(
        offer_type_term_id(offer_type.code),
        offer_type.code,
        offer_type.name_in("de"),
        (offer_type.descriptions or {}).get("de", ""),
        offer_type_taxonomy(),
    )


def demo_term() -> dict[str, Any]:
    return _term(
        hsds_id("marker_term", DEMO_TERM_PK),
        DEMO_CODE,
        "Demo",
        "Erfundener Beispieldatensatz zum Ausprobieren, kein echtes Angebot.",
        marker_taxonomy(),
    )


def field_term(code: str) -> dict[str, Any]:
    return _term(derived_id("field", code), code, code, FIELD_TERMS[code], field_taxonomy())


def field_terms() -> list[dict[str, Any]]:
    return [field_term(code) for code in FIELD_TERMS]


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


def _yes(value: bool) -> str:
    return YES if value else NO


def _number(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _fields(link_entity: str, link_id: str, values: dict[str, str]) -> list[dict]:
    """Attributes for the fields HSDS has no column for; empty values are left out."""
    return [
        _attribute(link_entity, link_id, "integrationsatlas", field_term(code), value)
        for code, value in values.items()
        if value != ""
    ]


def _external(obj: Organization | Service | Location) -> dict[str, str]:
    """The original external id, when the HSDS id cannot carry it itself."""
    text = obj.external_id or ""
    return {Field.EXTERNAL_ID: "" if is_uuid(text) else text}


def _demo_attributes(link_entity: str, link_id: str, is_demo: bool) -> list[dict]:
    if not is_demo:
        return []
    return [_attribute(link_entity, link_id, "data_quality", demo_term(), DEMO_VALUE)]


# ---- schedules, places, organizations --------------------------------------------------------


def _hhmm(value) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _schedule_key(schedule: Schedule) -> tuple:
    return (schedule.weekday, str(schedule.opens_at), str(schedule.closes_at),
            str(schedule.valid_from), str(schedule.valid_to), schedule.note)  # fmt: skip


def schedules_to_hsds(
    schedules, exceptions, owner_id: str, links: dict[str, str], attending: str = ""
) -> list[dict[str, Any]]:
    """Weekly hours, then exception days (one-day schedules), with ids from owner and position."""
    weekly = sorted(schedules, key=_schedule_key)
    days = sorted(exceptions, key=lambda e: (e.date, str(e.opens_at), e.note))
    return [
        schedule_to_hsds(s, derived_id("schedule", owner_id, i), links, attending)
        for i, s in enumerate(weekly)
    ] + [
        exception_to_hsds(e, derived_id("exception", owner_id, i), links)
        for i, e in enumerate(days)
    ]


def schedule_to_hsds(schedule: Schedule, schedule_id: str, links: dict[str, str],
                     attending: str = "") -> dict:  # fmt: skip
    return _clean(
        {
            "id": schedule_id,
            **links,
            "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "freq": WEEKLY,
            "wkst": "MO",
            "byday": WEEKDAYS[schedule.weekday],
            "opens_at": _hhmm(schedule.opens_at),
            "closes_at": _hhmm(schedule.closes_at),
            "attending_type": attending,
            "notes": schedule.note,
        }
    )


def exception_to_hsds(exception: ScheduleException, schedule_id: str, links: dict[str, str]):
    """HSDS has no exception object: a one-day schedule whose description says what differs."""
    day = exception.date.isoformat()
    text = "geschlossen" if exception.closed else "geänderte Öffnungszeiten"
    return _clean(
        {
            "id": schedule_id,
            **links,
            "valid_from": day,
            "valid_to": day,
            "dtstart": day,
            "opens_at": None if exception.closed else _hhmm(exception.opens_at),
            "closes_at": None if exception.closed else _hhmm(exception.closes_at),
            "description": f"{day}: {text}" + (f" ({exception.note})" if exception.note else ""),
            "notes": exception.note,
        }
    )


def location_to_hsds(location: Location, organization: Organization | None = None) -> dict:
    """A site; `organization` saves a query when the caller has the site's provider at hand."""
    location_id = object_id("location", location)
    if location.organization_id and (
        organization is None or organization.pk != location.organization_id
    ):
        organization = location.organization
    accessibility = []
    if location.wheelchair_accessible or location.accessibility_notes:
        accessibility.append(
            _clean(
                {
                    "id": derived_id("accessibility", location_id),
                    "location_id": location_id,
                    "description": ACCESSIBLE_TEXT
                    if location.wheelchair_accessible
                    else NOT_ACCESSIBLE_TEXT,
                    "details": location.accessibility_notes,
                }
            )
        )
    fields = _external(location) | {
        Field.WHEELCHAIR_ACCESSIBLE: _yes(location.wheelchair_accessible)
    }
    return _clean(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": object_id("organization", organization)
            if location.organization_id and organization is not None
            else None,
            "name": location.name,
            "transportation": location.transit_notes,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.gemeinde_id,
            "external_identifier_type": "AGS (Gemeindeschlüssel)" if location.gemeinde_id else None,
            "addresses": [
                {
                    "id": derived_id("address", location_id),
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
            "attributes": _fields("location", location_id, fields)
            + _demo_attributes("location", location_id, location.is_demo),
        }
    )


def organization_to_hsds(org: Organization, services: list[Service] | None = None) -> dict:
    """An organization; with `services`, their one-to-one fields nested as HSDS asks."""
    org_id = object_id("organization", org)
    data = {
        "id": org_id,
        "name": org.name,
        "description": org.description or org.name,
        "email": org.email,
        "website": org.website,
        "phones": [
            {"id": derived_id("phone", org_id), "organization_id": org_id, "number": org.phone}
        ]
        if org.phone
        else [],  # fmt: skip
        "attributes": _fields("organization", org_id, _external(org))
        + _demo_attributes("organization", org_id, org.is_demo),
    }
    if services is not None:
        data["services"] = [service_summary(s) for s in services]
    return _clean(data)


# ---- services ------------------------------------------------------------------------------


def service_summary(service: Service, timestamps: bool = True) -> dict[str, Any]:
    """The one-to-one fields of a service (the shape of HSDS list endpoints).

    Exports leave out `last_modified` (`timestamps=False`): an import sets it anew.
    """
    return _clean(
        {
            "id": object_id("service", service),
            "organization_id": object_id("organization", service.organization),
            "name": service.name,
            "description": service.description,
            "url": service.website,
            "email": service.email,
            "status": STATUS_TO_HSDS.get(service.status, "inactive"),
            "fees_description": service.fee_description or (FREE_TEXT if service.is_free else ""),
            "eligibility_description": service.eligibility,
            "alert": DEMO_ALERT if service.is_demo else None,
            "last_modified": service.updated_at.isoformat()
            if timestamps and service.updated_at
            else None,
            # HSDS: the date the information was last checked (a confirmation or a change).
            "assured_date": timezone.localdate(service.checked_at).isoformat()
            if timestamps and service.checked_at
            else None,
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


def _funding_key(funding: Funding) -> tuple:
    return (funding.funder_level, funding.funder_name, funding.programme, str(funding.start),
            str(funding.end), str(funding.amount_per_year), funding.share)  # fmt: skip


def _amount(value: Any) -> str:
    return "" if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def funding_to_hsds(funding: Funding, funding_id: str, service_id: str) -> dict[str, Any]:
    values = {
        Field.FUNDER_LEVEL: funding.funder_level,
        Field.FUNDER_NAME: funding.funder_name,
        Field.PROGRAMME: funding.programme,
        Field.AMOUNT_PER_YEAR: _amount(funding.amount_per_year),
        Field.SHARE: _number(funding.share),
        Field.START: funding.start.isoformat() if funding.start else "",
        Field.END: funding.end.isoformat() if funding.end else "",
    }
    return {
        "id": funding_id,
        "service_id": service_id,
        "source": _funding_source(funding),
        "attributes": _fields("funding", funding_id, values),
    }


def _service_fields(service: Service) -> dict[str, str]:
    return _external(service) | {
        Field.CAPACITY: _number(service.capacity),
        Field.TARGET_GROUPS: LIST_SEPARATOR.join(service.target_groups or []),
        Field.IS_FREE: _yes(service.is_free),
        Field.BY_PHONE: _yes(service.by_phone),
        Field.ONLINE: _yes(service.online),
        Field.TRANSLATIONS: json.dumps(service.translations, ensure_ascii=False, sort_keys=True)
        if service.translations
        else "",
    }


def service_to_hsds(
    service: Service, nested_locations: bool = True, timestamps: bool = True
) -> dict[str, Any]:
    """A fully nested HSDS service; expects the prefetching of `with_hsds_rows`."""
    data = service_summary(service, timestamps)
    service_id = data["id"]
    links = {"service_id": service_id}
    attending = "telefonisch" if service.by_phone else ""
    if service.online:
        attending = f"{attending}, online" if attending else "online"
    area = []
    for region in sorted(service.service_area.all(), key=lambda r: r.ags):
        area.append(
            {
                "id": derived_id("service_area", service_id, region.ags),
                "service_id": service_id,
                "name": region.name,
                "description": f"{region.get_level_display()} {region.name}, "
                f"Regionalschlüssel {region.ags}",
                "extent": region.ags,
                "extent_type": "text",
                "uri": f"/api/v1/regions/{region.ags}?geometry=true",
            }
        )
    offer_term = taxonomy_term_to_hsds(service.offer_type)
    documents = [line.strip() for line in service.required_documents.splitlines() if line.strip()]
    fundings = sorted(service.fundings.all(), key=_funding_key)
    data.update(
        {
            "organization": organization_to_hsds(service.organization),
            "phones": [
                {
                    "id": derived_id("phone", service_id),
                    "service_id": service_id,
                    "number": service.phone,
                    "type": "voice",
                }
            ]
            if service.phone
            else [],  # fmt: skip
            "schedules": schedules_to_hsds(
                service.remote_schedules.all(),
                service.remote_exceptions.all(),
                service_id,
                links,
                attending,
            ),
            "service_areas": area,
            "languages": [_language(service_id, code) for code in service.languages or []],
            "funding": [
                funding_to_hsds(f, derived_id("funding", service_id, i), service_id)
                for i, f in enumerate(fundings)
            ],
            "required_documents": [
                {
                    "id": derived_id("document", service_id, i),
                    "service_id": service_id,
                    "document": text,
                }
                for i, text in enumerate(documents)
            ],  # fmt: skip
            "contacts": [
                _clean(
                    {
                        "id": derived_id("contact", service_id),
                        "service_id": service_id,
                        "name": service.contact_name,
                        "email": service.email,
                    }
                )
            ]
            if service.contact_name
            else [],  # fmt: skip
            "attributes": [_attribute("service", service_id, "offer_type", offer_term)]
            + _fields("service", service_id, _service_fields(service))
            + _demo_attributes("service", service_id, service.is_demo),
        }
    )
    if nested_locations:
        sals = [
            service_at_location_to_hsds(sal, nested_service=False)
            for sal in service.service_at_locations.all()
        ]
        data["service_at_locations"] = sorted(sals, key=lambda s: s["location_id"])
    return _clean(data)


def service_at_location_to_hsds(sal: ServiceAtLocation, nested_service: bool = True) -> dict:
    service = sal.service
    service_id = object_id("service", service)
    location = location_to_hsds(sal.location, service.organization)
    the_id = sal_id(service_id, location["id"])
    links = {"service_at_location_id": the_id}
    data = {
        "id": the_id,
        "service_id": service_id,
        "location_id": location["id"],
        "description": sal.description,
        "schedules": schedules_to_hsds(sal.schedules.all(), sal.exceptions.all(), the_id, links),
        "location": location,
        "attributes": _demo_attributes("service_at_location", the_id, sal.location.is_demo),
    }
    if nested_service:
        data["service"] = service_to_hsds(service, nested_locations=False)
    return _clean(data)
