"""Write one service payload to the live rows directly, with history naming user and reason.

Used by imports and their rollback for users who may publish at once (state administrators,
coordinators of the region, and the command line). Call inside a transaction.
"""

from __future__ import annotations

from typing import Any

from integrationsatlas.regions.models import Region
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
from integrationsatlas.registry.workflow import with_snapshot_rows
from integrationsatlas.taxonomy.models import OfferType

from .payload import export_payload


def _mark(instance, user, reason: str) -> None:
    # django-simple-history reads these when it writes the history row.
    instance._change_reason = reason
    instance._history_user = user


def _save(instance, user, reason: str) -> None:
    _mark(instance, user, reason)
    instance.save()


def _delete(instance, user, reason: str) -> None:
    _mark(instance, user, reason)
    instance.delete()


def find_service(external_id: str | None) -> Service | None:
    """A service by external id, or by the `ia-service-<pk>` id exports give services without one."""
    if not external_id:
        return None
    found = Service.objects.filter(external_id=external_id).first()
    if found is None and external_id.startswith("ia-service-"):
        key = external_id.removeprefix("ia-service-")
        if key.isdigit():
            found = Service.objects.filter(pk=int(key), external_id__isnull=True).first()
    return found


def _numbered(keys, prefix: str) -> dict[int, str]:
    """The row numbers inside ids like `ia-service-12` that exports give rows without an id."""
    found = {}
    for key in keys:
        number = key.removeprefix(prefix)
        if key.startswith(prefix) and number.isdigit():
            found[int(number)] = key
    return found


def find_services(keys: list[str]) -> dict[str, Service]:
    """`find_service` for many ids at once: id -> service, for those that exist.

    The services come with everything their snapshot needs (`with_snapshot_rows`), so
    comparing them with the file costs no query per service.
    """
    keys = [k for k in keys if k]
    services = with_snapshot_rows(Service.objects.all())
    found = {s.external_id: s for s in services.filter(external_id__in=keys)}
    numbered = _numbered([k for k in keys if k not in found], "ia-service-")
    if numbered:
        for service in services.filter(pk__in=list(numbered), external_id__isnull=True):
            found[numbered[service.pk]] = service
    return found


def find_organizations(keys: list[str]) -> dict[str, Organization]:
    """`find_organization` for many ids at once: id -> organization, for those that exist."""
    keys = [k for k in keys if k]
    found = {o.external_id: o for o in Organization.objects.filter(external_id__in=keys)}
    numbered = _numbered([k for k in keys if k not in found], "ia-organization-")
    for org in Organization.objects.filter(pk__in=list(numbered), external_id__isnull=True):
        found[numbered[org.pk]] = org
    return found


def find_location(external_id: str | None) -> Location | None:
    if not external_id:
        return None
    found = Location.objects.filter(external_id=external_id).first()
    if found is None and external_id.startswith("ia-location-"):
        key = external_id.removeprefix("ia-location-")
        if key.isdigit():
            found = Location.objects.filter(pk=int(key), external_id__isnull=True).first()
    return found


def find_organization(key: str | None) -> Organization | None:
    if not key:
        return None
    found = Organization.objects.filter(external_id=key).first()
    if found is None and key.startswith("ia-organization-"):
        key = key.removeprefix("ia-organization-")
        if key.isdigit():
            found = Organization.objects.filter(pk=int(key), external_id__isnull=True).first()
    return found


def _comparable(payload: dict[str, Any]) -> dict[str, Any]:
    """The parts of a payload an import sets (ids of rows are not compared)."""
    result = {k: payload.get(k) for k in (*SERVICE_FIELDS, "offer_type", "is_demo")}
    result["organization"] = payload.get("organization")
    result["service_area"] = sorted(payload.get("service_area") or [])
    # Order is not content: the registry lists sites and funding by row, files by id or date.
    result["locations"] = sorted(
        (
            {k: loc.get(k) for k in (*LOCATION_FIELDS, "schedules", "exceptions")}
            for loc in payload.get("locations") or []
        ),
        key=lambda loc: str(loc.get("external_id") or ""),
    )
    for key in ("remote_schedules", "remote_exceptions"):
        result[key] = payload.get(key) or []
    result["fundings"] = sorted(payload.get("fundings") or [], key=repr)
    return result


