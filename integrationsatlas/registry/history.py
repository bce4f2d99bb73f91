"""Who and why in the registry's history: the reason text, marking a row, bulk first versions.

django-simple-history writes a history row on every save and delete and reads who and why
from the instance (`mark`). Its reason column is short; `history_reason` fits any text to it
in one place, so no writer depends on the caller having cut it (PostgreSQL refuses a longer
value, SQLite would store it).

Bulk inserts write the "created" history row before the sites, hours and funding exist, so that
row would hold no snapshot: the history could neither show nor restore the state a service was
loaded with. `record_first_versions` stores the full snapshot (and the service area) in the
service row and in its newest history row once everything is written, as a one-by-one save
would have.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    area_history = history.service_area.model  # type: ignore[attr-defined]
    through = Service.service_area.through
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        services = list(with_snapshot_rows(Service.objects.filter(pk__in=chunk)))
        for service in services:
            service.snapshot = service_snapshot(service)
        # bulk_update writes no history row of its own: the snapshot belongs to the existing one.
        Service.objects.bulk_update(services, ["snapshot"], batch_size=BATCH)
        by_id = {service.pk: service for service in services}
        newest: dict[int, object] = {}
        for record in history.objects.filter(id__in=chunk).order_by("id", "-history_id"):
            newest.setdefault(record.id, record)
        for record in newest.values():
            record.snapshot = by_id[record.id].snapshot  # type: ignore[attr-defined]
        history.objects.bulk_update(list(newest.values()), ["snapshot"], batch_size=BATCH)
        area_history.objects.bulk_create(
            [
                area_history(
                    id=row.pk,
                    service_id=row.service_id,
                    region_id=row.region_id,
                    history=newest[row.service_id],
                )
                for row in through.objects.filter(service_id__in=chunk).order_by("pk")
            ],
            batch_size=BATCH,
        )
        written += len(services)
    return written
