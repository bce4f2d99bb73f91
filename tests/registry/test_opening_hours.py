"""Opening hours: hand-computed cases for open now, next opening, validity, exceptions, holidays, DST."""

from datetime import UTC, date, datetime, time

import pytest

from integrationsatlas.registry.opening_hours import (
    BERLIN,
    DayException,
    WeeklyHours,
    intervals_on,
    open_state,
    saxony_holidays,
    week_hours,
)

# Monday to Friday 09:00–12:00, Tuesday also 14:00–18:00.
WEEK = tuple(WeeklyHours(d, time(9), time(12)) for d in range(1, 6)) + (
    WeeklyHours(2, time(14), time(18)),
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_open_in_the_morning_until_noon():
    state = open_state(berlin(2025, 6, 2, 10, 30), WEEK)  # Monday
    assert state.is_open
    assert state.closes_at == berlin(2025, 6, 2, 12, 0)


def test_closing_minute_counts_as_closed_and_next_is_tomorrow():
    state = open_state(berlin(2025, 6, 2, 12, 0), WEEK)
    assert not state.is_open
    assert state.next_opening == berlin(2025, 6, 3, 9, 0)


def test_afternoon_interval_on_tuesday():
    state = open_state(berlin(2025, 6, 3, 13, 0), WEEK)
    assert not state.is_open
    assert state.next_opening == berlin(2025, 6, 3, 14, 0)


def test_weekend_waits_for_monday():
    state = open_state(berlin(2025, 6, 14, 11, 0), WEEK)  # Saturday
    assert state.next_opening == berlin(2025, 6, 16, 9, 0)


def test_whit_monday_is_a_holiday_in_2025():
    # Easter 2025 is 20 April; Whit Monday = Easter + 50 days = 9 June.
    assert saxony_holidays(2025)[date(2025, 6, 9)] == "Pfingstmontag"
    state = open_state(berlin(2025, 6, 7, 11, 0), WEEK)
    # Recomputed by hand: Saturday 7th, Sunday 8th, Monday 9th holiday -> Tuesday 10th 09:00.
    assert state.next_opening == berlin(2025, 6, 10, 9, 0)


def test_buss_und_bettag_and_reformation_day():
    holidays = saxony_holidays(2025)
    assert holidays[date(2025, 11, 19)] == "Buß- und Bettag"  # Wednesday before 23 Nov 2025
    assert holidays[date(2025, 10, 31)] == "Reformationstag"
    assert date(2024, 11, 20) in saxony_holidays(2024)
    # Good Friday from Easter 31 March 2024 and 5 April 2026.
    assert saxony_holidays(2024)[date(2024, 3, 29)] == "Karfreitag"
    assert saxony_holidays(2026)[date(2026, 4, 3)] == "Karfreitag"


def test_corpus_christi_holds_only_in_the_gemeinden_of_the_ordinance():
    # Fronleichnam 2026: Easter 5 April + 60 days = Thursday 4 June.
    corpus_christi = date(2026, 6, 4)
    assert corpus_christi not in saxony_holidays(2026)  # Land-wide: a working day
    assert corpus_christi not in saxony_holidays(2026, "14612000")  # Dresden
    assert saxony_holidays(2026, "14625080")[corpus_christi] == "Fronleichnam"  # Crostwitz
    thursday_ten = berlin(2026, 6, 4, 10, 0)
    assert open_state(thursday_ten, WEEK).is_open
    assert not open_state(thursday_ten, WEEK, gemeinde="14625640").is_open  # Wittichenau


def test_holiday_closes_a_weekday():
    assert intervals_on(date(2025, 10, 3), WEEK) == []  # Friday, Tag der Deutschen Einheit
    state = open_state(berlin(2025, 10, 3, 10, 0), WEEK)
    assert not state.is_open
    assert state.next_opening == berlin(2025, 10, 6, 9, 0)


def test_closed_exception_and_special_hours():
    closed = (DayException(date(2025, 6, 2), closed=True, note="Betriebsausflug"),)
    assert not open_state(berlin(2025, 6, 2, 10, 0), WEEK, closed).is_open
    special = (DayException(date(2025, 6, 7), closed=False, opens=time(10), closes=time(13)),)
    state = open_state(berlin(2025, 6, 7, 10, 15), WEEK, special)  # a Saturday
    assert state.is_open and state.closes_at == berlin(2025, 6, 7, 13, 0)


def test_exception_with_hours_opens_a_holiday():
    special = (DayException(date(2025, 10, 3), closed=False, opens=time(10), closes=time(12)),)
    assert intervals_on(date(2025, 10, 3), WEEK, special) == [(time(10), time(12))]


def test_validity_dates_are_inclusive():
    summer = (WeeklyHours(1, time(9), time(12), date(2025, 6, 2), date(2025, 6, 30)),)
    assert intervals_on(date(2025, 6, 2), summer) == [(time(9), time(12))]
    assert intervals_on(date(2025, 6, 30), summer) == [(time(9), time(12))]
    assert intervals_on(date(2025, 7, 7), summer) == []
    assert intervals_on(date(2025, 5, 26), summer) == []
    state = open_state(berlin(2025, 7, 1, 8, 0), summer)
    assert state.next_opening is None and state.has_hours


def test_spring_forward_uses_summer_time():
    sunday = (WeeklyHours(7, time(9), time(10)),)
    # 2025-03-30 07:30 UTC = 09:30 CEST (UTC+2): open. With a fixed UTC+1 it would be 08:30.
    assert open_state(datetime(2025, 3, 30, 7, 30, tzinfo=UTC), sunday).is_open
    # 06:30 UTC that morning is 08:30 CEST: closed, opens at 09:00 local = 07:00 UTC.
    state = open_state(datetime(2025, 3, 30, 6, 30, tzinfo=UTC), sunday)
    assert not state.is_open
    assert state.next_opening.astimezone(UTC) == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)


def test_fall_back_uses_winter_time():
    sunday = (WeeklyHours(7, time(9), time(10)),)
    # 2025-10-26 08:30 UTC = 09:30 CET (UTC+1): open. With summer time it would be 10:30.
    assert open_state(datetime(2025, 10, 26, 8, 30, tzinfo=UTC), sunday).is_open
    assert not open_state(datetime(2025, 10, 26, 7, 30, tzinfo=UTC), sunday).is_open


def test_no_hours_at_all():
    state = open_state(berlin(2025, 6, 2, 10, 0), ())
    assert not state.is_open and state.next_opening is None and not state.has_hours


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        open_state(datetime(2025, 6, 2, 10, 0), WEEK)


def test_week_hours_names_holidays_and_exceptions():
    exceptions = (DayException(date(2025, 10, 1), note="Teamtag"),)
    rows = week_hours(date(2025, 9, 29), WEEK, exceptions)
    assert [r[0] for r in rows][0] == date(2025, 9, 29) and len(rows) == 7
    assert rows[0][1] == [(time(9), time(12))]
    assert rows[1][1] == [(time(9), time(12)), (time(14), time(18))]
    assert rows[2] == (date(2025, 10, 1), [], "Teamtag")
    assert rows[4] == (date(2025, 10, 3), [], "Tag der Deutschen Einheit")
    assert rows[5][1] == [] and rows[5][2] == ""
