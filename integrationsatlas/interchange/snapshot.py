"""The full state of one service as a JSON-safe dict (the registry's snapshot shape).

Export, rollback and the writer share this one shape, the same one
`registry.workflow.service_snapshot` produces, so imports can later go through the
registry workflow unchanged.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from integrationsatlas.registry.models import Service

SERVICE_FIELDS = (
    "name",
    "description",
    "translations",
    "target_groups",
    "languages",
    "is_free",
    "fee_description",
    "eligibility",
    "required_documents",
    "status",
    "capacity",
    "email",
    "phone",
    "website",
    "contact_name",
    "by_phone",
    "online",
)
LOCATION_FIELDS = (
    "external_id",
    "name",
    "address",
    "postal_code",
    "city",
    "longitude",
    "latitude",
    "wheelchair_accessible",
    "accessibility_notes",
    "transit_notes",
)


def hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def schedule_dicts(schedules) -> list[dict[str, Any]]:
    return [
        {
            "weekday": s.weekday,
            "opens_at": hhmm(s.opens_at),
            "closes_at": hhmm(s.closes_at),
            "valid_from": iso(s.valid_from),
            "valid_to": iso(s.valid_to),
            "note": s.note,
        }
        for s in sorted(schedules, key=lambda s: (s.weekday, s.opens_at, s.closes_at))
    ]


def exception_dicts(exceptions) -> list[dict[str, Any]]:
    return [
        {
            "date": iso(e.date),
            "closed": e.closed,
            "opens_at": hhmm(e.opens_at),
            "closes_at": hhmm(e.closes_at),
            "note": e.note,
        }
        for e in sorted(exceptions, key=lambda e: e.date)
    ]


def service_payload(service: Service) -> dict[str, Any]:
    """Everything about a service; use `prefetched_services()` to avoid one query per part."""
    payload: dict[str, Any] = {field: getattr(service, field) for field in SERVICE_FIELDS}
    payload.update(
        offer_type=service.offer_type.code,
        organization=service.organization_id,
        external_id=service.external_id,
        is_demo=service.is_demo,
        service_area=sorted(r.ags for r in service.service_area.all()),
    )
    locations = []
    for sal in sorted(
        service.service_at_locations.all(),
        key=lambda s: (s.location.external_id or "", s.location_id),
    ):
        loc = sal.location
        row = {"id": loc.pk} | {field: getattr(loc, field) for field in LOCATION_FIELDS}
        row["schedules"] = schedule_dicts(sal.schedules.all())
        row["exceptions"] = exception_dicts(sal.exceptions.all())
        locations.append(row)
    payload["locations"] = locations
    payload["remote_schedules"] = schedule_dicts(service.remote_schedules.all())
    payload["remote_exceptions"] = exception_dicts(service.remote_exceptions.all())
    payload["fundings"] = [
        {
            "funder_level": f.funder_level,
            "funder_name": f.funder_name,
            "programme": f.programme,
            "amount_per_year": None if f.amount_per_year is None else str(f.amount_per_year),
            "share": f.share,
            "start": iso(f.start),
            "end": iso(f.end),
        }
        for f in sorted(
            service.fundings.all(),
            key=lambda f: (f.end or date.max, f.funder_level, f.programme, f.pk),
        )
    ]
    return payload


def prefetched_services(queryset=None):
    """Services with everything `service_payload` reads, in a stable order."""
    queryset = Service.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("offer_type", "organization")
        .prefetch_related(
            "service_area",
            "service_at_locations__location",
            "service_at_locations__schedules",
            "service_at_locations__exceptions",
            "remote_schedules",
            "remote_exceptions",
            "fundings",
        )
        .order_by("external_id", "pk")
    )
