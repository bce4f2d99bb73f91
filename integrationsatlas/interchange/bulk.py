"""Create many new services at once: bulk inserts, with one history row per object.

The import's fast path for services the registry does not hold yet, written directly (state
administrators, coordinators, the command line). Every value comes from the registry's one
writer (`registry.applying`: service and site values, `registry.rows`: hours and funding,
`registry.site_lookup`: which stored sites a row reuses), so the rows are those
`apply_snapshot` would write; only the inserts are batched. django-simple-history's
`bulk_create_with_history` writes the history rows with the import's user and reason, and
`registry.history.record_first_versions` then stores each service's snapshot in its row and
first history row. Call inside a transaction; existing services go through
`writer.apply_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from simple_history.utils import bulk_create_with_history

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.registry.applying import service_values, site_values
from integrationsatlas.registry.history import (
    history_reason,
    history_user,
    mark,
    record_first_versions,
)
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
from integrationsatlas.registry.site_lookup import SiteLookup
from integrationsatlas.taxonomy.models import OfferType

BATCH = 500


@dataclass
class NewService:
    """One service to create: its payload (locations by external id) and its provider."""

    payload: dict[str, Any]
    organization: Organization
    locations: list[Location] = field(default_factory=list)


def _place_sites(items: list[NewService], user, reason: str) -> list[Location]:
    """Each item's sites: a stored one the row may update, one created earlier in this batch
    (the same external id), or a new one; returns the new ones, unsaved.

    A stored site whose values the row changes is saved here, one by one, with its history.
    """
    sites = SiteLookup(row for item in items for row in item.payload.get("locations") or [])
    by_key: dict[str, Location] = {}
    fresh: list[Location] = []
    for item in items:
        item.locations = []
        for row in item.payload.get("locations") or []:
            key = row.get("external_id") or ""
            location = by_key.get(key) or sites.updatable(row, item.organization.pk)
            if location is None:
                location = Location(
                    **site_values(row),
                    organization=item.organization,
                    is_demo=bool(item.payload.get("is_demo")),
                )
                fresh.append(location)
            elif location.pk is not None:
                values = site_values(row)
                if any(getattr(location, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(location, name, value)
                    mark(location, user, reason)
                    location.save()
            if key:
                by_key[key] = location
            item.locations.append(location)
    return fresh


def _hours_and_funding(
    services: list[Service], items: list[NewService], links: list[ServiceAtLocation]
) -> tuple[list[Schedule], list[ScheduleException], list[Funding]]:
    """The rows of every link's and every service's hours and funding, unsaved."""
    schedules: list[Schedule] = []
    exceptions: list[ScheduleException] = []
    fundings: list[Funding] = []

    def hours(owner: dict[str, Any], rows, exception_rows) -> None:
        schedules.extend(schedule_from_row(owner, row) for row in rows or [])
        exceptions.extend(exception_from_row(owner, row) for row in exception_rows or [])

    link_rows = [row for item in items for row in item.payload.get("locations") or []]
    for link, row in zip(links, link_rows, strict=True):
        hours({"service_at_location": link}, row.get("schedules"), row.get("exceptions"))
    for service, item in zip(services, items, strict=True):
        hours(
            {"service": service},
            item.payload.get("remote_schedules"),
            item.payload.get("remote_exceptions"),
        )
        fundings.extend(
            funding_from_row(service, row) for row in item.payload.get("fundings") or []
        )
    return schedules, exceptions, fundings


def create_services(items: list[NewService], user, reason: str) -> list[Service]:
    """Insert the services with their sites, hours, funding and service area; return them."""
    reason = history_reason(reason)
    history = {
        "default_user": history_user(user),
        "default_change_reason": reason,
        "batch_size": BATCH,
    }
    offer_types = dict(OfferType.objects.values_list("code", "pk"))

    fresh = _place_sites(items, user, reason)
    if fresh:
        # The Gemeinde of each site by one vectorised point-in-polygon query (save() does one each).
        keys = gemeinde_keys_at(
            np.array([loc.longitude for loc in fresh]), np.array([loc.latitude for loc in fresh])
        )
        for location, ags in zip(fresh, keys, strict=True):
            location.gemeinde_id = ags
        bulk_create_with_history(fresh, Location, **history)

    services = [
        Service(
            **service_values(item.payload),
            offer_type_id=offer_types[item.payload["offer_type"]],
            organization=item.organization,
            external_id=item.payload.get("external_id") or None,
            is_demo=bool(item.payload.get("is_demo")),
            is_published=bool(item.payload.get("is_published", True)),
            version=1,
        )
        for item in items
    ]
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
    links = [
        ServiceAtLocation(service=service, location=location)
        for service, item in zip(services, items, strict=True)
        for location in item.locations
    ]
    bulk_create_with_history(links, ServiceAtLocation, **history)
    schedules, exceptions, fundings = _hours_and_funding(services, items, links)
    bulk_create_with_history(schedules, Schedule, **history)
    bulk_create_with_history(exceptions, ScheduleException, **history)
    bulk_create_with_history(fundings, Funding, **history)
    # The snapshot names the rows' ids, so it is taken once they all exist.
    record_first_versions(service.pk for service in services)
    return services
