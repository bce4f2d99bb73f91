"""Saving a service's proposed state: applied at once for reviewers, a change request otherwise."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..applying import apply_snapshot
from ..history import mark
from ..models import ChangeRequest, Location, Organization, Service
from ..site_lookup import SiteLookup
from ..snapshot import service_snapshot
from ..validation import validate_snapshot
from .errors import DuplicateIdError, WorkflowError
from .locking import check_base, lock_service

OPEN_STATES = (
    ChangeRequest.State.DRAFT,
    ChangeRequest.State.SUBMITTED,
    ChangeRequest.State.RETURNED,
)


def open_change(service: Service) -> ChangeRequest | None:
    """The one pending change of a service (draft, submitted or returned), if any."""
    return service.change_requests.filter(state__in=OPEN_STATES).order_by("-created_at").first()


def _clean_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy without the locking key, so it can be stored and compared."""
    data = copy.deepcopy(payload)
    data.pop("base_version", None)
    data.pop("version", None)
    return data


def _check_unique_ids(service: Service | None, payload: dict) -> None:
    """Refuse external ids that belong to another service or site, naming the field.

    Without this the database's unique index fails mid-write (HTTP 500). A site row may keep
    the id of the stored site it updates (see `site_lookup`).
    """
    problems = []
    external_id = payload.get("external_id") or None
    others = Service.objects.exclude(pk=service.pk) if service is not None else Service.objects
    if external_id and others.filter(external_id=external_id).exists():
        problems.append(
            "external_id: "
            + _("Die externe ID „%(id)s“ gehört schon zu einem anderen Angebot.")
            % {"id": external_id}
        )
    rows = [row for row in payload.get("locations") or [] if isinstance(row, dict)]
    sites = SiteLookup(rows)
    service_id = service.pk if service is not None else None
    for index, row in enumerate(payload.get("locations") or []):
        location_key = row.get("external_id") or None if isinstance(row, dict) else None
        if not location_key:
            continue
        updated = sites.updatable(row, payload.get("organization"), service_id)
        taken = Location.objects.filter(external_id=location_key)
        if updated is not None:
            taken = taken.exclude(pk=updated.pk)
        if taken.exists():
            problems.append(
                f"locations[{index}].external_id: "
                + _("Die externe ID „%(id)s“ gehört schon zu einem anderen Standort.")
                % {"id": location_key}
            )
    if problems:
        raise DuplicateIdError(problems)


def _organization_for(user, service, payload, organization) -> Organization:
    if organization is not None:
        payload["organization"] = organization.pk
    if not payload.get("organization"):
        if service is not None:
            payload["organization"] = service.organization_id
        else:
            own = sorted(permissions.organization_ids(user))
            if len(own) != 1:
                raise WorkflowError([_("organization: Bitte wählen Sie den Träger.")])
            payload["organization"] = own[0]
    try:
        org = Organization.objects.get(pk=int(payload["organization"]), is_deleted=False)
    except (Organization.DoesNotExist, TypeError, ValueError) as error:
        raise WorkflowError([_("organization: Diesen Träger gibt es nicht.")]) from error
    payload["organization"] = org.pk
    return org


def _check_may_save(user, service: Service | None, org: Organization) -> None:
    if service is None:
        if not permissions.can_create_for(user, org):
            raise PermissionDenied(_("Sie dürfen für diesen Träger nichts anlegen."))
        return
    if not permissions.can_edit_service(user, service):
        raise PermissionDenied(_("Sie dürfen dieses Angebot nicht bearbeiten."))
    if org.pk != service.organization_id and not permissions.can_create_for(user, org):
        raise PermissionDenied(_("Sie dürfen das Angebot nicht diesem Träger zuordnen."))
    if service.is_deleted:
        raise WorkflowError([_("Das Angebot ist gelöscht. Stellen Sie es zuerst wieder her.")])


def _apply_now(user, service: Service | None, payload: dict, reason: str) -> Service:
    """A reviewer's save: applied and published; their own pending draft counts as applied."""
    text = reason or (_("Neu angelegt") if service is None else _("Geändert"))
    service = apply_snapshot(user, service, payload, text, publish=True)
    change = open_change(service)
    if change is not None and change.created_by_id == getattr(user, "pk", None):
        change.state = ChangeRequest.State.APPROVED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        mark(change, user, text)
        change.save()
    return service


def _propose(
    user, service: Service | None, payload: dict, reason: str, submit: bool
) -> tuple[Service, ChangeRequest]:
    """Anyone else's save: a change request (submitted, or a draft) holding the payload."""
    if service is None or not service.is_published:
        # A new service lives as invisible rows until approval, so it has an id and a page.
        text = reason or _("Neu eingereicht")
        service = apply_snapshot(user, service, payload, text, publish=False)
        # The proposal now names the rows just written (site ids), so approving it
        # publishes these rows instead of creating the sites a second time.
        payload = service_snapshot(service)
    change = open_change(service)
    if change is None:
        change = ChangeRequest(service=service, created_by=user)
    else:
        # A rewrite under the service lock: a reviewer's decision on the old revision fails.
        change.revision += 1
    change.payload = _clean_payload(payload)
    change.base_version = service.version
    change.reason = reason[:500]
    change.created_by = user
    if submit:
        change.state = ChangeRequest.State.SUBMITTED
        change.submitted_at = timezone.now()
    else:
        change.state = ChangeRequest.State.DRAFT
    mark(change, user, reason or (_("Eingereicht") if submit else _("Entwurf gespeichert")))
    change.save()
    if submit:
        signals.change_submitted.send(Service, service=service, change=change, actor=user)
    return service, change


def save_service(
    user,
    service: Service | None,
    payload: dict[str, Any],
    reason: str = "",
    organization: Organization | None = None,
    submit: bool = True,
) -> tuple[Service, ChangeRequest | None]:
    """Save a service's proposed state: applied at once for reviewers, a ChangeRequest otherwise.

    `payload` is a snapshot (see `service_snapshot`); an optional `base_version` key is the
    version the editor started from and makes a stale edit a `ConflictError`. `submit=False`
    keeps a provider's change as a draft that no coordinator sees yet.
    """
    payload = copy.deepcopy(payload)
    base_version = payload.pop("base_version", None)
    payload.pop("version", None)
    org = _organization_for(user, service, payload, organization)
    _check_may_save(user, service, org)
    problems = validate_snapshot(payload)
    if problems:
        raise WorkflowError(problems)
    reason = (reason or "").strip()
    with transaction.atomic():
        if service is not None:
            service = lock_service(service.pk)
            if service.is_deleted:
                # Deleted while this save waited for the lock: the same refusal as above.
                raise WorkflowError(
                    [_("Das Angebot ist gelöscht. Stellen Sie es zuerst wieder her.")]
                )
            check_base(service, base_version)
        _check_unique_ids(service, payload)
        if permissions.can_apply_directly(user, service, payload):
            return _apply_now(user, service, payload, reason), None
        return _propose(user, service, payload, reason, submit)
