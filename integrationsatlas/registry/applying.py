"""Apply a service snapshot to the live rows: the one writer of services, sites, hours, funding.

The workflow (direct saves, approvals, restores) and the import (its direct writes and
rollback) call `apply_snapshot`; the import's bulk path for new services builds its rows
from the same values (`service_values`, `site_values`, `registry.rows`). Afterwards the live
rows hold exactly the payload: `service_snapshot` gives it back (new rows with their ids).

Call inside a transaction with a validated payload (`validation.validate_snapshot`). Rows
that already hold what the payload says are kept, with their ids and without a history row;
every row written or deleted gets a history row naming who and why, and the service gets
exactly one, carrying the new snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from integrationsatlas.taxonomy.models import OfferType

from .fields import LOCATION_FIELDS, SERVICE_FIELDS
from .history import mark
from .models import Location, Placement, Service, ServiceAtLocation
from .rows import exception_from_row, funding_from_row, schedule_from_row
from .site_lookup import SiteLookup
from .snapshot import exception_row, funding_row, schedule_row, service_snapshot


def service_values(payload: dict[str, Any]) -> dict[str, Any]:
    """The service fields the payload names, as the model stores them."""
    values: dict[str, Any] = {}
    for field in SERVICE_FIELDS:
        if field not in payload:
            continue
        value = payload[field]
        if field == "capacity":
            value = None if value in (None, "") else float(value)
        elif field in ("is_free", "by_phone", "online"):
            value = bool(value)
        elif field == "translations":
            value = value or {}
        elif field in ("target_groups", "languages"):
            value = list(value or [])
        elif value is None:
            value = ""
        values[field] = value
    return values


def site_values(row: dict[str, Any]) -> dict[str, Any]:
    """A payload site row's own values, as the model stores them."""
    values: dict[str, Any] = {}
    for field in LOCATION_FIELDS:
        value = row.get(field)
        if field in ("longitude", "latitude"):
            value = float(value)
        elif field == "wheelchair_accessible":
            value = bool(value)
        elif field == "placement":
            value = value or Placement.GIVEN
        elif field == "external_id":
            value = value or None
        else:
            value = value or ""
        values[field] = value
    return values


def _save(instance, user, reason: str) -> None:
    mark(instance, user, reason)
    instance.save()


def _delete(instance, user, reason: str) -> None:
    mark(instance, user, reason)
    instance.delete()


def _replace(
    existing: Iterable, wanted: list, as_row: Callable[[Any], dict], user, reason: str
) -> None:
    """Replace the `existing` rows by `wanted`, unless they hold the same snapshot rows.

    Compared in any order: the snapshot lists rows in its own order, files in theirs.
    Deleting and re-inserting identical rows would change nothing but the ids and add a
    delete and an insert history row for each (thousands on a re-import).
    """
    existing = list(existing)
    if sorted(map(as_row, existing), key=repr) == sorted(map(as_row, wanted), key=repr):
        return
    for row in existing:
        _delete(row, user, reason)
    for row in wanted:
        _save(row, user, reason)


def _replace_hours(owner: dict[str, Any], schedules, exceptions, existing, user, reason) -> None:
    """Weekly hours and differing days of one owner (a site link or the service itself)."""
    current_schedules, current_exceptions = existing
    _replace(
        current_schedules,
        [schedule_from_row(owner, row) for row in schedules or []],
        schedule_row,
        user,
        reason,
    )
    _replace(
        current_exceptions,
        [exception_from_row(owner, row) for row in exceptions or []],
        exception_row,
        user,
        reason,
    )


def _apply_site(location: Location, row: dict, user, reason: str) -> None:
    changed = location.pk is None
    for field, value in site_values(row).items():
        if getattr(location, field) != value:
            setattr(location, field, value)
            changed = True
    if changed:
        # An unchanged site keeps its row and gets no history row of its own.
        _save(location, user, reason)


def _remove_link(link: ServiceAtLocation, user, reason: str) -> None:
    location = link.location
    # The hours one by one, so each history row names who and why (a cascade would not).
    for item in [*link.schedules.all(), *link.exceptions.all()]:
        _delete(item, user, reason)
    _delete(link, user, reason)
    # A site nobody uses any more goes too; its history keeps it restorable.
    if not location.service_at_locations.exists():
        _delete(location, user, reason)


def _apply_locations(service: Service, rows: list[dict], user, reason: str, is_new: bool) -> None:
    sites = SiteLookup(rows)
    links = (
        {}
        if is_new
        else {
            link.location_id: link
            for link in service.service_at_locations.select_related("location")
        }
    )
    kept: set[int] = set()
    for row in rows:
        location = sites.updatable(row, service.organization_id, service.pk) or Location(
            organization_id=service.organization_id, is_demo=service.is_demo
        )
        _apply_site(location, row, user, reason)
        link = links.get(location.pk)
        existing = ([], []) if link is None else (link.schedules.all(), link.exceptions.all())
        if link is None:
            link = ServiceAtLocation(service=service, location=location)
            _save(link, user, reason)
            links[location.pk] = link
        kept.add(location.pk)
        owner = {"service_at_location": link}
        _replace_hours(owner, row.get("schedules"), row.get("exceptions"), existing, user, reason)
    for location_id, link in links.items():
        if location_id not in kept:
            _remove_link(link, user, reason)


def apply_snapshot(
    user, service: Service | None, payload: dict[str, Any], reason: str, publish: bool
) -> Service:
    """Make the live rows of `service` (None: a new one) what `payload` says; return the service.

    `publish` sets whether the public sees it. The payload's `external_id` and `is_demo`
    apply when it names them (a new service without `is_demo` is not demo data).
    """
    is_new = service is None
    if service is None:
        service = Service(version=0)
    # Rows prefetched before this write would be stale in the snapshot taken after it.
    service._prefetched_objects_cache = {}
    for field, value in service_values(payload).items():
        setattr(service, field, value)
    service.offer_type = OfferType.objects.get(code=payload["offer_type"])
    service.organization_id = int(payload["organization"])
    if "external_id" in payload:
        service.external_id = payload["external_id"] or None
    if "is_demo" in payload or is_new:
        service.is_demo = bool(payload.get("is_demo", False))
    service.is_published = publish
    # The intermediate save writes no history row; the final one below carries the snapshot.
    service.skip_history_when_saving = True
    try:
        service.save()
        service.service_area.set(payload.get("service_area") or [])
    finally:
        del service.skip_history_when_saving
    _apply_locations(service, payload.get("locations") or [], user, reason, is_new)
    remote = (
        ([], []) if is_new else (service.remote_schedules.all(), service.remote_exceptions.all())
    )
    _replace_hours(
        {"service": service},
        payload.get("remote_schedules"),
        payload.get("remote_exceptions"),
        remote,
        user,
        reason,
    )
    _replace(
        [] if is_new else service.fundings.all(),
        [funding_from_row(service, row) for row in payload.get("fundings") or []],
        funding_row,
        user,
        reason,
    )
    service.version += 1
    service.snapshot = service_snapshot(service)
    _save(service, user, reason)
    if is_new:
        # Django calls the final save an update (the row exists since the first one), but it
        # writes the new service's only history row: that row records the creation.
        service.history.all().update(history_type="+")
    return service
