"""Freshness of offers: confirming one as current, and which ones nobody checked for too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .history import mark
from .models import Service
from .workflow.errors import WorkflowError
from .workflow.locking import lock_service

# An offer nobody confirmed or changed for this long counts as stale (issue 19: 180 days).
STALE_AFTER = timedelta(days=180)


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - STALE_AFTER


def stale_services(services: QuerySet[Service], now: datetime | None = None) -> QuerySet[Service]:
    """Published, undeleted offers among `services` not confirmed or changed since the cutoff.

    `updated_at` is never older than `confirmed_at` (a confirmation saves the row), so one
    comparison covers both.
    """
    return services.filter(
        is_published=True, is_deleted=False, updated_at__lt=stale_cutoff(now)
    ).order_by("updated_at", "pk")


def confirm(user, service: Service) -> Service:
    """Record that `user` checked the published offer and it is still current.

    Only its editors (provider, coordinator, admin) may; the history keeps who and when.
    Content and version stay as they are, so a pending change request is not made stale.
    """
    if not permissions.can_edit_service(user, service):
        raise PermissionDenied(_("Sie dürfen dieses Angebot nicht bestätigen."))
    with transaction.atomic():
        service = lock_service(service.pk)
        if service.is_deleted or not service.is_published:
            raise WorkflowError(
                [_("Nur veröffentlichte Angebote können als aktuell bestätigt werden.")]
            )
        service.confirmed_at = timezone.now()
        mark(service, user, _("Als aktuell bestätigt"))
        service.save()
        return service
