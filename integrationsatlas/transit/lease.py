"""A lease on a finder-times run: one conditional UPDATE, so two commands never compute at once.

The lease is a time on the run's row (``locked_until``) and a random token naming its
holder. Taking it is a single ``UPDATE ... WHERE locked_until IS NULL OR locked_until <
now``: the database lets exactly one of two simultaneous commands change the row (SQLite
and PostgreSQL alike), without a transaction held open for the whole computation. The
holder renews it while computing; a crashed command's lease runs out after LEASE.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from integrationsatlas.transit.models import FinderTimesRun

LEASE = timedelta(minutes=15)


class AlreadyRunning(RuntimeError):
    """Another command holds the lease of this run."""


class LeaseLost(RuntimeError):
    """The lease ran out and another command took it over: this one must stop writing."""


def acquire(run_id: int) -> str:
    """Take the lease of the run and return its token, or raise :class:`AlreadyRunning`."""
    now = timezone.now()
    token = secrets.token_hex(16)
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    taken = FinderTimesRun.objects.filter(free, pk=run_id).update(
        locked_until=now + LEASE, lock_token=token
    )
    if not taken:
        raise AlreadyRunning(run_id)
    return token


def renew(run_id: int, token: str) -> None:
    """Extend the lease; raise :class:`LeaseLost` when it is no longer this command's."""
    kept = FinderTimesRun.objects.filter(pk=run_id, lock_token=token).update(
        locked_until=timezone.now() + LEASE
    )
    if not kept:
        raise LeaseLost(run_id)


def release(run_id: int, token: str) -> None:
    FinderTimesRun.objects.filter(pk=run_id, lock_token=token).update(
        locked_until=None, lock_token=""
    )
