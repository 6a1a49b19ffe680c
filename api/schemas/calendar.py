"""Request and response shapes for the working calendar and plants' working hours."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from dispatch.calendar.arithmetic import Due, Elapsed
from dispatch.calendar.service import Imported, PlantHours, YearView

LocalTime = Annotated[str, msgspec.Meta(min_length=1, max_length=10, examples=["08:30"])]
IsoDate = Annotated[str, msgspec.Meta(min_length=1, max_length=20, examples=["2027-01-01"])]


class WorkingHoursIn(msgspec.Struct, forbid_unknown_fields=True):
    """A plant's time zone and working periods (local ``HH:MM``; Monday–Friday and make-up days)."""

    zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Asia/Shanghai"])]
    periods: Annotated[list[list[LocalTime]], msgspec.Meta(max_length=50)]


class WorkingHoursOut(msgspec.Struct):
    plant_id: uuid.UUID
    zone: str
    periods: list[list[str]]
    hours_a_day: float
    default: bool
    """True when the plant set none: the default periods in the plant's own time zone."""

    @classmethod
    def of(cls, found: PlantHours) -> WorkingHoursOut:
        hours = found.hours
        return cls(found.plant_id, hours.zone, hours.describe(), hours.minutes_a_day / 60, found.default)


class DueOut(msgspec.Struct):
    due_at: datetime
    """With the plant's UTC offset."""
    estimated: bool
    """True when a day counted lies in a year without a published notice."""

    @classmethod
    def of(cls, due: Due) -> DueOut:
        return cls(due.at, due.estimated)


class ElapsedOut(msgspec.Struct):
    working_hours: float
    estimated: bool

    @classmethod
    def of(cls, elapsed: Elapsed) -> ElapsedOut:
        return cls(round(elapsed.working.total_seconds() / 3600, 6), elapsed.estimated)


class NoticeYearIn(msgspec.Struct, forbid_unknown_fields=True):
    """One year of a State Council notice, as in ``holidays_cn.toml``."""

    source: Annotated[str, msgspec.Meta(max_length=1000)]
    holidays: Annotated[
        list[Annotated[list[IsoDate], msgspec.Meta(max_length=2)]], msgspec.Meta(max_length=60)
    ]
    workdays: Annotated[list[IsoDate], msgspec.Meta(max_length=60)]


class NoticeIn(msgspec.Struct, forbid_unknown_fields=True):
    """``{"years": {"2027": {source, holidays, workdays}}}``: the TOML file's shape as JSON."""

    years: Annotated[dict[str, NoticeYearIn], msgspec.Meta(max_length=20)]


class ImportedOut(msgspec.Struct):
    year: int
    replaced: str
    """What the year was counted from before: ``estimated``, ``packaged`` or ``imported``."""


class ImportOut(msgspec.Struct):
    imported: list[ImportedOut]

    @classmethod
    def of(cls, answers: list[Imported]) -> ImportOut:
        return cls([ImportedOut(answer.year, answer.replaced.value) for answer in answers])


class YearOut(msgspec.Struct):
    year: int
    origin: str
    """``imported`` or ``packaged`` (a published notice) or ``estimated``."""
    estimated: bool
    source: str
    holidays: list[list[date]]
    workdays: list[date]

    @classmethod
    def of(cls, view: YearView) -> YearOut:
        days = view.days
        return cls(
            year=days.year,
            origin=view.origin.value,
            estimated=days.estimated,
            source=days.source,
            holidays=[[first, last] for first, last in days.holidays],
            workdays=list(days.workdays),
        )
