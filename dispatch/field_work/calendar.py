"""Working days, and the engineer's report deadline of R-FU-3 (3 working days).

``WorkingCalendar`` is the protocol the deadline code needs; ``OfficialCalendar`` implements
it from weekends, official holidays and make-up workdays (China's 调休: some weekend days are
working days). ``china_calendar()`` loads mainland China's data from ``holidays_cn.toml``.
A date in a year without data raises ``CalendarNotCovered`` rather than guessing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Protocol
from zoneinfo import ZoneInfo

from dispatch.field_work.errors import CalendarNotCovered

CHINA_TZ = ZoneInfo("Asia/Shanghai")
REPORT_WORKING_DAYS = 3
"""R-FU-3: the written report is due within 3 working days of the return."""


class WorkingCalendar(Protocol):
    """Which days are working days."""

    def is_working_day(self, day: date) -> bool:
        """True on a working day; raises ``CalendarNotCovered`` outside the known years."""
        ...

    def covers(self, year: int) -> bool:
        """True when the calendar has official data for ``year``."""
        ...


@dataclass(frozen=True, slots=True)
class OfficialCalendar:
    """Monday–Friday, minus ``holidays``, plus ``workdays`` (weekend days worked), per year."""

    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def covers(self, year: int) -> bool:
        return year in self.years


def add_working_days(start: date, days: int, calendar: WorkingCalendar) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def report_due(
    completed_at: datetime,
    calendar: WorkingCalendar,
    *,
    working_days: int = REPORT_WORKING_DAYS,
    tz: ZoneInfo = CHINA_TZ,
) -> date:
    """R-FU-3: the last day (local to ``tz``) on which the written report is on time.

    The day of completion does not count: completed on a Friday, the report is due by the
    end of the third working day after it (Wednesday, if no holiday intervenes).
    """
    if completed_at.tzinfo is None or completed_at.utcoffset() is None:
        raise ValueError(f"completed_at must be timezone-aware, got {completed_at!r}")
    return add_working_days(completed_at.astimezone(tz).date(), working_days, calendar)


@cache
def china_calendar() -> OfficialCalendar:
    """Mainland China's official working calendar, from the packaged ``holidays_cn.toml``."""
    text = resources.files("dispatch.field_work").joinpath("holidays_cn.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    years: set[int] = set()
    holidays: set[date] = set()
    workdays: set[date] = set()
    for year, section in raw["years"].items():
        years.add(int(year))
        for first, last in section["holidays"]:
            holidays.update(_days(_date(first), _date(last)))
        workdays.update(_date(d) for d in section["workdays"])
    return OfficialCalendar(frozenset(years), frozenset(holidays), frozenset(workdays))


def _date(value: object) -> date:
    """TOML gives strings (quoted) or ``date`` objects (bare); accept both."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _days(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))
