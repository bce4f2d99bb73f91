"""Bringing back a past version of a service, and deleting or undeleting it (soft delete)."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..applying import apply_snapshot
from ..fields import SERVICE_FIELDS
from ..history import mark
from ..models import Service
from ..snapshot import service_snapshot
from ..validation import validate_snapshot
from .errors import WorkflowError
from .locking import lock_service


def restore(user, service: Service, history_id: int) -> Service:
    """Bring back the state a service had in one of its history rows (coordinators, admins)."""
    with transaction.atomic():
        # Locked before anything is read: the checks and a partial snapshot's missing parts
        # (sites, hours, funding) come from the current state, not from one a save replaced.
        service = lock_service(service.pk)
        record = service.history.filter(history_id=history_id).first()
        if record is None:
            raise WorkflowError([_("Diese Version gibt es nicht.")])
        if record.snapshot:
            payload = copy.deepcopy(record.snapshot)
        else:
            # A history row without a snapshot holds only the service fields; sites, hours
            # and funding stay as they are now.
            payload = service_snapshot(service)
            payload.update({field: getattr(record, field) for field in SERVICE_FIELDS})
        if not permissions.can_restore(user, service) or not permissions.can_apply_directly(
            user, service, payload
        ):
            raise PermissionDenied(_("Sie dürfen dieses Angebot nicht wiederherstellen."))
        problems = validate_snapshot(payload)
        if problems:
            raise WorkflowError(problems)
        when = timezone.localtime(record.history_date).strftime("%d.%m.%Y %H:%M")
        text = _("Wiederhergestellt: Stand vom %(date)s (Version %(version)s)") % {
            "date": when,
            "version": record.version,
        }
        service = apply_snapshot(user, service, payload, text, publish=True)
        signals.service_restored.send(Service, service=service, change=None, actor=user)
        return service


def may_delete(user, service: Service) -> bool:
    """Reviewers delete anything they review; providers only what the public never saw."""
    if permissions.can_review_service(user, service):
        return True
    return permissions.can_edit_service(user, service) and not service.is_published


def _set_deleted(user, service: Service, reason: str, deleted: bool) -> Service:
    if not may_delete(user, service):
        raise PermissionDenied(_("Sie dürfen dieses Angebot nicht löschen."))
    if not (reason or "").strip():
        raise WorkflowError([_("reason: Bitte nennen Sie den Grund.")])
    with transaction.atomic():
        service = lock_service(service.pk)
        if service.is_deleted == deleted:
            return service
        service.is_deleted = deleted
        service.version += 1
        service.snapshot = service_snapshot(service)
        prefix = _("Gelöscht") if deleted else _("Wiederhergestellt")
        mark(service, user, f"{prefix}: {reason.strip()}")
        service.save()
        return service


def delete_service(user, service: Service, reason: str) -> Service:
    """Soft delete: the public no longer sees the service; undelete brings it back unchanged."""
    return _set_deleted(user, service, reason, True)


def undelete_service(user, service: Service, reason: str) -> Service:
    return _set_deleted(user, service, reason, False)
