"""The registry workflow: snapshot, validate, save (direct or for review), approve, send back, restore, delete.

Every write goes through here (web pages, API, imports), runs in one transaction and leaves
a history row naming who, when and why. A service's full state travels as a JSON-safe
snapshot (`service_snapshot`); the live rows are the last approved state, a provider's
pending edit is a `ChangeRequest` holding the proposed snapshot.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions, signals
from .diff import diff_snapshots
from .fields import LOCATION_FIELDS, SERVICE_FIELDS
from .models import (
    ChangeRequest,
    Funding,
    Location,
    Organization,
    Placement,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from .rows import exception_from_row, funding_from_row, schedule_from_row
from .validation import parse_date, parse_time, validate_snapshot

__all__ = [
    "ConflictError",
    "DuplicateIdError",
    "StaleReviewError",
    "WorkflowError",
    "approve",
    "can_approve",
    "delete_service",
    "may_delete",
    "open_change",
    "restore",
    "save_service",
    "send_back",
    "service_snapshot",
    "undelete_service",
    "validate_snapshot",
    "with_snapshot_rows",
]

OPEN_STATES = (
    ChangeRequest.State.DRAFT,
    ChangeRequest.State.SUBMITTED,
    ChangeRequest.State.RETURNED,
)


class WorkflowError(ValueError):
    """The change cannot be saved; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class ConflictError(WorkflowError):
    """Someone changed the service after the version this change was based on.

    `diff` lists what changed meanwhile as (field label, then, now).
    """

    def __init__(self, message: str, diff: list[tuple[str, str, str]]):
        super().__init__([message])
        self.diff = diff


class DuplicateIdError(WorkflowError):
    """An external id the payload names is already used by another service or site."""


class StaleReviewError(WorkflowError):
    """The change request was edited after the reviewer loaded it; the decision is refused.

    `change` is the current request, so the caller can show (or link) its current diff.
    """

    def __init__(self, message: str, change: ChangeRequest):
        super().__init__([message])
        self.change = change


# --- snapshot -------------------------------------------------------------------------------


# The order a snapshot lists rows in; `with_snapshot_rows` prefetches in the same order.
SCHEDULE_ORDER = ("weekday", "opens_at", "pk")
EXCEPTION_ORDER = ("date", "pk")
FUNDING_ORDER = ("start", "end", "pk")


def with_snapshot_rows(services: QuerySet[Service]) -> QuerySet[Service]:
    """`services` with everything `service_snapshot` reads, in a few queries for all of them.

    Snapshots of these services then run without queries. The prefetched rows are the state at
    loading time: reload (or clear `_prefetched_objects_cache`) before snapshotting after a write.
    """
    return services.select_related("offer_type").prefetch_related(
        "service_area",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("pk"),
        ),
        Prefetch(
            "service_at_locations__schedules", queryset=Schedule.objects.order_by(*SCHEDULE_ORDER)
        ),
        Prefetch(
            "service_at_locations__exceptions",
            queryset=ScheduleException.objects.order_by(*EXCEPTION_ORDER),
        ),
        Prefetch("remote_schedules", queryset=Schedule.objects.order_by(*SCHEDULE_ORDER)),
        Prefetch(
            "remote_exceptions", queryset=ScheduleException.objects.order_by(*EXCEPTION_ORDER)
        ),
        Prefetch("fundings", queryset=Funding.objects.order_by(*FUNDING_ORDER)),
    )


def _prefetched(rows) -> QuerySet | None:
    """The rows `with_snapshot_rows` loaded for this related manager, or None if not loaded.

    A related manager's `all()` returns the prefetched queryset itself (already evaluated);
    without a prefetch, and for a plain queryset, it is a new unevaluated one.
    """
    rows = rows.all()
    return rows if rows._result_cache is not None else None


def _ordered(rows, order: tuple[str, ...]):
    """Related rows in snapshot order: as prefetched by `with_snapshot_rows`, else queried."""
    prefetched = _prefetched(rows)
    return prefetched if prefetched is not None else rows.order_by(*order)


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _schedule_rows(queryset) -> list[dict[str, Any]]:
    return [
        {
            "weekday": s.weekday,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "valid_from": _date(s.valid_from),
            "valid_to": _date(s.valid_to),
            "note": s.note,
        }
        for s in _ordered(queryset, SCHEDULE_ORDER)
    ]


