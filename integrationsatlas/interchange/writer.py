"""The stored rows an import names, whether it changes them, and its direct write.

Direct writes are for users who may publish at once (state administrators, coordinators of
the region, and the command line) and for rollbacks; they go through the registry's one
writer of live rows (`registry.applying.apply_snapshot`). Call inside a transaction.
"""

from __future__ import annotations

from typing import Any

from integrationsatlas.registry.applying import apply_snapshot
from integrationsatlas.registry.fields import LOCATION_FIELDS, SERVICE_FIELDS
from integrationsatlas.registry.models import Organization, Service
from integrationsatlas.registry.snapshot import with_snapshot_rows

from .payload import export_payload


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


def apply_payload(
    payload: dict[str, Any],
    organization: Organization,
    user=None,
    reason: str = "",
    service: Service | None = None,
) -> Service:
    """Create or update the service a file (or a rollback) names, published unless it says not.

    The payload's state is written by the registry's one writer (`registry.applying`); a
    deleted service the file names is live again.
    """
    service = service or find_service(payload.get("external_id"))
    if service is not None:
        service.is_deleted = False
    payload = payload | {"organization": organization.pk}
    publish = bool(payload.get("is_published", True))
    return apply_snapshot(user, service, payload, reason, publish=publish)
