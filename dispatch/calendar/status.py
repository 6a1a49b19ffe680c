"""For ``/health``: is this year's and next year's calendar published or only estimated?

An estimated year has no make-up working days and no moved holidays, so working-time deadlines
around Spring Festival and National Day may be a day off; operations should import the notice
when it is out (docs/calendar.md). "This year" is the date in China by the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.calendar.china import Origin, calendar_in_force, origin_of
from dispatch.calendar.errors import CalendarNotCovered
from storage.repositories.calendar import CalendarRepository
from storage.unit_of_work import read_only

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class YearStatus:
    year: int
    origin: Origin | None
    """``None``: the year cannot be counted at all (outside the estimate's range)."""

    @property
    def estimated(self) -> bool:
        return self.origin is not Origin.IMPORTED and self.origin is not Origin.PACKAGED


class CalendarStatus:
    """Reads the imported notices on a read-only session (no transaction held)."""

    def __init__(
        self, read_sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
    ) -> None:
        self.read_sessions = read_sessions
        self.clock = clock

    async def years(self) -> list[YearStatus]:
        this_year = self.clock().astimezone(CHINA).year
        async with read_only(self.read_sessions) as session:
            calendar, imported = await calendar_in_force(CalendarRepository(session))
        answers: list[YearStatus] = []
        for year in (this_year, this_year + 1):
            try:
                calendar.year(year)
                answers.append(YearStatus(year, origin_of(calendar, imported, year)))
            except CalendarNotCovered:
                answers.append(YearStatus(year, None))
        return answers