def _funding_row(funding: Funding) -> dict[str, Any]:
    amount = funding.amount_per_year
    return {
        "funder_level": funding.funder_level,
        "funder_name": funding.funder_name,
        "programme": funding.programme,
        # JSON has no decimals; exports turn the float back into "0.00" text.
        "amount_per_year": None if amount is None else float(amount),
        "share": funding.share,
        "start": _date(funding.start),
        "end": _date(funding.end),
    }


def _exception_rows(queryset) -> list[dict[str, Any]]:
    return [
        {
            "date": _date(e.date),
            "closed": e.closed,
            "opens_at": _time(e.opens_at),
            "closes_at": _time(e.closes_at),
            "note": e.note,
        }
        for e in _ordered(queryset, EXCEPTION_ORDER)
    ]


def service_snapshot(service: Service) -> dict[str, Any]:
    """The full state of one service (fields, service area, sites with hours, funding) as JSON."""
    data: dict[str, Any] = {
        field: copy.deepcopy(getattr(service, field)) for field in SERVICE_FIELDS
    }
    data["offer_type"] = service.offer_type.code
    data["organization"] = service.organization_id
    data["external_id"] = service.external_id
    data["is_demo"] = service.is_demo
    areas = _prefetched(service.service_area)
    if areas is not None:
        data["service_area"] = sorted(region.ags for region in areas)
    else:
        data["service_area"] = sorted(service.service_area.values_list("ags", flat=True))
    locations = []
    links = _prefetched(service.service_at_locations)
    if links is None:
        links = service.service_at_locations.select_related("location").order_by("pk")
    for link in links:
        location = link.location
        row: dict[str, Any] = {"id": location.pk}
        row.update({field: getattr(location, field) for field in LOCATION_FIELDS})
        row["schedules"] = _schedule_rows(link.schedules)
        row["exceptions"] = _exception_rows(link.exceptions)
        locations.append(row)
    data["locations"] = locations
    data["remote_schedules"] = _schedule_rows(service.remote_schedules)
    data["remote_exceptions"] = _exception_rows(service.remote_exceptions)
    data["fundings"] = [_funding_row(f) for f in _ordered(service.fundings, FUNDING_ORDER)]
    return data


