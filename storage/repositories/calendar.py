"""Imported holiday notices and plants' working hours (small tables, read whole)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CalendarYear, PlantWorkingHours


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def years(self) -> list[CalendarYear]:
        """Every imported year (a handful of rows: read per request, so every process agrees)."""
        return list((await self.session.scalars(select(CalendarYear).order_by(CalendarYear.year))).all())

    async def put_year(self, year: int, document: dict[str, Any], imported_by: str) -> bool:
        """Insert or replace one year; True when it replaced an earlier import."""
        existed = await self.session.scalar(select(CalendarYear.year).where(CalendarYear.year == year))
        values = {
            "source": document["source"],
            "holidays": document["holidays"],
            "workdays": document["workdays"],
            "imported_by": imported_by,
        }
        statement = insert(CalendarYear).values(year=year, **values)
        statement = statement.on_conflict_do_update(
            index_elements=[CalendarYear.year], set_={**values, "imported_at": func.now()}
        )
        await self.session.execute(statement)
        return existed is not None

    async def working_hours(self, plant_id: uuid.UUID) -> PlantWorkingHours | None:
        return await self.session.get(PlantWorkingHours, plant_id)

    async def put_working_hours(
        self, plant_id: uuid.UUID, zone: str, periods: list[list[str]], updated_by: str
    ) -> PlantWorkingHours:
        row = await self.session.get(PlantWorkingHours, plant_id)
        if row is None:
            row = PlantWorkingHours(plant_id=plant_id, zone=zone, periods=periods, updated_by=updated_by)
            self.session.add(row)
        else:
            row.zone, row.periods, row.updated_by = zone, periods, updated_by
        await self.session.flush()
        await self.session.refresh(row)
        return row
