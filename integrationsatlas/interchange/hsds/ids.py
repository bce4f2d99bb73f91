"""HSDS identifiers: stable ids for registry rows, and the row an HSDS id names.

Identifiers (stable across restarts, exports and re-imports):
- an organization, service or location whose `external_id` is a UUID (canonical lower-case
  form) keeps it as its HSDS id;
- one with another external id gets `uuid5(NAMESPACE, "<kind>:<external id>")`, and the
  external id travels as an attribute (term `external_id` of "Integrationsatlas-Felder") so an
  import restores it exactly;
- one without an external id gets `1a7eTTTT-0000-8000-8000-PPPPPPPPPPPP` (TTTT the kind,
  P the primary key in hex; RFC 9562 version 8 layout);
- everything else (service at location, schedules, funding, phones, ...) gets a uuid5 of its
  owner's HSDS id and its position or content, so it is as stable as its owner.
An import stores the HSDS id as the external id (or the original one from the attribute).
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from integrationsatlas.registry.models import Location, Organization, Service

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


def hsds_id(kind: str, pk: int) -> str:
    """The pk-derived id of a row without an external id."""
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


def is_uuid(text: str | None) -> bool:
    """True for a UUID in canonical lower-case form (the form HSDS ids take here)."""
    try:
        return bool(text) and str(uuid.UUID(str(text))) == text
    except ValueError:
        return False


def external_hsds_id(kind: str, external_id: str) -> str:
    return external_id if is_uuid(external_id) else derived_id(kind, external_id)


def object_id(kind: str, obj: Organization | Service | Location) -> str:
    """The HSDS id of an organization, service or location (see the module docstring)."""
    if obj.external_id:
        return external_hsds_id(kind, obj.external_id)
    return hsds_id(kind, obj.pk)


def sal_id(service_id: str, location_id: str) -> str:
    return derived_id("service_at_location", service_id, location_id)


def resolve(kind: str, queryset: QuerySet, text: str) -> int | None:
    """The pk in `queryset` whose HSDS id is `text`: pk-derived id, external id, or its uuid5."""
    text = (text or "").strip()
    pk = parse_hsds_id(kind, text)
    if pk is not None and queryset.filter(pk=pk).exists():
        return pk
    found = queryset.filter(external_id=text).values_list("pk", flat=True).first()
    if found is not None or not is_uuid(text):
        return found
    # A uuid5 cannot be inverted: compare with the ids of all rows with an external id.
    for pk, external_id in queryset.exclude(external_id=None).values_list("pk", "external_id"):
        if derived_id(kind, external_id) == text:
            return pk
    return None
