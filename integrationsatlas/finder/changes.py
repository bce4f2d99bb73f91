"""Which services changed since a worker last looked, read from the registry's history tables.

Every registry write keeps history (django-simple-history), one row per written object with
an increasing id. A `Watch` remembers, per history table, the ids it has processed; `poll()`
asks the database one cheap question (the highest id and a count per history table, the row
counts of the live tables: index look-ups, well under a millisecond), and only when that
answer moved reads
the new history rows and turns them into the ids of the services whose finder data may have
changed: a service row names itself; a site, an hour row or an exception names its service;
a location names the services at it, a provider its services.

Two things make history alone unsafe, and both are checked:
- A transaction may commit after a later one (PostgreSQL hands out ids at insert time), so
  a row can appear below an id already seen. The probe also counts the rows of the last
  `LATE_WINDOW` ids of each table; more rows there than processed means late rows, which
  are then read.
- Writes without history (bulk inserts, raw deletes such as the demo data's removal): the row
  counts of the live tables must move exactly as the new history rows say (+1 for a
  creation, -1 for a deletion). Anything unexplained makes the change "incomplete": the
  caller then rebuilds its indexes from scratch. What no count shows, an UPDATE that bypasses
  the models (`QuerySet.update`, raw SQL), stays unseen here as it did before; the registry
  writes through its models (`registry/workflow.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import Model

from integrationsatlas.registry.models import (
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)

# How far below the highest id seen a late commit is still noticed (see the module docstring).
LATE_WINDOW = 5000


@dataclass(frozen=True)
class _Table:
    """A history table and the columns that lead from one of its rows to services."""

    model: type[Model]
    columns: tuple[str, ...]  # (what the row is about, ...), read together with the history id
    typed: bool = True  # has history_type (+, ~, -)


def _tables() -> list[_Table]:
    tables = [
        _Table(Service.history.model, ("id",)),
        _Table(ServiceAtLocation.history.model, ("service_id",)),
        _Table(Schedule.history.model, ("service_id", "service_at_location_id")),
        _Table(ScheduleException.history.model, ("service_id", "service_at_location_id")),
        _Table(Location.history.model, ("id",)),
        _Table(Organization.history.model, ("id",)),
    ]
    # django-simple-history keeps service-area changes in their own table.
    with contextlib.suppress(LookupError):
        area = apps.get_model("registry", "HistoricalService_service_area")
        tables.append(_Table(area, ("service_id",), typed=False))
    return tables


SERVICE, SITE, HOURS, EXCEPTIONS, LOCATION, PROVIDER, AREA = range(7)
# Live tables whose row counts the probe reads, and the history table that explains them.
_COUNTED = [
    (Service, SERVICE),
    (Location, LOCATION),
    (ServiceAtLocation, SITE),
    (Schedule, HOURS),
    (ScheduleException, EXCEPTIONS),
    (Service.service_area.through, AREA),
]


def _probe_sql(tables: list[_Table]) -> str:
    """One SELECT of sub-selects; names come from model metadata, never from input."""
    q = connection.ops.quote_name
    parts = []
    for table in tables:
        pk, name = q(table.model._meta.pk.column), q(table.model._meta.db_table)
        parts.append(f"(SELECT MAX({pk}) FROM {name})")  # noqa: S608
        parts.append(f"(SELECT COUNT(*) FROM {name} WHERE {pk} > %s)")  # noqa: S608
    for model, _ in _COUNTED:
        parts.append(f"(SELECT COUNT(*) FROM {q(model._meta.db_table)})")  # noqa: S608
    return "SELECT " + ", ".join(parts)  # noqa: S608


@dataclass(frozen=True)
class Changes:
    """Services whose finder data may differ; `complete` False: more changed than history says."""

    services: frozenset[int]
    complete: bool = True


@dataclass
class _Probe:
    maxima: list[int]
    window: list[int]
    counts: list[int]


@dataclass
class Watch:
    """One worker's position in the registry's history."""

    tables: list[_Table]
    sql: str
    lows: list[int]  # the late window of each table starts above this id
    seen: list[set[int]]  # processed ids above the low, per table
    counts: list[int]

    @classmethod
    def start(cls) -> Watch:
        """Begin at the registry as it is now (before any index is read)."""
        tables = _tables()
        sql = _probe_sql(tables)
        probe = _run_probe(sql, [0] * len(tables), len(tables))
        lows = [max(0, top - LATE_WINDOW) for top in probe.maxima]
        seen = [set(_ids_above(t, low)) for t, low in zip(tables, lows, strict=True)]
        return cls(tables, sql, lows, seen, probe.counts)

    def poll(self) -> Changes | None:
        """What changed since the last poll, or None when nothing did."""
        probe = _run_probe(self.sql, self.lows, len(self.tables))
        unseen = [w - len(s) for w, s in zip(probe.window, self.seen, strict=True)]
        for i in (i for i, n in enumerate(unseen) if n < 0):  # history rows were removed
            self.seen[i], unseen[i] = set(_ids_above(self.tables[i], self.lows[i])), 0
        if not any(unseen) and probe.counts == self.counts:
            return None
        rows = [
            self._new_rows(i, probe.maxima[i], probe.window[i]) if unseen[i] > 0 else []
            for i in range(len(self.tables))
        ]
        complete = self._explained(rows, probe)
        services = _services_of(rows)
        for i, table_rows in enumerate(rows):
            self.seen[i].update(r[0] for r in table_rows)
            top = max([probe.maxima[i], *self.seen[i]])
            self.lows[i] = max(self.lows[i], top - LATE_WINDOW)
            self.seen[i] = {pk for pk in self.seen[i] if pk > self.lows[i]}
        self.counts = probe.counts
        return Changes(frozenset(services), complete)

    def _new_rows(self, i: int, top: int, in_window: int) -> list[tuple]:
        """History rows of table i not processed yet, up to the probe's highest id."""
        table, seen, low = self.tables[i], self.seen[i], self.lows[i]
        fresh = _rows(table, max(seen, default=low), top)
        if len(seen) + len(fresh) < in_window:
            # Late rows below ids already seen: read the whole window once.
            fresh = [r for r in _rows(table, low, top) if r[0] not in seen]
        return fresh

    def _explained(self, rows: list[list[tuple]], probe: _Probe) -> bool:
        """Do the new history rows account for how the live tables moved?"""
        for position, (_, source) in enumerate(_COUNTED):
            moved = probe.counts[position] - self.counts[position]
            if source == AREA:  # area history has no type: any service or area row will do
                if moved and not (rows[AREA] or rows[SERVICE]):
                    return False
                continue
            said = sum({"+": 1, "-": -1}.get(r[-1], 0) for r in rows[source])
            if moved != said:
                return False
        return True


