"""Which days are working days: published notices, imported ones, estimates (R-IN-4, R-IN-5, R-FU-3)."""

from __future__ import annotations

from datetime import date

import pytest

from dispatch.calendar import CalendarNotCovered, DayCalendar, YearDays, china_calendar
from dispatch.calendar.estimate import estimate_year

NEXT_YEAR_DUE = (12, 15)
"""The State Council publishes next year's holidays in November or early December (2025's on
2024-11-12, 2026's on 2025-11-04). From mid-December on, next year's notice is expected too."""

DATA_REVIEWED = date(2026, 11, 28)
"""The day ``holidays_cn.toml`` was last checked against the published notices. Move it forward
when a new notice is added; the test below then demands the years published on that day.
Years still missing are estimated (flagged), and ``/health`` says so for this year and the next."""


def required_years(today: date) -> set[int]:
    """Years that should have a published notice on ``today``."""
    if (today.month, today.day) < NEXT_YEAR_DUE:
        return {today.year}
    return {today.year, today.year + 1}


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 1, 1), {2026}),
        (date(2026, 12, 14), {2026}),
        (date(2026, 12, 15), {2026, 2027}),
        (date(2027, 3, 1), {2027}),
    ],
)
def test_required_years_follow_the_publication_date_r_fu_3(today: date, years: set[int]) -> None:
    assert required_years(today) == years


def test_packaged_notices_cover_the_years_required_when_last_reviewed_r_fu_3() -> None:
    """The data covers every year required on ``DATA_REVIEWED`` (the date is injected, not today)."""
    missing = sorted(y for y in required_years(DATA_REVIEWED) if not china_calendar().covers(y))
    assert not missing, f"add {missing} to dispatch/calendar/holidays_cn.toml"


def test_make_up_workdays_fall_on_weekends_and_holidays_are_days_off() -> None:
    cal = china_calendar()
    for year in cal.published_years():
        days = cal.year(year)
        assert days.workdays
        assert all(d.weekday() >= 5 for d in days.workdays)
        assert not set(days.holiday_dates()) & set(days.workdays)
        assert all(not cal.is_working_day(d) for d in days.holiday_dates())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday worked before Spring Festival 2025
        (date(2025, 2, 4), False),  # Spring Festival 2025 (Tuesday)
        (date(2025, 10, 8), False),  # National Day week 2025 (Wednesday)
        (date(2025, 10, 11), True),  # Saturday worked
        (date(2026, 1, 1), False),  # New Year's Day (Thursday)
        (date(2026, 1, 4), True),  # Sunday worked (make-up)
        (date(2026, 2, 14), True),  # Saturday worked before Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival (Monday)
        (date(2026, 2, 24), True),  # back to work (Tuesday)
        (date(2026, 10, 7), False),  # National Day week (Wednesday)
        (date(2026, 10, 10), True),  # Saturday worked
        (date(2026, 11, 21), False),  # an ordinary Saturday
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2027, 1, 1), False),  # estimated: 元旦 (Friday)
        (date(2027, 2, 5), False),  # estimated: 除夕 (Friday)
        (date(2027, 2, 9), True),  # estimated: no extended week without the notice (Tuesday)
        (date(2027, 2, 20), False),  # estimated: no make-up Saturday
    ],
)
def test_china_working_days(day: date, working: bool) -> None:
    assert china_calendar().is_working_day(day) is working


def test_years_without_a_notice_are_estimated_and_say_so() -> None:
    cal = china_calendar()
    assert not cal.estimated(2026)
    assert cal.estimated(2027)
    assert cal.estimated(2030)
    assert not cal.covers(2027)


def test_an_imported_notice_replaces_the_estimate() -> None:
    notice = YearDays(2027, ((date(2027, 2, 5), date(2027, 2, 11)),), (date(2027, 2, 20),), "notice")
    cal = china_calendar([notice])
    assert not cal.estimated(2027)
    assert cal.covers(2027)
    assert not cal.is_working_day(date(2027, 2, 9))
    assert cal.is_working_day(date(2027, 2, 20))
    assert cal.is_working_day(date(2027, 1, 1)) is True  # this (made-up) notice gives no 元旦


def test_a_range_reaching_into_the_previous_year_counts_there() -> None:
    """A 2031 notice with 元旦 from 2030-12-30 makes that (estimated-year) Monday a holiday."""
    notice = YearDays(2031, ((date(2030, 12, 30), date(2031, 1, 1)),), (), "notice")
    cal = DayCalendar({2031: notice}, estimate_year)
    assert not cal.is_working_day(date(2030, 12, 30))
    assert cal.is_working_day(date(2030, 12, 27))


def test_a_year_that_can_be_neither_published_nor_estimated_raises() -> None:
    with pytest.raises(CalendarNotCovered) as err:
        china_calendar().is_working_day(date(1999, 6, 1))
    assert err.value.year == 1999
