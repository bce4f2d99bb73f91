"""Create many new services at once: bulk inserts, with one history row per object.

The import's fast path for services that do not exist yet, written directly (state
administrators, coordinators, the command line). django-simple-history's
`bulk_create_with_history` writes the history rows with the import's user and reason, and
every service carries the registry snapshot (`registry.workflow.service_snapshot` shape) in
its row and first history row, so the history and restore work as for any other change.
Call inside a transaction; existing services go through `writer.apply_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from simple_history.utils import bulk_create_with_history

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.registry.fields import LOCATION_FIELDS, SERVICE_FIELDS
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.registry.rows import exception_from_row, funding_from_row, schedule_from_row
from integrationsatlas.taxonomy.models import OfferType

BATCH = 500


@dataclass
class NewService:
    """One service to create: its payload (locations by external id) and its provider."""

    payload: dict[str, Any]
    organization: Organization
    locations: list[Location] = field(default_factory=list)


def _service_fields(payload: dict[str, Any]) -> dict[str, Any]:
    values = {name: payload.get(name) for name in SERVICE_FIELDS if name in payload}
    for name in ("translations",):
        values[name] = values.get(name) or {}
    for name in ("target_groups", "languages"):
        values[name] = list(values.get(name) or [])
    for name, value in list(values.items()):
        if value is None and name != "capacity":
            values[name] = ""
    return values


def _snapshot(item: NewService) -> dict[str, Any]:
    """The registry snapshot of the service as it will be stored."""
    payload = item.payload
    data: dict[str, Any] = {name: payload.get(name) for name in SERVICE_FIELDS} | _service_fields(
        payload
    )
    data["offer_type"] = payload["offer_type"]
    data["organization"] = item.organization.pk
    data["external_id"] = payload.get("external_id") or None
    data["is_demo"] = bool(payload.get("is_demo"))
    data["service_area"] = sorted(payload.get("service_area") or [])
    data["locations"] = [
        {"id": location.pk}
        | {name: getattr(location, name) for name in LOCATION_FIELDS}
        | {"schedules": row.get("schedules") or [], "exceptions": row.get("exceptions") or []}
        for location, row in zip(item.locations, payload.get("locations") or [], strict=True)
    ]
    data["remote_schedules"] = payload.get("remote_schedules") or []
    data["remote_exceptions"] = payload.get("remote_exceptions") or []
    data["fundings"] = sorted(
        (
            f
            | {
                "amount_per_year": None
                if f.get("amount_per_year") in (None, "")
                else float(f["amount_per_year"]),
                "share": float(f.get("share", 1.0)),
            }
            for f in payload.get("fundings") or []
        ),
        key=lambda f: (f.get("start") or "", f.get("end") or ""),
    )
    return data


def _new_location(row: dict[str, Any], organization: Organization, is_demo: bool) -> Location:
    location = Location(organization=organization, is_demo=is_demo)
    for name in LOCATION_FIELDS:
        if name in row:
            setattr(location, name, row[name] if row[name] is not None else "")
    location.external_id = row.get("external_id") or None
    return location


def create_services(items: list[NewService], user, reason: str) -> list[Service]:
    """Insert the services with their sites, hours, funding and service area; return them."""
    history = {"default_user": user, "default_change_reason": reason, "batch_size": BATCH}
    offer_types = dict(OfferType.objects.values_list("code", "pk"))

    # Sites: reuse one row per external id (also across services of this file).
    by_key: dict[str, Location] = {}
    wanted = {
        row["external_id"]
        for item in items
        for row in item.payload.get("locations") or []
        if row.get("external_id")
    }
    existing = {loc.external_id: loc for loc in Location.objects.filter(external_id__in=wanted)}
    fresh: list[Location] = []
    for item in items:
        item.locations = []
        for row in item.payload.get("locations") or []:
            key = row.get("external_id") or ""
            location = by_key.get(key) or existing.get(key)
            if location is None:
                location = _new_location(row, item.organization, bool(item.payload.get("is_demo")))
                fresh.append(location)
                if key:
                    by_key[key] = location
            item.locations.append(location)
    if fresh:
        # The Gemeinde of each site by one vectorised point-in-polygon query (save() does one each).
        keys = gemeinde_keys_at(
            np.array([loc.longitude for loc in fresh]), np.array([loc.latitude for loc in fresh])
        )
        for location, ags in zip(fresh, keys, strict=True):
            location.gemeinde_id = ags
        bulk_create_with_history(fresh, Location, **history)

    services = []
    for item in items:
        service = Service(
            **_service_fields(item.payload),
            offer_type_id=offer_types[item.payload["offer_type"]],
            organization=item.organization,
            external_id=item.payload.get("external_id") or None,
            is_demo=bool(item.payload.get("is_demo")),
            is_published=bool(item.payload.get("is_published", True)),
            version=1,
            snapshot=_snapshot(item),
        )
        services.append(service)
    bulk_create_with_history(services, Service, **history)

    area_model = Service.service_area.through
    area_model.objects.bulk_create(
        [
            area_model(service_id=service.pk, region_id=ags)
            for service, item in zip(services, items, strict=True)
            for ags in sorted(set(item.payload.get("service_area") or []))
        ],
        batch_size=BATCH,
    )

    links = []
    link_rows = []
    for service, item in zip(services, items, strict=True):
        for location, row in zip(item.locations, item.payload.get("locations") or [], strict=True):
            links.append(ServiceAtLocation(service=service, location=location))
            link_rows.append(row)
    bulk_create_with_history(links, ServiceAtLocation, **history)

    schedules: list[Schedule] = []
    exceptions: list[ScheduleException] = []

    def hours(owner: dict[str, Any], rows, exception_rows) -> None:
        schedules.extend(schedule_from_row(owner, row) for row in rows or [])
        exceptions.extend(exception_from_row(owner, row) for row in exception_rows or [])

    for link, row in zip(links, link_rows, strict=True):
        hours({"service_at_location": link}, row.get("schedules"), row.get("exceptions"))
    fundings = []
    for service, item in zip(services, items, strict=True):
        hours(
            {"service": service},
            item.payload.get("remote_schedules"),
            item.payload.get("remote_exceptions"),
        )
        fundings.extend(
            funding_from_row(service, row) for row in item.payload.get("fundings") or []
        )
    bulk_create_with_history(schedules, Schedule, **history)
    bulk_create_with_history(exceptions, ScheduleException, **history)
    bulk_create_with_history(fundings, Funding, **history)
    return services
