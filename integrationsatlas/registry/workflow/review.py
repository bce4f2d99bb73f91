"""A coordinator's decision on a submitted change request: approve it, or send it back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, signals
from ..applying import apply_snapshot
from ..history import mark
from ..models import ChangeRequest, Service
from ..validation import validate_snapshot
from .errors import StaleReviewError, WorkflowError
from .locking import check_base, lock_service


def can_approve(user, change: ChangeRequest) -> bool:
    """May this user approve or send back the change (current and proposed state reviewable)?"""
    return permissions.can_apply_directly(user, change.service, change.payload)


def _check_reviewer(user, change: ChangeRequest) -> None:
    if not can_approve(user, change):
        raise PermissionDenied(_("Sie dürfen Änderungen an diesem Angebot nicht prüfen."))


def _check_revision(change: ChangeRequest, revision) -> None:
    """Refuse a decision on a revision other than the current one (`None`: not checked).

    Anything else that does not name the current revision (missing, garbled) is refused too:
    nobody can tell what the reviewer saw.
    """
    if revision is None or str(revision).strip() == str(change.revision):
        return
    message = _(
        "Der Änderungsantrag wurde inzwischen geändert, nachdem Sie ihn geöffnet hatten. "
        "Es wurde nichts freigegeben oder zurückgegeben. Bitte prüfen Sie die aktuellen "
        "Änderungen und entscheiden Sie erneut."
    )
    raise StaleReviewError(message, change)


def _submitted_change(user, change: ChangeRequest, revision) -> ChangeRequest:
    """The change, locked and re-read, if this user may decide on the revision they saw."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    _check_reviewer(user, change)
    if change.state != ChangeRequest.State.SUBMITTED:
        raise WorkflowError([_("Diese Änderung wartet nicht auf eine Prüfung.")])
    _check_revision(change, revision)
    return change


def approve(user, change: ChangeRequest, comment: str = "", revision=None) -> Service:
    """Apply a submitted change to the live rows and publish it.

    `revision` is the change's revision the reviewer saw (the review page sends it); if the
    provider edited the change since, nothing is published (`StaleReviewError`).
    """
    with transaction.atomic():
        # The service first, then the change (see lock_service); a change never moves to
        # another service, so the caller's copy names the right one. A second approval waits
        # here and then finds the change approved.
        service = lock_service(change.service_id)
        change = _submitted_change(user, change, revision)
        check_base(service, change.base_version)
        problems = validate_snapshot(change.payload)
        if problems:
            raise WorkflowError(problems)
        text = _("Freigegeben") + (f": {change.reason}" if change.reason else "")
        service = apply_snapshot(user, service, change.payload, text, publish=True)
        change.state = ChangeRequest.State.APPROVED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        change.review_comment = comment
        mark(change, user, _("Freigegeben"))
        change.save()
        signals.change_approved.send(Service, service=service, change=change, actor=user)
        return service


def send_back(user, change: ChangeRequest, comment: str, revision=None) -> ChangeRequest:
    """Return a submitted change to its author with a comment saying what to fix.

    `revision` as in `approve`: a comment on a version the provider has replaced is refused.
    """
    if not (comment or "").strip():
        raise WorkflowError([_("review_comment: Bitte schreiben Sie, was geändert werden soll.")])
    with transaction.atomic():
        # Only the change is written, but the service lock comes first all the same: the lock
        # order of approve and save_service, and on SQLite the wait for the write lock.
        lock_service(change.service_id)
        change = _submitted_change(user, change, revision)
        change.state = ChangeRequest.State.RETURNED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        change.review_comment = comment.strip()
        mark(change, user, _("Zurückgegeben"))
        change.save()
        signals.change_sent_back.send(Service, service=change.service, change=change, actor=user)
        return change