def _clean_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy without the locking key, so it can be stored and compared."""
    data = copy.deepcopy(payload)
    data.pop("base_version", None)
    data.pop("version", None)
    return data


# --- applying a snapshot to the live rows ---------------------------------------------------


def _mark(instance, user, reason: str) -> None:
    """Tell django-simple-history who made this change and why."""
    instance._change_reason = reason[:100]
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user


def _delete(instance, user, reason: str) -> None:
    _mark(instance, user, reason)
    instance.delete()


def _replace_all(existing, new_items: Iterable, user, reason: str) -> None:
    """Delete every existing row, then save the new ones, each marked with who and why."""
    for item in list(existing):
        _delete(item, user, reason)
    for item in new_items:
        _mark(item, user, reason)
        item.save()


def _replace_schedules(owner: dict[str, Any], rows: list[dict], existing, user, reason) -> None:
    if _schedule_rows(existing) == [_normal_schedule(r) for r in rows]:
        return
    _replace_all(existing, (schedule_from_row(owner, row) for row in rows), user, reason)


def _normal_schedule(row: dict) -> dict:
    return {
        "weekday": int(row["weekday"]),
        "opens_at": _time(parse_time(row["opens_at"])),
        "closes_at": _time(parse_time(row["closes_at"])),
        "valid_from": _date(parse_date(row.get("valid_from"))),
        "valid_to": _date(parse_date(row.get("valid_to"))),
        "note": row.get("note") or "",
    }


def _normal_exception(row: dict) -> dict:
    closed = bool(row.get("closed", True))
    return {
        "date": _date(parse_date(row["date"])),
        "closed": closed,
        "opens_at": None if closed else _time(parse_time(row.get("opens_at"))),
        "closes_at": None if closed else _time(parse_time(row.get("closes_at"))),
        "note": row.get("note") or "",
    }


def _replace_exceptions(owner: dict[str, Any], rows: list[dict], existing, user, reason) -> None:
    wanted = [_normal_exception(r) for r in rows]
    if _exception_rows(existing) == wanted:
        return
    # The normalised rows: a closed day keeps no opening times.
    _replace_all(existing, (exception_from_row(owner, row) for row in wanted), user, reason)


def _own_location(service: Service, location_id) -> Location | None:
    """An existing site the payload may update: linked to this service or owned by its provider.

    Anything else (another provider's site id in a payload) is treated as a new site, so a
    payload can never change someone else's rows.
    """
    if location_id in (None, ""):
        return None
    try:
        location = Location.objects.get(pk=int(location_id))
    except (Location.DoesNotExist, TypeError, ValueError):
        return None
    linked = ServiceAtLocation.objects.filter(service=service, location=location).exists()
    if linked or location.organization_id == service.organization_id:
        return location
    return None


def _apply_locations(service: Service, rows: list[dict], user, reason: str) -> None:
    kept: set[int] = set()
    for row in rows:
        location = _own_location(service, row.get("id")) or Location(
            organization=service.organization, is_demo=service.is_demo
        )
        changed = location.pk is None
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
            if getattr(location, field) != value:
                setattr(location, field, value)
                changed = True
        if changed:
            _mark(location, user, reason)
            location.save()
        link = ServiceAtLocation.objects.filter(service=service, location=location).first()
        if link is None:
            link = ServiceAtLocation(service=service, location=location)
            _mark(link, user, reason)
            link.save()
        kept.add(location.pk)
        owner = {"service_at_location": link}
        _replace_schedules(owner, row.get("schedules") or [], link.schedules.all(), user, reason)
        _replace_exceptions(owner, row.get("exceptions") or [], link.exceptions.all(), user, reason)
    for link in service.service_at_locations.exclude(location_id__in=kept).select_related(
        "location"
    ):
        location = link.location
        # Delete the hours one by one, so each history row names who and why (a cascade would not).
        for item in [*link.schedules.all(), *link.exceptions.all()]:
            _delete(item, user, reason)
        _delete(link, user, reason)
        # A site nobody uses any more goes too; its history keeps it restorable.
        if not location.service_at_locations.exists():
            _delete(location, user, reason)


def _apply_fundings(service: Service, rows: list[dict], user, reason: str) -> None:
    wanted = [funding_from_row(service, row) for row in rows]
    # Compared as snapshot rows, in any order: unchanged funding keeps its rows and history.
    current = [_funding_row(f) for f in service.fundings.all()]
    if sorted(current, key=repr) == sorted(map(_funding_row, wanted), key=repr):
        return
    _replace_all(service.fundings.all(), wanted, user, reason)


def _apply(
    user, service: Service | None, payload: dict, reason: str, publish: bool | None
) -> Service:
    """Write the payload into the live rows; one history row on the service carries the snapshot."""
    from integrationsatlas.taxonomy.models import OfferType

    is_new = service is None
    if service is None:
        service = Service(version=0)
    for field in SERVICE_FIELDS:
        if field in payload:
            value = payload[field]
            if field == "capacity":
                value = None if value in (None, "") else float(value)
            elif field in ("is_free", "by_phone", "online"):
                value = bool(value)
            elif field in ("translations",):
                value = value or {}
            elif field in ("target_groups", "languages"):
                value = list(value or [])
            elif value is None:
                value = ""
            setattr(service, field, value)
    service.offer_type = OfferType.objects.get(code=payload["offer_type"])
    service.organization_id = int(payload["organization"])
    if "external_id" in payload:
        service.external_id = payload.get("external_id") or None
    if is_new:
        service.is_demo = bool(payload.get("is_demo", False))
    if publish is not None:
        service.is_published = publish
    # The intermediate saves write no history row; the final one below carries the snapshot.
    service.skip_history_when_saving = True
    try:
        service.save()
        service.service_area.set(payload.get("service_area") or [])
    finally:
        del service.skip_history_when_saving
    _apply_locations(service, payload.get("locations") or [], user, reason)
    owner = {"service": service}
    _replace_schedules(
        owner, payload.get("remote_schedules") or [], service.remote_schedules.all(), user, reason
    )
    _replace_exceptions(
        owner, payload.get("remote_exceptions") or [], service.remote_exceptions.all(), user, reason
    )
    _apply_fundings(service, payload.get("fundings") or [], user, reason)
    service.version += 1
    service.snapshot = service_snapshot(service)
    _mark(service, user, reason)
    service.save()
    return service


# --- permissions on proposed states ---------------------------------------------------------


def _may_apply_directly(user, service: Service | None, payload: dict) -> bool:
    """Reviewers apply at once, if they may review both the current and the proposed state."""
    if permissions.is_state_admin(user):
        return True
    if not permissions.can_review_snapshot(user, payload):
        return False
    if service is None or not service.is_published:
        return True
    return permissions.can_review_service(user, service)


def open_change(service: Service) -> ChangeRequest | None:
    """The one pending change of a service (draft, submitted or returned), if any."""
    return service.change_requests.filter(state__in=OPEN_STATES).order_by("-created_at").first()


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


def _lock_service(pk: int) -> Service:
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


def _check_base(service: Service, base_version) -> None:
    if base_version in (None, ""):
        return
    try:
        base = int(base_version)
    except (TypeError, ValueError) as error:
        raise WorkflowError([_("base_version: keine gültige Versionsnummer")]) from error
    if base != service.version:
        raise _conflict(service, base)


def _check_unique_ids(service: Service | None, payload: dict) -> None:
    """Refuse external ids that belong to another service or site, naming the field.

    Without this the database's unique index fails mid-write (HTTP 500). A site may keep its
    own id: the one this payload updates (see `_own_location`).
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
    for index, row in enumerate(payload.get("locations") or []):
        location_key = row.get("external_id") or None if isinstance(row, dict) else None
        if not location_key:
            continue
        taken = Location.objects.filter(external_id=location_key).exclude(
            pk__in=_updatable_site(service, payload, row.get("id"))
        )
        if taken.exists():
            problems.append(
                f"locations[{index}].external_id: "
                + _("Die externe ID „%(id)s“ gehört schon zu einem anderen Standort.")
                % {"id": location_key}
            )
    if problems:
        raise DuplicateIdError(problems)


def _updatable_site(service: Service | None, payload: dict, location_id) -> list[int]:
    """The site id a payload row may update (as `_own_location` decides), or none."""
    if service is not None:
        own = _own_location(service, location_id)
        return [own.pk] if own is not None else []
    try:
        pk = int(location_id)
    except (TypeError, ValueError):
        return []
    return list(
        Location.objects.filter(pk=pk, organization_id=payload.get("organization")).values_list(
            "pk", flat=True
        )
    )


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


# --- entry points ---------------------------------------------------------------------------


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
    if service is None:
        if not permissions.can_create_for(user, org):
            raise PermissionDenied(_("Sie dürfen für diesen Träger nichts anlegen."))
    else:
        if not permissions.can_edit_service(user, service):
            raise PermissionDenied(_("Sie dürfen dieses Angebot nicht bearbeiten."))
        if org.pk != service.organization_id and not permissions.can_create_for(user, org):
            raise PermissionDenied(_("Sie dürfen das Angebot nicht diesem Träger zuordnen."))
        if service.is_deleted:
            raise WorkflowError([_("Das Angebot ist gelöscht. Stellen Sie es zuerst wieder her.")])
    problems = validate_snapshot(payload)
    if problems:
        raise WorkflowError(problems)
    reason = (reason or "").strip()
    with transaction.atomic():
        if service is not None:
            service = _lock_service(service.pk)
            if service.is_deleted:
                # Deleted while this save waited for the lock: the same refusal as above.
                raise WorkflowError(
                    [_("Das Angebot ist gelöscht. Stellen Sie es zuerst wieder her.")]
                )
            _check_base(service, base_version)
        _check_unique_ids(service, payload)
        if _may_apply_directly(user, service, payload):
            text = reason or (_("Neu angelegt") if service is None else _("Geändert"))
            service = _apply(user, service, payload, text, publish=True)
            change = open_change(service)
            if change is not None and change.created_by_id == getattr(user, "pk", None):
                # The reviewer's own pending draft is now applied.
                change.state = ChangeRequest.State.APPROVED
                change.reviewed_by = user
                change.reviewed_at = timezone.now()
                _mark(change, user, text)
                change.save()
            return service, None
        if service is None or not service.is_published:
            # A new service lives as invisible rows until approval, so it has an id and a page.
            text = reason or _("Neu eingereicht")
            service = _apply(user, service, payload, text, publish=False)
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
        _mark(change, user, reason or (_("Eingereicht") if submit else _("Entwurf gespeichert")))
        change.save()
        if submit:
            signals.change_submitted.send(Service, service=service, change=change, actor=user)
        return service, change


def can_approve(user, change: ChangeRequest) -> bool:
    """May this user approve or send back the change (current and proposed state reviewable)?"""
    return _may_apply_directly(user, change.service, change.payload)


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


def approve(user, change: ChangeRequest, comment: str = "", revision=None) -> Service:
    """Apply a submitted change to the live rows and publish it.

    `revision` is the change's revision the reviewer saw (the review page sends it); if the
    provider edited the change since, nothing is published (`StaleReviewError`).
    """
    with transaction.atomic():
        # The service first, then the change (see _lock_service); a change never moves to
        # another service, so the caller's copy names the right one. A second approval waits
        # here and then finds the change approved.
        service = _lock_service(change.service_id)
        change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        _check_reviewer(user, change)
        if change.state != ChangeRequest.State.SUBMITTED:
            raise WorkflowError([_("Diese Änderung wartet nicht auf eine Prüfung.")])
        _check_revision(change, revision)
        _check_base(service, change.base_version)
        problems = validate_snapshot(change.payload)
        if problems:
            raise WorkflowError(problems)
        text = _("Freigegeben") + (f": {change.reason}" if change.reason else "")
        service = _apply(user, service, change.payload, text, publish=True)
        change.state = ChangeRequest.State.APPROVED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        change.review_comment = comment
        _mark(change, user, _("Freigegeben"))
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
        _lock_service(change.service_id)
        change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        _check_reviewer(user, change)
        if change.state != ChangeRequest.State.SUBMITTED:
            raise WorkflowError([_("Diese Änderung wartet nicht auf eine Prüfung.")])
        _check_revision(change, revision)
        change.state = ChangeRequest.State.RETURNED
        change.reviewed_by = user
        change.reviewed_at = timezone.now()
        change.review_comment = comment.strip()
        _mark(change, user, _("Zurückgegeben"))
        change.save()
        signals.change_sent_back.send(Service, service=change.service, change=change, actor=user)
        return change


def restore(user, service: Service, history_id: int) -> Service:
    """Bring back the state a service had in one of its history rows (coordinators, admins)."""
    with transaction.atomic():
        # Locked before anything is read: the checks and a partial snapshot's missing parts
        # (sites, hours, funding) come from the current state, not from one a save replaced.
        service = _lock_service(service.pk)
        record = service.history.filter(history_id=history_id).first()
        if record is None:
            raise WorkflowError([_("Diese Version gibt es nicht.")])
        if record.snapshot:
            payload = copy.deepcopy(record.snapshot)
        else:
            # Rows written outside the workflow (e.g. bulk loads) keep only the service fields.
            payload = service_snapshot(service)
            payload.update({field: getattr(record, field) for field in SERVICE_FIELDS})
        if not permissions.can_restore(user, service) or not _may_apply_directly(
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
        service = _apply(user, service, payload, text, publish=True)
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
        service = _lock_service(service.pk)
        if service.is_deleted == deleted:
            return service
        service.is_deleted = deleted
        service.version += 1
        service.snapshot = service_snapshot(service)
        prefix = _("Gelöscht") if deleted else _("Wiederhergestellt")
        _mark(service, user, f"{prefix}: {reason.strip()}")
        service.save()
        return service


def delete_service(user, service: Service, reason: str) -> Service:
    """Soft delete: the public no longer sees the service; undelete brings it back unchanged."""
    return _set_deleted(user, service, reason, True)


def undelete_service(user, service: Service, reason: str) -> Service:
    return _set_deleted(user, service, reason, False)
