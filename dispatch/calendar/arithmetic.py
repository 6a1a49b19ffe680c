"""Working-time arithmetic: the instant H working hours after a start, and the working time
between two instants, on one plant's calendar and hours (R-IN-4, R-IN-5, R-FU-3).

Exact to the microsecond: working periods are turned into instants day by day (in the plant's
zone, so a DST change moves them as it moves the people) and only their overlap with the asked
interval is counted. The due instant is the *earliest* one by which H working hours have passed:
4 hours from 13:30 end at 17:30 exactly, not at 08:30 the next morning. Every day the reckoning
looked at is checked for an estimated year, and the answer says so (``estimated``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dispatch.calendar.days import DayCalendar
from dispatch.calendar.hours import WorkingHours

MAX_SPAN_DAYS = 3 * 366
"""The furthest a reckoning walks (about three years): beyond, the answer is refused, not slow."""


class SpanTooLong(ValueError):
    """The reckoning would walk further than ``MAX_SPAN_DAYS``."""


@dataclass(frozen=True, slots=True)
class Due:
    at: datetime
    """In the working hours' zone."""
    estimated: bool


@dataclass(frozen=True, slots=True)
class Elapsed:
    working: timedelta
    estimated: bool


def periods_on(day: date, hours: WorkingHours) -> Iterator[tuple[datetime, datetime]]:
    """The day's working periods as UTC instants (whether the day is a working day is not asked)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=hours.tz)
    for period in hours.periods:
        start = (midnight + timedelta(minutes=period.start)).astimezone(UTC)
        end = (midnight + timedelta(minutes=period.end)).astimezone(UTC)
        if end > start:
            yield start, end


def add_working_time(start: datetime, amount: timedelta, calendar: DayCalendar, hours: WorkingHours) -> Due:
    """The earliest instant by which ``amount`` of working time has passed since ``start``."""
    _require_aware(start, "start")
    if amount < timedelta(0):
        raise ValueError(f"amount must not be negative, got {amount}")
    day = start.astimezone(hours.tz).date()
    estimated = calendar.estimated(day.year)
    if amount == timedelta(0):
        return Due(start.astimezone(hours.tz), estimated)
    if not hours.minutes_a_day:
        raise SpanTooLong("the working hours have no time in a day")
    left = amount
    for _ in range(MAX_SPAN_DAYS):
        estimated = estimated or calendar.estimated(day.year)
        if calendar.is_working_day(day):
            for period_start, period_end in periods_on(day, hours):
                begin = max(period_start, start)
                if begin >= period_end:
                    continue
                if left <= period_end - begin:
                    return Due((begin + left).astimezone(hours.tz), estimated)
                left -= period_end - begin
        day += timedelta(days=1)
    raise SpanTooLong(f"{amount} of working time ends more than {MAX_SPAN_DAYS} days after {start}")


def working_time_between(
    start: datetime, end: datetime, calendar: DayCalendar, hours: WorkingHours
) -> Elapsed:
    """Working time inside ``[start, end]`` (``end`` before ``start`` is refused)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    day = start.astimezone(hours.tz).date()
    last = end.astimezone(hours.tz).date()
    if (last - day).days > MAX_SPAN_DAYS:
        raise SpanTooLong(f"{start} to {end} is more than {MAX_SPAN_DAYS} days")
    total, estimated = timedelta(0), False
    while day <= last:
        estimated = estimated or calendar.estimated(day.year)
        if calendar.is_working_day(day):
            for period_start, period_end in periods_on(day, hours):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > timedelta(0):
                    total += overlap
        day += timedelta(days=1)
    return Elapsed(total, estimated)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