def is_unchanged(service: Service, payload: dict[str, Any], current: dict | None = None) -> bool:
    """Whether the import would leave the service as it is; `current` is its export payload."""
    current = export_payload(service) if current is None else current
    return _comparable(current) == _comparable(payload)


def _content(instance) -> tuple:
    """A row's stored values apart from its id (owner ids included)."""
    return tuple(
        getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key
    )


def _replace_rows(existing, new_rows: list, user, reason: str) -> None:
    """Replace the `existing` rows by `new_rows`, unless they are the same rows in the same order.

    Deleting and re-inserting identical rows would change nothing but the ids and add a
    delete and an insert history row for each (thousands on a re-import); skipping keeps the
    stored state exactly what the rewrite would have produced.
    """
    existing = list(existing.order_by("pk"))
    if [_content(row) for row in existing] == [_content(row) for row in new_rows]:
        return
    for row in existing:
        _delete(row, user, reason)
    for row in new_rows:
        _save(row, user, reason)


def _replace_hours(owner: dict[str, Any], schedules, exceptions, user, reason) -> None:
    _replace_rows(
        Schedule.objects.filter(**owner),
        [schedule_from_row(owner, row) for row in schedules or []],
        user,
        reason,
    )
    _replace_rows(
        ScheduleException.objects.filter(**owner),
        [exception_from_row(owner, row) for row in exceptions or []],
        user,
        reason,
    )


# A site's values `Location.save` derives itself (the Gemeinde from the coordinates).
_DERIVED_LOCATION_FIELDS = {"gemeinde_id"}


def _location_state(location: Location) -> tuple:
    return tuple(
        getattr(location, f.attname)
        for f in Location._meta.concrete_fields
        if f.attname not in _DERIVED_LOCATION_FIELDS
    )


def apply_payload(
    payload: dict[str, Any],
    organization: Organization,
    user=None,
    reason: str = "",
    service: Service | None = None,
) -> Service:
    """Create or update a service and its sites, hours, funding and area to match `payload`.

    Sites, hours and funding rows that already match are kept as they are (see `_replace_rows`).
    """
    service = service or find_service(payload.get("external_id")) or Service()
    for field in SERVICE_FIELDS:
        if field in payload:
            setattr(service, field, payload[field])
    service.offer_type = OfferType.objects.get(code=payload["offer_type"])
    service.organization = organization
    service.external_id = payload.get("external_id") or service.external_id
    service.is_demo = bool(payload.get("is_demo", service.is_demo))
    service.is_published = bool(payload.get("is_published", True))
    service.is_deleted = False
    if service.pk:
        service.version += 1
    _save(service, user, reason)
    _mark(service, user, reason)
    service.service_area.set(Region.objects.filter(ags__in=payload.get("service_area") or []))

    keep: set[int] = set()
    for row in payload.get("locations") or []:
        location = find_location(row.get("external_id"))
        if location is None and row.get("id"):
            location = Location.objects.filter(pk=row["id"]).first()
        location = location or Location(organization=organization)
        stored = _location_state(location) if location.pk else None
        for field in LOCATION_FIELDS:
            if field in row:
                setattr(location, field, row[field])
        location.external_id = row.get("external_id") or location.external_id
        location.is_demo = service.is_demo
        if stored is None or _location_state(location) != stored:
            # An unchanged site keeps its row (and gets no history row of its own).
            _save(location, user, reason)
        sal = ServiceAtLocation.objects.filter(service=service, location=location).first()
        if sal is None:
            sal = ServiceAtLocation(service=service, location=location)
            _save(sal, user, reason)
        keep.add(sal.pk)
        _replace_hours(
            {"service_at_location": sal}, row.get("schedules"), row.get("exceptions"), user, reason
        )
    for sal in ServiceAtLocation.objects.filter(service=service).exclude(pk__in=keep):
        _delete(sal, user, reason)
    _replace_hours(
        {"service": service},
        payload.get("remote_schedules"),
        payload.get("remote_exceptions"),
        user,
        reason,
    )
    _replace_rows(
        Funding.objects.filter(service=service),
        [funding_from_row(service, row) for row in payload.get("fundings") or []],
        user,
        reason,
    )
    return service
