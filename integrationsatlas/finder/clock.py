"""The finder's clock: one function, so tests can fix the moment every finder module sees."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment (aware)."""
    return timezone.now()
