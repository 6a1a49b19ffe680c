"""The working calendar: plants' working hours, working-time reckoning, holiday notices."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.schemas.calendar import (
    DueOut,
    ElapsedOut,
    ImportOut,
    NoticeIn,
    WorkingHoursIn,
    WorkingHoursOut,
    YearOut,
)
from dispatch.access.principal import Principal
from dispatch.calendar.service import CalendarService


class PlantCalendarController(Controller):
    path = "/api/v1/plants/{plant_id:uuid}"
    tags = ["calendar"]

    @get("/working-hours", summary="The plant's working hours (the default when it set none)")
    async def working_hours(
        self,
        plant_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> WorkingHoursOut:
        return WorkingHoursOut.of(await calendar.working_hours(caller, plant_id))

    @put("/working-hours", summary="Set the plant's working hours and time zone (R-IN-4, R-IN-5)")
    async def set_working_hours(
        self,
        plant_id: FromPath[uuid.UUID],
        data: JSONBody[WorkingHoursIn],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> WorkingHoursOut:
        periods = msgspec.to_builtins(data.periods)
        return WorkingHoursOut.of(await calendar.set_working_hours(caller, plant_id, data.zone, periods))

    @get("/calendar/add", summary="The instant H working hours after start, on the plant's calendar")
    async def add(
        self,
        plant_id: FromPath[uuid.UUID],
        start: FromQuery[str],
        working_hours: FromQuery[float],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> DueOut:
        return DueOut.of(await calendar.add(caller, plant_id, start, working_hours))

    @get("/calendar/elapsed", summary="Working time between two instants, on the plant's calendar")
    async def elapsed(
        self,
        plant_id: FromPath[uuid.UUID],
        start: FromQuery[str],
        end: FromQuery[str],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> ElapsedOut:
        return ElapsedOut.of(await calendar.elapsed(caller, plant_id, start, end))


class CalendarController(Controller):
    path = "/api/v1/calendar"
    tags = ["calendar"]

    @get("/years/{year:int}", summary="One year's holidays and make-up days, and where they come from")
    async def year(
        self,
        year: FromPath[int],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> YearOut:
        return YearOut.of(await calendar.year(caller, year))

    @post("/notices", status_code=200, summary="Import published notices: each replaces its year's estimate")
    async def import_notices(
        self,
        data: JSONBody[NoticeIn],
        caller: NamedDependency[Principal],
        calendar: NamedDependency[CalendarService],
    ) -> ImportOut:
        return ImportOut.of(await calendar.import_document(caller, msgspec.to_builtins(data)))
