"""Mainland China's working calendar as in force: imported notices, then the packaged ones, then
the statutory estimate.

Imported notices (``aftersales calendar import``, ``POST /api/v1/calendar/notices``) live in the
``calendar_years`` table so every API process and every restart sees them; they win over the
notices shipped in ``holidays_cn.toml`` for their year. A year in neither is estimated
(``dispatch/calendar/estimate.py``). The table is a handful of rows: read whole per use.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from dispatch.calendar.days import DayCalendar, YearDays
from dispatch.calendar.estimate import estimate_year
from dispatch.calendar.notice import packaged_notices, parse_year
from storage.models import CalendarYear
from storage.repositories.calendar import CalendarRepository


class Origin(StrEnum):
    """Where a year's days come from."""

    IMPORTED = "imported"
    PACKAGED = "packaged"
    ESTIMATED = "estimated"


def china_calendar(imported: Iterable[YearDays] = ()) -> DayCalendar:
    """Packaged notices, overridden by ``imported`` ones, estimates for every other year."""
    published = {**packaged_notices(), **{notice.year: notice for notice in imported}}
    return DayCalendar(published, estimate_year)


def notice_of(row: CalendarYear) -> YearDays:
    """An imported row as a checked notice (it was checked on import; this keeps one reader)."""
    document = {"source": row.source, "holidays": row.holidays, "workdays": row.workdays}
    return parse_year(str(row.year), document)


async def calendar_in_force(years: CalendarRepository) -> tuple[DayCalendar, set[int]]:
    """The calendar with every imported notice, and which years were imported."""
    imported = [notice_of(row) for row in await years.years()]
    return china_calendar(imported), {notice.year for notice in imported}


def origin_of(calendar: DayCalendar, imported: set[int], year: int) -> Origin:
    if year in imported:
        return Origin.IMPORTED
    return Origin.PACKAGED if calendar.covers(year) else Origin.ESTIMATED
