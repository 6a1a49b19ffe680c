"""Plants' working hours, working-time reckoning on a plant's calendar, and notice imports.

Load → reckon (pure: ``arithmetic``) → answer. Inputs the API passes through as text (instants,
hours) are checked here so every refusal names its field. Never commits.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.calendar.arithmetic import Due, Elapsed, SpanTooLong, add_working_time, working_time_between
from dispatch.calendar.china import Origin, calendar_in_force, origin_of
from dispatch.calendar.days import DayCalendar, YearDays
from dispatch.calendar.errors import CalendarNotCovered
from dispatch.calendar.hours import WorkingHours, default_hours, parse_hours
from dispatch.calendar.notice import as_document, parse_notices
from dispatch.errors import InvalidInput
from storage.repositories.calendar import CalendarRepository
from storage.repositories.network import PlantRepository

MAX_WORKING_HOURS = 2000.0
"""The most working hours one reckoning may add (about a year of working days)."""


@dataclass(frozen=True, slots=True)
class PlantHours:
    plant_id: uuid.UUID
    hours: WorkingHours
    default: bool
    """True when the plant set none: the default periods in the plant's own time zone."""


@dataclass(frozen=True, slots=True)
class YearView:
    days: YearDays
    origin: Origin


@dataclass(frozen=True, slots=True)
class Imported:
    year: int
    replaced: Origin
    """What the year was counted from before this import."""


def parse_instant(value: str, field: str) -> datetime:
    """An ISO-8601 instant with its UTC offset (a local time without one is ambiguous)."""
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            field, f"{field} must be an ISO-8601 instant, e.g. 2026-11-23T09:30:00+08:00"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(field, f"{field} needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
    return instant


def working_hours_amount(value: float, field: str = "working_hours") -> timedelta:
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(field, f"{field} must be a number of hours >= 0, got {value!r}")
    if value > MAX_WORKING_HOURS:
        raise InvalidInput(field, f"{field} must be at most {MAX_WORKING_HOURS:g}")
    return timedelta(hours=value)


class CalendarService:
    def __init__(self, calendars: CalendarRepository, plants: PlantRepository) -> None:
        self.calendars = calendars
        self.plants = plants

    async def calendar(self) -> DayCalendar:
        """The calendar in force (imported notices included); no access check: it is public data."""
        return (await calendar_in_force(self.calendars))[0]

    async def hours_of(self, plant_id: uuid.UUID) -> PlantHours:
        """A plant's hours, or the default in the plant's time zone (404 for an unknown plant)."""
        row = await self.calendars.working_hours(plant_id)
        if row is not None:
            return PlantHours(plant_id, parse_hours(row.zone, row.periods), default=False)
        plant = await self.plants.facts(plant_id)
        return PlantHours(plant_id, default_hours(plant.timezone), default=True)

    async def working_hours(self, caller: Principal, plant_id: uuid.UUID) -> PlantHours:
        require(caller, Resource.WORKING_HOURS, Action.READ)
        return await self.hours_of(plant_id)

    async def set_working_hours(
        self, caller: Principal, plant_id: uuid.UUID, zone: object, periods: object
    ) -> PlantHours:
        """Replace the plant's hours (Monday–Friday plus make-up days; holidays stay off)."""
        require(caller, Resource.WORKING_HOURS, Action.UPDATE)
        hours = parse_hours(zone, periods)
        await self.plants.facts(plant_id)  # 404 before anything is written
        await self.calendars.put_working_hours(plant_id, hours.zone, hours.describe(), caller.label)
        return PlantHours(plant_id, hours, default=False)

    async def add(self, caller: Principal, plant_id: uuid.UUID, start: str, working_hours: float) -> Due:
        """The instant ``working_hours`` after ``start`` on the plant's calendar and hours."""
        require(caller, Resource.CALENDAR, Action.READ)
        begin = parse_instant(start, "start")
        amount = working_hours_amount(working_hours)
        hours = (await self.hours_of(plant_id)).hours
        calendar = await self.calendar()
        try:
            return add_working_time(begin, amount, calendar, hours)
        except CalendarNotCovered as error:
            raise InvalidInput("start", str(error)) from None
        except SpanTooLong as error:
            raise InvalidInput("working_hours", str(error)) from None

    async def elapsed(self, caller: Principal, plant_id: uuid.UUID, start: str, end: str) -> Elapsed:
        """Working time between two instants on the plant's calendar and hours."""
        require(caller, Resource.CALENDAR, Action.READ)
        begin, finish = parse_instant(start, "start"), parse_instant(end, "end")
        if finish < begin:
            raise InvalidInput("end", "end must not be before start")
        hours = (await self.hours_of(plant_id)).hours
        calendar = await self.calendar()
        try:
            return working_time_between(begin, finish, calendar, hours)
        except CalendarNotCovered as error:
            raise InvalidInput("start" if error.year <= begin.year else "end", str(error)) from None
        except SpanTooLong as error:
            raise InvalidInput("end", str(error)) from None

    async def year(self, caller: Principal, year: int) -> YearView:
        """One year's days as counted, and where they come from."""
        require(caller, Resource.CALENDAR, Action.READ)
        calendar, imported = await calendar_in_force(self.calendars)
        try:
            days = calendar.year(year)
        except CalendarNotCovered as error:
            raise InvalidInput("year", str(error)) from None
        return YearView(days, origin_of(calendar, imported, year))

    async def import_document(self, caller: Principal, raw: Mapping[str, Any]) -> list[Imported]:
        """A notice document as the API received it: the caller's right first, then the checks."""
        require(caller, Resource.CALENDAR, Action.CREATE)
        return await self.import_notices(caller, parse_notices(raw))

    async def import_notices(self, caller: Principal, notices: Sequence[YearDays]) -> list[Imported]:
        """Keep published notices (checked already); each replaces what its year was counted from."""
        require(caller, Resource.CALENDAR, Action.CREATE)
        calendar, imported = await calendar_in_force(self.calendars)
        answers: list[Imported] = []
        for notice in notices:
            before = origin_of(calendar, imported, notice.year)
            await self.calendars.put_year(notice.year, as_document(notice), caller.label)
            answers.append(Imported(notice.year, before))
        return answers