def _run_probe(sql: str, lows: list[int], n: int) -> _Probe:
    with connection.cursor() as cursor:
        cursor.execute(sql, lows)
        values = list(cursor.fetchone())
    pairs = values[: 2 * n]
    return _Probe(
        maxima=[v or 0 for v in pairs[0::2]],
        window=[int(v) for v in pairs[1::2]],
        counts=[int(v) for v in values[2 * n :]],
    )


def _ids_above(table: _Table, low: int) -> Iterable[int]:
    pk = table.model._meta.pk.name
    return table.model.objects.filter(**{f"{pk}__gt": low}).values_list(pk, flat=True)


def _rows(table: _Table, low: int, top: int) -> list[tuple]:
    """(history id, *columns[, history type]) of the rows in (low, top]."""
    pk = table.model._meta.pk.name
    columns = [pk, *table.columns] + (["history_type"] if table.typed else [])
    found = table.model.objects.filter(**{f"{pk}__gt": low, f"{pk}__lte": top})
    return list(found.values_list(*columns))


def _services_of(rows: list[list[tuple]]) -> set[int]:
    """The services the history rows concern (see the module docstring)."""
    services = {r[1] for i in (SERVICE, SITE, AREA) for r in rows[i] if r[1] is not None}
    sites: set[int] = set()
    for i in (HOURS, EXCEPTIONS):
        for row in rows[i]:
            if row[1] is not None:
                services.add(row[1])
            if row[2] is not None:
                sites.add(row[2])
    if sites:
        # A site deleted meanwhile is still in its history table.
        services.update(
            ServiceAtLocation.objects.filter(pk__in=sites).values_list("service_id", flat=True)
        )
        services.update(
            ServiceAtLocation.history.model.objects.filter(id__in=sites).values_list(
                "service_id", flat=True
            )
        )
    locations = {r[1] for r in rows[LOCATION]}
    if locations:
        services.update(
            ServiceAtLocation.objects.filter(location_id__in=locations).values_list(
                "service_id", flat=True
            )
        )
    providers = {r[1] for r in rows[PROVIDER]}
    if providers:
        services.update(
            Service.objects.filter(organization_id__in=providers).values_list("pk", flat=True)
        )
    return services
