"""Opening hours as pure functions: open now, next opening, a week's hours (Europe/Berlin, holidays).

The one home of "open now" for the finder, the API and the HSDS output.

Times in schedules are wall-clock times in Saxony. Every function takes an aware
`datetime` and converts it to Europe/Berlin itself, so daylight saving time is handled
by `zoneinfo`, never by a fixed offset. A day's hours come from, in this order:
1. exceptions for that date (closed, or special hours replacing the week's hours),
2. Saxony's public holidays (closed unless an exception gives hours),
3. the weekly schedules valid on that date (`valid_from`/`valid_to` inclusive).
No Django imports: the search cache hands in plain tuples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

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


# Gemeinden where Fronleichnam is a public holiday in the whole Gemeinde (Verordnung des
# Sächsischen Staatsministeriums des Innern über den regionalen Feiertag Fronleichnam, on the
# basis of § 1 Abs. 2 SächsSFG). The ordinance also names single Ortsteile of Bautzen, Göda,
# Großdubrau, Hoyerswerda, Königswartha (all but Wartha) and Neschwitz; a site's Ortsteil is not
# known, so there the holiday counts only where a provider enters it as an exception day.
CORPUS_CHRISTI_GEMEINDEN = frozenset(
    {
        "14625080",  # Crostwitz
        "14625350",  # Nebelschütz
        "14625440",  # Panschwitz-Kuckau
        "14625460",  # Puschwitz
        "14625470",  # Räckelwitz
        "14625490",  # Radibor
        "14625500",  # Ralbitz-Rosenthal
        "14625640",  # Wittichenau
    }
)


def saxony_holidays(year: int, gemeinde: str | None = None) -> dict[date, str]:
    """Saxony's statutory public holidays (SächsSFG) in German, from the `holidays` package.

    With `gemeinde` (an AGS), Fronleichnam is added where it holds in the whole Gemeinde.
    """
    return _holidays(year, gemeinde in CORPUS_CHRISTI_GEMEINDEN)


# Cached per year and calendar, not per Gemeinde: a search touches sites in hundreds of them.
@lru_cache(maxsize=64)
def _holidays(year: int, corpus_christi: bool) -> dict[date, str]:
    categories = ("public", "catholic") if corpus_christi else ("public",)
    calendar = holidays.Germany(subdiv="SN", years=year, language="de", categories=categories)
    return dict(calendar.items())


def is_holiday(day: date, gemeinde: str | None = None) -> bool:
    return day in saxony_holidays(day.year, gemeinde)


def intervals_on(
    day: date,
    weekly: tuple[WeeklyHours, ...],
    exceptions: tuple[DayException, ...] = (),
    gemeinde: str | None = None,
) -> list[tuple[time, time]]:
    """The opening intervals of one calendar day, sorted; empty when closed."""
    todays = [e for e in exceptions if e.day == day]
    if todays:
        if any(e.closed for e in todays):
            return []
        return sorted((e.opens, e.closes) for e in todays if e.opens and e.closes)
    if is_holiday(day, gemeinde):
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
    gemeinde: str | None = None,
) -> OpenState:
    """Open at `now` (aware)? Until when? When does it open next within the horizon?"""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    has_hours = bool(weekly) or any(not e.closed for e in exceptions)
    local = now.astimezone(BERLIN)
    today, clock = local.date(), local.time().replace(tzinfo=None)
    for opens, closes in intervals_on(today, weekly, exceptions, gemeinde):
        if opens <= clock < closes:
            return OpenState(True, _at(today, closes), None, True)
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        for opens, _closes in intervals_on(day, weekly, exceptions, gemeinde):
            if offset > 0 or opens > clock:
                return OpenState(False, None, _at(day, opens), has_hours)
    return OpenState(False, None, None, has_hours)


def week_hours(
    start: date,
    weekly: tuple[WeeklyHours, ...],
    exceptions: tuple[DayException, ...] = (),
    gemeinde: str | None = None,
) -> list[tuple[date, list[tuple[time, time]], str]]:
    """Seven days from `start`: (date, intervals, note) where note names a holiday or exception."""
    rows = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        notes = [e.note for e in exceptions if e.day == day and e.note]
        if not notes and not any(e.day == day for e in exceptions):
            holiday = saxony_holidays(day.year, gemeinde).get(day)
            if holiday:
                notes = [holiday]
        rows.append((day, intervals_on(day, weekly, exceptions, gemeinde), "; ".join(notes)))
    return rows


def weekly_from(schedules: Iterable[Any]) -> tuple[WeeklyHours, ...]:
    """Weekly hours from schedule rows (objects with weekday, opens_at, closes_at, valid_*)."""
    return tuple(
        WeeklyHours(s.weekday, s.opens_at, s.closes_at, s.valid_from, s.valid_to) for s in schedules
    )


def exceptions_from(rows: Iterable[Any]) -> tuple[DayException, ...]:
    """Exception days from rows (objects with date, closed, opens_at, closes_at, note)."""
    return tuple(DayException(e.date, e.closed, e.opens_at, e.closes_at, e.note) for e in rows)
