"""Published notices of holidays and make-up working days, as data: read and checked.

One format serves the packaged data (``holidays_cn.toml``), ``aftersales calendar import FILE``
and ``POST /api/v1/calendar/notices`` (the same document as JSON)::

    [years.2027]
    source = "国务院办公厅关于2027年部分节假日安排的通知, …"
    holidays = [["2027-01-01", "2027-01-01"], …]   # inclusive ranges
    workdays = ["2027-02-20", …]                    # weekend days worked (调休上班)

Nothing is kept before the whole document passed: a year key that is not four digits, a range
that ends before it starts or overlaps another, a make-up working day on a weekday or inside a
holiday, a date far outside its year — each is a ``CalendarDataError`` naming the field
(``years.2027.holidays[2]``), because a typo here silently moves deadlines around Spring Festival.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from dispatch.calendar.days import YearDays
from dispatch.calendar.errors import CalendarDataError

FIRST_YEAR, LAST_YEAR = 2000, 2099
"""Years a notice may be given for (the ``holidays`` lunar tables end in 2099)."""
SPILL = timedelta(days=31)
"""How far a notice's days may reach into a neighbouring year (元旦 2024 began 2023-12-30)."""
MAX_SOURCE = 1000
_YEAR_KEY = re.compile(r"^[0-9]{4}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SECTION_KEYS = {"source", "holidays", "workdays"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_notices(raw: Mapping[str, Any]) -> list[YearDays]:
    """Every year of a notice document, checked; raises ``CalendarDataError`` naming the field."""
    unknown = sorted(set(raw) - {"years"})
    if unknown:
        raise CalendarDataError(unknown[0], "unknown key; a notice document has only [years.YYYY] tables")
    years = raw.get("years")
    if not isinstance(years, Mapping) or not years:
        raise CalendarDataError("years", "at least one [years.YYYY] table is required")
    return [parse_year(str(key), section) for key, section in years.items()]


def parse_notice_text(text: str) -> list[YearDays]:
    """A TOML document (the packaged file, a file to import)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CalendarDataError("toml", str(error)) from error
    return parse_notices(raw)


def parse_year(key: str, section: Any) -> YearDays:
    where = f"years.{key}"
    if not _YEAR_KEY.match(key):
        raise CalendarDataError(where, f"unknown year format {key!r}: a year is four digits, e.g. years.2027")
    year = int(key)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarDataError(where, f"year must be within {FIRST_YEAR}-{LAST_YEAR}")
    if not isinstance(section, Mapping):
        raise CalendarDataError(where, "must be a table with source, holidays and workdays")
    unknown = sorted(set(section) - _SECTION_KEYS)
    if unknown:
        raise CalendarDataError(f"{where}.{unknown[0]}", f"unknown key; allowed: {sorted(_SECTION_KEYS)}")
    source = section.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > MAX_SOURCE:
        raise CalendarDataError(
            f"{where}.source", f"the notice it comes from is required (text of 1-{MAX_SOURCE} characters)"
        )
    holidays = _holidays(year, section.get("holidays"), f"{where}.holidays")
    workdays = _workdays(year, section.get("workdays"), f"{where}.workdays", holidays)
    return YearDays(year, holidays, workdays, source.strip())


def _holidays(year: int, raw: Any, where: str) -> tuple[tuple[date, date], ...]:
    if not isinstance(raw, list):
        raise CalendarDataError(where, 'is required: a list of ["first", "last"] date ranges (may be empty)')
    ranges: list[tuple[int, date, date]] = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(item, list) or len(item) != 2:
            raise CalendarDataError(at, 'must be a range ["first", "last"] of two dates')
        first, last = _date(item[0], f"{at}[0]"), _date(item[1], f"{at}[1]")
        if last < first:
            raise CalendarDataError(at, f"ends ({last}) before it starts ({first})")
        if last < date(year, 1, 1) or first > date(year, 12, 31):
            raise CalendarDataError(at, f"{first}..{last} has no day in {year}")
        _near_year(year, first, f"{at}[0]")
        _near_year(year, last, f"{at}[1]")
        ranges.append((index, first, last))
    ordered = sorted(ranges, key=lambda r: r[1])
    for (before, _, end), (index, first, last) in pairwise(ordered):
        if first <= end:
            raise CalendarDataError(
                f"{where}[{index}]", f"{first}..{last} overlaps holidays[{before}] (ends {end})"
            )
    return tuple((first, last) for _, first, last in ordered)


def _workdays(year: int, raw: Any, where: str, holidays: tuple[tuple[date, date], ...]) -> tuple[date, ...]:
    if not isinstance(raw, list):
        raise CalendarDataError(where, "is required: a list of dates (may be empty)")
    seen: set[date] = set()
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        day = _date(item, at)
        _near_year(year, day, at)
        if day.weekday() < 5:
            raise CalendarDataError(
                at, f"{day} is a {_WEEKDAYS[day.weekday()]}: a make-up working day is a weekend day"
            )
        if day in seen:
            raise CalendarDataError(at, f"{day} is listed twice")
        for first, last in holidays:
            if first <= day <= last:
                raise CalendarDataError(at, f"{day} is also a holiday ({first}..{last})")
        seen.add(day)
    return tuple(sorted(seen))


def _date(value: Any, where: str) -> date:
    """TOML gives ``date`` objects (bare) or strings (quoted), JSON strings: ``YYYY-MM-DD``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarDataError(where, f"must be a date YYYY-MM-DD, got {value!r}")


def _near_year(year: int, day: date, where: str) -> None:
    if not date(year, 1, 1) - SPILL <= day <= date(year, 12, 31) + SPILL:
        raise CalendarDataError(where, f"{day} is more than {SPILL.days} days outside {year}")


@cache
def packaged_notices() -> dict[int, YearDays]:
    """The notices shipped with the code (``holidays_cn.toml``), by year; checked like an import."""
    text = resources.files("dispatch.calendar").joinpath("holidays_cn.toml").read_text("utf-8")
    return {notice.year: notice for notice in parse_notice_text(text)}


def as_document(notice: YearDays) -> dict[str, Any]:
    """A year as the JSON/TOML document holds it (what the database keeps)."""
    return {
        "source": notice.source,
        "holidays": [[first.isoformat(), last.isoformat()] for first, last in notice.holidays],
        "workdays": [day.isoformat() for day in notice.workdays],
    }
