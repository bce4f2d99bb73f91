"""One writer per service at a time, and no write on top of a version the editor never saw."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from ..diff import diff_snapshots
from ..models import Service
from ..snapshot import service_snapshot
from .errors import ConflictError, WorkflowError


def lock_service(pk: int) -> Service:
    """The service row, locked until the transaction ends: the version check and the write are one step.

    PostgreSQL locks the row (SELECT ... FOR UPDATE); a second save waits, then reads the version
    the first one wrote and fails the check. SQLite ignores FOR UPDATE and locks the whole file
    at the first write; a transaction that has read and then wants to write while another one
    holds that lock fails at once with "database is locked", without the busy timeout. So there
    a no-op write comes first: it waits for the lock, and the version read after it is current.

    Every workflow write takes this lock first, before reading anything else in its transaction
    (on SQLite an earlier read would bring back the immediate failure), and a change request
    only after it: one lock order, so two writers on PostgreSQL cannot deadlock.
    """
    if not connection.features.has_select_for_update:
        Service.objects.filter(pk=pk).update(version=F("version"))
    return Service.objects.select_for_update().get(pk=pk)


def _conflict(service: Service, base_version: int) -> ConflictError:
    base = service.history.filter(version=base_version).exclude(snapshot={}).order_by("-pk").first()
    current = service_snapshot(service)
    diff = diff_snapshots(base.snapshot, current) if base is not None else []
    message = _(
        "Das Angebot wurde inzwischen geändert (Ihre Fassung beruht auf Version %(base)s, "
        "aktuell ist Version %(current)s). Bitte laden Sie die Seite neu und übernehmen Sie "
        "Ihre Änderungen erneut."
    ) % {"base": base_version, "current": service.version}
    return ConflictError(message, diff)


def check_base(service: Service, base_version) -> None:
    """Refuse a change based on another version than the service's current one (None: unchecked)."""
    if base_version in (None, ""):
        return
    try:
        base = int(base_version)
    except (TypeError, ValueError) as error:
        raise WorkflowError([_("base_version: keine gültige Versionsnummer")]) from error
    if base != service.version:
        raise _conflict(service, base)
