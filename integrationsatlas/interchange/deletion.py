"""Delete many registry rows in one go, every history row still naming who deleted and why.

`instance.delete()` per service runs Django's collector once per service (a dozen queries
each); a rollback of a 2,000-service import spent most of its time there. Here one queryset
delete collects everything at once. The history rows simple_history writes on delete read
`_change_reason` and `_history_user` from each instance; a pre_delete receiver sets them on
the collector's instances while `deleting_as` is active in this thread, and does nothing
otherwise (other threads and other deletes are untouched).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Q, QuerySet
from django.db.models.signals import pre_delete
from django.utils import timezone

from integrationsatlas.registry import models as registry_models
from integrationsatlas.registry.history import history_reason

_local = threading.local()


def _name_deletion(sender, instance, **kwargs) -> None:
    who = getattr(_local, "who", None)
    if who is not None:
        instance._history_user, instance._change_reason = who


# Only models that keep a history: they already have delete receivers (simple_history's), so
# connecting here does not take Django's fast-delete path away from any other table.
for _model in (
    registry_models.Organization,
    registry_models.Service,
    registry_models.Location,
    registry_models.ServiceAtLocation,
    registry_models.Schedule,
    registry_models.ScheduleException,
    registry_models.Funding,
    registry_models.ChangeRequest,
):
    pre_delete.connect(
        _name_deletion, sender=_model, dispatch_uid=f"interchange-deletion-{_model.__name__}"
    )


@contextmanager
def deleting_as(user, reason: str) -> Iterator[None]:
    previous = getattr(_local, "who", None)
    _local.who = (user, history_reason(reason))
    try:
        yield
    finally:
        _local.who = previous


def _delete_leaves(queryset: QuerySet, user, reason: str) -> None:
    """Rows nothing points to (hours, closed days, funding): their "-" history rows in bulk
    inserts, then one raw delete, instead of one history insert per row from the collector."""
    model = queryset.model
    history = model.history.model  # type: ignore[attr-defined]
    when = timezone.now()
    rows = list(queryset)
    history.objects.bulk_create(
        [
            history(
                history_date=when,
                history_user=user,
                history_change_reason=history_reason(reason),
                history_type="-",
                **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
            )
            for row in rows
        ],
        batch_size=500,
    )
    # _raw_delete: no signals (the history is written above) and nothing cascades from leaves.
    fresh = model.objects.filter(pk__in=[row.pk for row in rows])
    fresh._raw_delete(fresh.db)


def delete_services(ids: list[int], user, reason: str) -> int:
    """Delete these services with everything that belongs to them; return how many."""
    services = registry_models.Service.objects.filter(pk__in=ids)
    sites = registry_models.ServiceAtLocation.objects.filter(service__in=services)
    for model in (registry_models.Schedule, registry_models.ScheduleException):
        owned = Q(service__in=services) | Q(service_at_location__in=sites)
        _delete_leaves(model.objects.filter(owned), user, reason)
    _delete_leaves(registry_models.Funding.objects.filter(service__in=services), user, reason)
    return delete_all(services, user, reason)


def delete_all(queryset: QuerySet, user, reason: str) -> int:
    """Delete the rows and what cascades from them; return how many rows of the queryset's model."""
    with deleting_as(user, reason):
        _total, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def service_ids(keys: list[str]) -> list[int]:
    """The row ids of the services with these external ids (or `ia-service-<pk>` ids)."""
    keys = [k for k in keys if k]
    ids = set(
        registry_models.Service.objects.filter(external_id__in=keys).values_list("pk", flat=True)
    )
    numbered = [
        int(k.removeprefix("ia-service-"))
        for k in keys
        if k.startswith("ia-service-") and k.removeprefix("ia-service-").isdigit()
    ]
    ids |= set(
        registry_models.Service.objects.filter(
            pk__in=numbered, external_id__isnull=True
        ).values_list("pk", flat=True)
    )
    return sorted(ids)
