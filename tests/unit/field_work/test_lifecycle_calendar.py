"""The engineer's report deadline (R-FU-3: 3 working days) on the working calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dispatch.calendar import DayCalendar, YearDays, add_working_days, china_calendar
from dispatch.field_work import report_due
from dispatch.field_work.calendar import CHINA_TZ


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


def test_report_due_after_2026_is_estimated_not_missing_r_fu_3() -> None:
    """Completed on 2026-12-30 (Wednesday): 31 Dec, then 1 January 2027 is 元旦 (estimated), the
    weekend, so Monday 4 and Tuesday 5 January. Before, a job completed after 28 December had no
    deadline at all."""
    assert report_due(_at_shanghai(2026, 12, 30), china_calendar()) == date(2027, 1, 5)
    assert report_due(_at_shanghai(2027, 2, 4), china_calendar()) == date(2027, 2, 11)  # 春节 5-8


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


def test_a_calendar_from_plain_data_r_fu_3() -> None:
    cal = DayCalendar(
        {2030: YearDays(2030, ((date(2030, 1, 1), date(2030, 1, 1)),), (date(2030, 1, 5),), "test")}
    )
    assert add_working_days(date(2030, 1, 4), 1, cal) == date(2030, 1, 5)  # Saturday worked
    assert add_working_days(date(2030, 1, 5), 1, cal) == date(2030, 1, 7)


def test_naive_completion_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        report_due(datetime(2026, 11, 20, 9), china_calendar())
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 11, 20), 0, china_calendar())
