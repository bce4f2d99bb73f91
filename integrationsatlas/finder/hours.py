"""Opening hours as pure functions: open now, next opening, a week's hours (Europe/Berlin, holidays).

Times in schedules are wall-clock times in Saxony. Every function takes an aware
`datetime` and converts it to Europe/Berlin itself, so daylight saving time is handled
by `zoneinfo`, never by a fixed offset. A day's hours come from, in this order:
1. exceptions for that date (closed, or special hours replacing the week's hours),
2. Saxony's public holidays (closed unless an exception gives hours),
3. the weekly schedules valid on that date (`valid_from`/`valid_to` inclusive).
No Django imports: the search cache hands in plain tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
# How far ahead "opens next" looks; beyond that a service counts as having no upcoming hours.
HORIZON_DAYS = 21


@dataclass(frozen=True)
class WeeklyHours:
    """One weekly interval: ISO weekday 1 (Monday) to 7 (Sunday), wall-clock times."""

    weekday: int
    opens: time
    closes: time
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class DayException:
    """A date that differs: closed, or open at other hours than the week says."""

    day: date
    closed: bool = True
    opens: time | None = None
    closes: time | None = None
    note: str = ""


@dataclass(frozen=True)
class OpenState:
    """Whether a place is open at a moment, until when, and when it opens next (aware datetimes)."""

    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None
    has_hours: bool


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=16)
def saxony_holidays(year: int) -> dict[date, str]:
    """Saxony's statutory public holidays (SächsSFG), including Buß- und Bettag."""
    easter = easter_sunday(year)
    # Buß- und Bettag: the Wednesday before 23 November.
    nov22 = date(year, 11, 22)
    repentance = nov22 - timedelta(days=(nov22.weekday() - 2) % 7)
    return {
        date(year, 1, 1): "Neujahr",
        easter - timedelta(days=2): "Karfreitag",
        easter + timedelta(days=1): "Ostermontag",
        date(year, 5, 1): "Tag der Arbeit",
        easter + timedelta(days=39): "Christi Himmelfahrt",
        easter + timedelta(days=50): "Pfingstmontag",
        date(year, 10, 3): "Tag der Deutschen Einheit",
        date(year, 10, 31): "Reformationstag",
        repentance: "Buß- und Bettag",
        date(year, 12, 25): "1. Weihnachtstag",
        date(year, 12, 26): "2. Weihnachtstag",
    }


def is_holiday(day: date) -> bool:
    return day in saxony_holidays(day.year)


def intervals_on(
    day: date, weekly: tuple[WeeklyHours, ...], exceptions: tuple[DayException, ...] = ()
) -> list[tuple[time, time]]:
    """The opening intervals of one calendar day, sorted; empty when closed."""
    todays = [e for e in exceptions if e.day == day]
    if todays:
        if any(e.closed for e in todays):
            return []
        return sorted((e.opens, e.closes) for e in todays if e.opens and e.closes)
    if is_holiday(day):
        return []
    return sorted(
        (w.opens, w.closes) for w in weekly if w.weekday == day.isoweekday() and w.valid_on(day)
    )


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


def open_state(
    now: datetime,
    weekly: tuple[WeeklyHours, ...],
    exceptions: tuple[DayException, ...] = (),
    horizon_days: int = HORIZON_DAYS,
) -> OpenState:
    """Open at `now` (aware)? Until when? When does it open next within the horizon?"""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    has_hours = bool(weekly) or any(not e.closed for e in exceptions)
    local = now.astimezone(BERLIN)
    today, clock = local.date(), local.time().replace(tzinfo=None)
    for opens, closes in intervals_on(today, weekly, exceptions):
        if opens <= clock < closes:
            return OpenState(True, _at(today, closes), None, True)
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        for opens, _closes in intervals_on(day, weekly, exceptions):
            if offset > 0 or opens > clock:
                return OpenState(False, None, _at(day, opens), has_hours)
    return OpenState(False, None, None, has_hours)


def week_hours(
    start: date, weekly: tuple[WeeklyHours, ...], exceptions: tuple[DayException, ...] = ()
) -> list[tuple[date, list[tuple[time, time]], str]]:
    """Seven days from `start`: (date, intervals, note) where note names a holiday or exception."""
    rows = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        notes = [e.note for e in exceptions if e.day == day and e.note]
        if not notes and not any(e.day == day for e in exceptions):
            holiday = saxony_holidays(day.year).get(day)
            if holiday:
                notes = [holiday]
        rows.append((day, intervals_on(day, weekly, exceptions), "; ".join(notes)))
    return rows
