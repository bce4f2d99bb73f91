"""Deleting personal data past its retention period: sign-in records (django-axes) and sessions."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

DEFAULT_DAYS = 90


def purge_personal_data(days: int = DEFAULT_DAYS, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete sign-in attempts, failures and logs older than `days`, and every expired session.

    Returns the number of deleted rows per kind. History authorship (who changed a record) is
    not touched: it is kept as long as the record, for accountability.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    if days < 0:
        raise ValueError("days must not be negative")
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    with transaction.atomic():
        counts = {
            "access_attempts": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0],
            "access_failures": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
            "access_logs": AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
            "expired_sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        }
    return counts
