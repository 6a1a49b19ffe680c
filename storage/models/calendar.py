"""The working calendar: imported holiday notices and each plant's working hours."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, SmallInteger, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class CalendarYear(Base):
    """A State Council notice imported after the release was built; it wins over the packaged
    notice and the estimate for its year. Shared by every API process, kept across restarts."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text)
    holidays: Mapped[list[list[str]]] = mapped_column(JSONB)
    """Inclusive ``[first, last]`` ISO date ranges."""
    workdays: Mapped[list[str]] = mapped_column(JSONB)
    """ISO dates of weekend days worked (调休上班)."""
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    imported_by: Mapped[str] = mapped_column(String(200))


class PlantWorkingHours(Base):
    """A plant's working periods and zone; a plant without a row works the default hours."""

    __tablename__ = "plant_working_hours"

    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id", ondelete="CASCADE"), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    periods: Mapped[list[list[str]]] = mapped_column(JSONB)
    """``[["08:30", "12:00"], …]``, local wall-clock times in ``zone``."""
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    updated_by: Mapped[str] = mapped_column(String(200))
