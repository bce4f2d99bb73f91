"""A service's snapshot read from the live rows: its full state as JSON-safe data.

The snapshot is what a change request proposes, what every history row of a service keeps
and what `applying.apply_snapshot` writes back. Its keys come from `fields.py`; each row
kind (weekly hours, closed days, funding, site) is turned into snapshot data by one function
here, so the applying code compares stored and proposed rows in exactly this form.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from .fields import LOCATION_FIELDS, SERVICE_FIELDS
from .models import Funding, Location, Schedule, ScheduleException, Service, ServiceAtLocation

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


def in_snapshot_order(rows: Iterable[Any], order: tuple[str, ...]) -> list[Any]:
    """Rows built in memory (not read back) in the order a query ordered by `order` returns.

    The rows are in creation order, which their pks follow, so a stable sort on the other
    fields gives the query's order. A missing value sorts where this database puts NULL
    (last on PostgreSQL, first on SQLite).
    """
    null = 1 if connection.features.nulls_order_largest else -1
    fields = [field for field in order if field != "pk"]

    def key(row) -> tuple:
        values = (getattr(row, field) for field in fields)
        return tuple((null, None) if value is None else (0, value) for value in values)

    return sorted(rows, key=key)


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


def schedule_row(schedule: Schedule) -> dict[str, Any]:
    """One weekly interval as the snapshot carries it."""
    return {
        "weekday": schedule.weekday,
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "valid_from": _date(schedule.valid_from),
        "valid_to": _date(schedule.valid_to),
        "note": schedule.note,
    }


def exception_row(exception: ScheduleException) -> dict[str, Any]:
    """One closed or differently opened day as the snapshot carries it."""
    return {
        "date": _date(exception.date),
        "closed": exception.closed,
        "opens_at": _time(exception.opens_at),
        "closes_at": _time(exception.closes_at),
        "note": exception.note,
    }


def funding_row(funding: Funding) -> dict[str, Any]:
    """One funding row as the snapshot carries it."""
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


def location_row(location: Location) -> dict[str, Any]:
    """A site's own values as the snapshot carries them (its hours come from its link)."""
    row: dict[str, Any] = {"id": location.pk}
    row.update({field: getattr(location, field) for field in LOCATION_FIELDS})
    return row


def service_snapshot(service: Service) -> dict[str, Any]:
    """The full state of one service (fields, service area, sites with hours, funding) as JSON."""
    areas = _prefetched(service.service_area)
    if areas is not None:
        area = [region.ags for region in areas]
    else:
        area = list(service.service_area.values_list("ags", flat=True))
    links = _prefetched(service.service_at_locations)
    if links is None:
        links = service.service_at_locations.select_related("location").order_by("pk")
    sites = [
        (
            link.location,
            _ordered(link.schedules, SCHEDULE_ORDER),
            _ordered(link.exceptions, EXCEPTION_ORDER),
        )
        for link in links
    ]
    return snapshot_of(
        service,
        area,
        sites,
        _ordered(service.remote_schedules, SCHEDULE_ORDER),
        _ordered(service.remote_exceptions, EXCEPTION_ORDER),
        _ordered(service.fundings, FUNDING_ORDER),
    )


def snapshot_of(
    service: Service,
    service_area: Iterable[str],
    sites: Iterable[tuple[Location, Iterable[Schedule], Iterable[ScheduleException]]],
    remote_schedules: Iterable[Schedule],
    remote_exceptions: Iterable[ScheduleException],
    fundings: Iterable[Funding],
) -> dict[str, Any]:
    """The snapshot of `service` and the rows given, each kind in snapshot order (`*_ORDER`).

    `service_snapshot` reads the rows from the database; a writer that has just built them
    (the demo) passes its own objects and saves reading them back.
    """
    data: dict[str, Any] = {
        field: copy.deepcopy(getattr(service, field)) for field in SERVICE_FIELDS
    }
    data["offer_type"] = service.offer_type.code
    data["organization"] = service.organization_id
    data["external_id"] = service.external_id
    data["is_demo"] = service.is_demo
    data["service_area"] = sorted(service_area)
    locations = []
    for location, schedules, exceptions in sites:
        row = location_row(location)
        row["schedules"] = [schedule_row(s) for s in schedules]
        row["exceptions"] = [exception_row(e) for e in exceptions]
        locations.append(row)
    data["locations"] = locations
    data["remote_schedules"] = [schedule_row(s) for s in remote_schedules]
    data["remote_exceptions"] = [exception_row(e) for e in remote_exceptions]
    data["fundings"] = [funding_row(f) for f in fundings]
    return data
