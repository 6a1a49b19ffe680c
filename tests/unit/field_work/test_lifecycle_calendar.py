"""Working calendar and the engineer's report deadline (R-FU-3: 3 working days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dispatch.field_work import (
    CalendarNotCovered,
    OfficialCalendar,
    add_working_days,
    china_calendar,
    report_due,
)
from dispatch.field_work.calendar import CHINA_TZ

NEXT_YEAR_DUE = (12, 15)
"""The State Council publishes next year's holidays in November or early December (2025's on
2024-11-12, 2026's on 2025-11-04). From mid-December on, next year's notice is required too."""

DATA_REVIEWED = date(2026, 11, 28)
"""The day ``holidays_cn.toml`` was last checked against the published notices. Move it forward
when a new notice is added; the test below then demands the years required on that day."""


def required_years(today: date) -> set[int]:
    """Years the calendar must cover on ``today`` (R-FU-3 deadlines count working days)."""
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


def test_china_calendar_covers_the_years_required_when_last_reviewed_r_fu_3() -> None:
    """The data covers every year required on ``DATA_REVIEWED`` (the date is injected, not today)."""
    missing = sorted(y for y in required_years(DATA_REVIEWED) if not china_calendar().covers(y))
    assert not missing, f"add {missing} to dispatch/field_work/holidays_cn.toml"


def test_a_calendar_missing_next_year_is_caught_from_mid_december_r_fu_3() -> None:
    """The check above can fail: a calendar with 2026 only is short on 2026-12-15."""
    only_2026 = OfficialCalendar(years=frozenset({2026}), holidays=frozenset(), workdays=frozenset())
    assert all(only_2026.covers(y) for y in required_years(date(2026, 12, 14)))
    assert not all(only_2026.covers(y) for y in required_years(date(2026, 12, 15)))


def test_make_up_workdays_fall_on_weekends_and_holidays_are_days_off() -> None:
    """A typo in the data (a workday on a weekday, a worked holiday) would shift deadlines."""
    cal = china_calendar()
    assert cal.workdays
    assert all(d.weekday() >= 5 for d in cal.workdays)
    assert not cal.holidays & cal.workdays
    assert all(not cal.is_working_day(d) for d in cal.holidays)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # New Year's Day (Thursday)
        (date(2026, 1, 4), True),  # Sunday worked (make-up)
        (date(2026, 2, 14), True),  # Saturday worked before Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival (Monday)
        (date(2026, 2, 24), True),  # back to work (Tuesday)
        (date(2026, 10, 7), False),  # National Day week (Wednesday)
        (date(2026, 10, 10), True),  # Saturday worked
        (date(2026, 11, 21), False),  # an ordinary Saturday
        (date(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_china_2026_working_days(day: date, working: bool) -> None:
    assert china_calendar().is_working_day(day) is working


def test_year_without_data_raises_instead_of_guessing() -> None:
    with pytest.raises(CalendarNotCovered) as err:
        china_calendar().is_working_day(date(1999, 6, 1))
    assert err.value.year == 1999


def _at_shanghai(year: int, month: int, day: int, hour: int = 15) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHINA_TZ)


@pytest.mark.parametrize(
    ("completed", "due"),
    [
        (_at_shanghai(2026, 11, 20), date(2026, 11, 25)),  # Friday → Wednesday
        (_at_shanghai(2026, 11, 23), date(2026, 11, 26)),  # Monday → Thursday
        (_at_shanghai(2026, 11, 21), date(2026, 11, 25)),  # Saturday → Wednesday
        (_at_shanghai(2026, 9, 30), date(2026, 10, 10)),  # National Day: 8, 9, 10 (Sat worked)
        (_at_shanghai(2026, 2, 12), date(2026, 2, 24)),  # 13, 14 (Sat worked), then 24
        (_at_shanghai(2026, 4, 30), date(2026, 5, 8)),  # Labour Day: 6, 7, 8
    ],
)
def test_report_due_in_3_working_days_r_fu_3(completed: datetime, due: date) -> None:
    assert report_due(completed, china_calendar()) == due


def test_report_due_counts_from_the_local_day_r_fu_3() -> None:
    """Friday 23:30 in Shanghai is Friday 15:30 UTC: the deadline counts from Friday."""
    completed = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert report_due(completed, china_calendar()) == date(2026, 11, 25)
    completed_later = completed + timedelta(hours=1)  # Saturday 00:30 local
    assert report_due(completed_later, china_calendar()) == date(2026, 11, 25)


def test_working_calendar_protocol_is_easy_to_fake_r_fu_3() -> None:
    """Any object with ``is_working_day`` / ``covers`` will do (e.g. every day works)."""

    class EveryDay:
        def is_working_day(self, day: date) -> bool:
            return True

        def covers(self, year: int) -> bool:
            return True

    done = datetime(2026, 11, 20, 9, tzinfo=CHINA_TZ)
    assert report_due(done, EveryDay()) == date(2026, 11, 23)
    assert report_due(done, EveryDay(), working_days=5) == date(2026, 11, 25)


def test_official_calendar_from_plain_sets() -> None:
    cal = OfficialCalendar(
        years=frozenset({2030}),
        holidays=frozenset({date(2030, 1, 1)}),
        workdays=frozenset({date(2030, 1, 5)}),
    )
    assert add_working_days(date(2029, 12, 31), 1, cal) == date(2030, 1, 2)
    assert add_working_days(date(2030, 1, 4), 1, cal) == date(2030, 1, 5)  # Saturday worked


def test_naive_completion_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        report_due(datetime(2026, 11, 20, 9), china_calendar())
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 11, 20), 0, china_calendar())
