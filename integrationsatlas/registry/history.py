"""Who and why in the registry's history: the reason text, marking a row, bulk first versions.

django-simple-history writes a history row on every save and delete and reads who and why
from the instance (`mark`). Its reason column is short; `history_reason` fits any text to it
in one place, so no writer depends on the caller having cut it (PostgreSQL refuses a longer
value, SQLite would store it).

Bulk inserts write the "created" history row before the sites, hours and funding exist, so that
row would hold no snapshot: the history could neither show nor restore the state a service was
loaded with. `record_first_versions` stores the full snapshot (and the service area) in the
service row and in its newest history row once everything is written, as a one-by-one save
would have. A writer that builds every row before it inserts them (the demo) computes the
snapshots from its own objects instead, stores them with `write_snapshots` and only then
copies the rows into the history (`copy_to_history`), and adds the service area history with
`record_service_areas`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from .models import Service
from .snapshot import service_snapshot, with_snapshot_rows

BATCH = 500

# Every registry model's history has the same reason column (simple_history's default).
REASON_LENGTH: int = Service.history.model._meta.get_field("history_change_reason").max_length


def history_reason(text: str) -> str:
    """`text` as the history can keep it: cut to the column's length, the cut marked by "…"."""
    text = (text or "").strip()
    if len(text) <= REASON_LENGTH:
        return text
    return text[: REASON_LENGTH - 1].rstrip() + "…"


def history_user(user):
    """The user a history row names: a signed-in person, else nobody (command line, system)."""
    return user if getattr(user, "is_authenticated", False) else None


def mark(instance, user, reason: str) -> None:
    """Tell django-simple-history who makes the next save or delete of `instance`, and why."""
    instance._change_reason = history_reason(reason)
    instance._history_user = history_user(user)


def record_first_versions(service_ids: Iterable[int]) -> int:
    """Snapshot each service just inserted in bulk into its row and its newest history row.

    The newest history row also gets the service area rows a one-by-one save writes with it.
    """
    ids = list(service_ids)
    history = Service.history.model
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        services = list(with_snapshot_rows(Service.objects.filter(pk__in=chunk)))
        for service in services:
            service.snapshot = service_snapshot(service)
        write_snapshots(Service, {service.pk: service.snapshot for service in services})
        by_id = {service.pk: service for service in services}
        newest = _newest_history(chunk)
        write_snapshots(
            history,
            {record.pk: by_id[service_id].snapshot for service_id, record in newest.items()},
        )
        _area_history(chunk, newest)
        written += len(services)
    return written


def write_snapshots(model, snapshots: dict[int, dict]) -> None:
    """Store each snapshot in the row with that pk: no history row of its own, no other column.

    One UPDATE statement run for all rows (executemany): bulk_update's CASE WHEN over a whole
    batch cost more to build and run than the snapshots took to compute.
    """
    field = model._meta.get_field("snapshot")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [(field.get_db_prep_save(value, connection), pk) for pk, value in snapshots.items()],
        )


def record_service_areas(service_ids: Iterable[int]) -> None:
    """Copy the service area rows of these services to their newest history row."""
    ids = sorted(set(service_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        _area_history(chunk, _newest_history(chunk))


def _newest_history(service_ids: list[int]) -> dict[int, object]:
    newest: dict[int, object] = {}
    records = Service.history.model.objects.filter(id__in=service_ids)
    for record in records.order_by("id", "-history_id"):
        newest.setdefault(record.id, record)
    return newest


def _area_history(service_ids: list[int], newest: dict[int, object]) -> None:
    area_history = Service.history.model.service_area.model  # type: ignore[attr-defined]
    rows = Service.service_area.through.objects.filter(service_id__in=service_ids).order_by("pk")
    area_history.objects.bulk_create(
        [
            area_history(
                id=row.pk,
                service_id=row.service_id,
                region_id=row.region_id,
                history=newest[row.service_id],
            )
            for row in rows
        ],
        batch_size=BATCH,
    )


def copy_to_history(model, pks: list[int], reason: str) -> None:
    """One "created" history row per stored row in `pks`, copied by the database itself.

    What simple_history's `bulk_history_create` writes (every tracked column, type "+", no
    user, `reason`), in pk order, with one time for all rows. It builds no history object per
    row and converts no value in Python: for the demo's 30,000 rows that took most of the load.
    """
    history = model.history.model
    live = {field.attname: field.column for field in model._meta.concrete_fields}
    given = {
        "history_date": timezone.now(),
        "history_change_reason": history_reason(reason),
        "history_type": "+",
        "history_user_id": None,
    }
    quote = connection.ops.quote_name
    columns, sources, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:  # history_id: numbered by the database in insertion order
            continue
        columns.append(quote(field.column))
        if field.attname in given:
            sources.append("%s")
            params.append(field.get_db_prep_save(given[field.attname], connection))
        else:  # a KeyError: a history column that is neither tracked nor known here
            sources.append(quote(live[field.attname]))
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), BATCH):
            chunk = pks[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(sources)} FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk}",
                [*params, *chunk],
            )
