"""The first version of services written in bulk (demo data, imports): stored like any other.

Bulk inserts write the "created" history row before the sites, hours and funding exist, so that
row would hold no snapshot: the history could neither show nor restore the state a service was
loaded with. `record_first_versions` stores the full snapshot in the service row and in its
newest history row once everything is written.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Service
from .workflow import service_snapshot, with_snapshot_rows

BATCH = 500


def record_first_versions(service_ids: Iterable[int]) -> int:
    """Snapshot each service's current state into its row and its newest history row."""
    ids = list(service_ids)
    history = Service.history.model
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
        written += len(services)
    return written
