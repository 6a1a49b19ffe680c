"""A plant's working hours: its time zone and the periods of a working day.

Working time (R-IN-4: 4 working hours, R-IN-5: 8) runs only inside these periods on the
calendar's working days (Monday–Friday and make-up days, minus holidays). Periods are local
wall-clock times ``HH:MM`` in the plant's zone, ``24:00`` allowed as an end; they may touch but
not overlap. Checked here, each refusal an ``InvalidInput`` naming the field (``periods[1][0]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatch.errors import InvalidInput

DEFAULT_ZONE = "Asia/Shanghai"
DEFAULT_PERIODS = (("08:30", "12:00"), ("13:30", "17:30"))
"""A plant without its own hours works 08:30–12:00 and 13:30–17:30 (7.5 hours a day)."""
MAX_PERIODS = 12
DAY_MINUTES = 24 * 60
_CLOCK = re.compile(r"^([0-9]{2}):([0-9]{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` … ``end`` in minutes after local midnight (``end`` ≤ 1440: 24:00)."""

    start: int
    end: int

    def describe(self) -> tuple[str, str]:
        return _clock(self.start), _clock(self.end)


@dataclass(frozen=True)
class WorkingHours:
    zone: str
    periods: tuple[Period, ...]

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def describe(self) -> list[list[str]]:
        return [list(period.describe()) for period in self.periods]

    @property
    def minutes_a_day(self) -> int:
        return sum(period.end - period.start for period in self.periods)


def default_hours(zone: str = DEFAULT_ZONE) -> WorkingHours:
    """The hours of a plant that set none (in its own time zone)."""
    return parse_hours(zone, [list(period) for period in DEFAULT_PERIODS])


def parse_hours(zone: Any, periods: Any) -> WorkingHours:
    """Checked working hours; ``InvalidInput`` names ``zone`` or ``periods[i][j]``."""
    if not isinstance(zone, str) or not zone:
        raise InvalidInput("zone", "zone is required: an IANA time zone, e.g. Asia/Shanghai")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory such as "America"
        raise InvalidInput("zone", f"unknown IANA time zone {zone!r} (e.g. Asia/Shanghai)") from None
    if not isinstance(periods, list) or not periods:
        raise InvalidInput("periods", 'periods is required: e.g. [["08:30","12:00"], ["13:30","17:30"]]')
    if len(periods) > MAX_PERIODS:
        raise InvalidInput("periods", f"at most {MAX_PERIODS} periods a day")
    parsed: list[tuple[int, Period]] = []
    for index, item in enumerate(periods):
        where = f"periods[{index}]"
        if not isinstance(item, list) or len(item) != 2:
            raise InvalidInput(where, f'{where} must be a pair ["HH:MM", "HH:MM"]')
        start = _minutes(item[0], f"{where}[0]", end=False)
        end = _minutes(item[1], f"{where}[1]", end=True)
        if end <= start:
            raise InvalidInput(where, f"{where} ends ({item[1]}) before or when it starts ({item[0]})")
        parsed.append((index, Period(start, end)))
    ordered = sorted(parsed, key=lambda p: p[1].start)
    for (before, earlier), (index, later) in pairwise(ordered):
        if later.start < earlier.end:
            raise InvalidInput(
                f"periods[{index}]",
                f"periods[{index}] overlaps periods[{before}] ({'-'.join(earlier.describe())})",
            )
    return WorkingHours(zone, tuple(period for _, period in ordered))


def _minutes(value: Any, where: str, *, end: bool) -> int:
    found = _CLOCK.match(value) if isinstance(value, str) else None
    if found is not None:
        hours, minutes = int(found.group(1)), int(found.group(2))
        if (hours < 24 and minutes < 60) or (end and hours == 24 and minutes == 0):
            return hours * 60 + minutes
    allowed = "00:00-24:00" if end else "00:00-23:59"
    raise InvalidInput(where, f"{where} must be a local time HH:MM ({allowed}), got {value!r}")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
