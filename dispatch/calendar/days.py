"""Which days are working days: published notices where there are any, estimates elsewhere.

A year's facts are a ``YearDays``: holiday ranges, make-up working days (China's 调休: weekend
days worked) and where they come from. ``DayCalendar`` answers day by day from the published
years it was given and asks ``estimate`` for any other year, remembering which years were
estimated so every deadline counted through one can say so (``estimated``). A notice's ranges may
reach into the neighbouring year (元旦 from 30 December), so a day also looks at the published
data of the years on either side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from dispatch.calendar.errors import CalendarNotCovered


@dataclass(frozen=True, slots=True)
class YearDays:
    """One year as a notice (or the estimate) states it; ranges are inclusive ``(first, last)``."""

    year: int
    holidays: tuple[tuple[date, date], ...]
    workdays: tuple[date, ...]
    source: str
    estimated: bool = False

    def holiday_dates(self) -> Iterator[date]:
        for first, last in self.holidays:
            yield from days_between(first, last)


class WorkingCalendar(Protocol):
    """Which days are working days (what working-day deadlines need)."""

    def is_working_day(self, day: date) -> bool:
        """True on a working day; raises ``CalendarNotCovered`` where it cannot know."""
        ...

    def covers(self, year: int) -> bool:
        """True when a published notice gives ``year``'s days (not an estimate)."""
        ...


@dataclass(frozen=True, slots=True)
class _Facts:
    holidays: frozenset[date]
    workdays: frozenset[date]


class DayCalendar:
    """Monday–Friday, minus holidays, plus make-up workdays; per year published or estimated."""

    def __init__(
        self,
        published: Mapping[int, YearDays],
        estimate: Callable[[int], YearDays] | None = None,
    ) -> None:
        self._published = dict(published)
        self._estimate = estimate
        self._years: dict[int, YearDays] = dict(published)
        self._facts: dict[int, _Facts] = {}

    def year(self, year: int) -> YearDays:
        """The year's facts: its notice, else the estimate (``CalendarNotCovered`` if neither)."""
        found = self._years.get(year)
        if found is None:
            if self._estimate is None:
                raise CalendarNotCovered(year)
            found = self._years[year] = self._estimate(year)
        return found

    def covers(self, year: int) -> bool:
        return year in self._published

    def estimated(self, year: int) -> bool:
        """True when ``year`` is counted from an estimate (raises where it cannot be counted)."""
        return self.year(year).estimated

    def published_years(self) -> list[int]:
        return sorted(self._published)

    def is_working_day(self, day: date) -> bool:
        facts = self._facts_of(day.year)
        if day in facts.workdays:
            return True
        return day.weekday() < 5 and day not in facts.holidays

    def _facts_of(self, year: int) -> _Facts:
        found = self._facts.get(year)
        if found is None:
            own = self.year(year)
            neighbours = [self._published[y] for y in (year - 1, year + 1) if y in self._published]
            holidays = {d for y in (own, *neighbours) for d in y.holiday_dates() if d.year == year}
            workdays = {d for y in (own, *neighbours) for d in y.workdays if d.year == year}
            found = self._facts[year] = _Facts(frozenset(holidays), frozenset(workdays))
        return found


def days_between(first: date, last: date) -> Iterator[date]:
    """``first`` … ``last`` inclusive."""
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


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
