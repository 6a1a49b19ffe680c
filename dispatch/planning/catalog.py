"""The planning data table: service time and skill by fault type, priority by urgency, the
working day. Values are the product's defaults (documented in ``docs/planning.md``); a plant
that measures its own service times replaces ``SERVICE_BY_FAULT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class ServiceRule:
    """On-site time of one visit (arrival to leaving) and the skills it needs."""

    minutes: int
    skills: frozenset[str]


SERVICE_BY_FAULT: MappingProxyType[str, ServiceRule] = MappingProxyType(
    {
        # fault type (R-IN-3) → typical on-site time; the skill is the fault type itself, as the
        # technicians' ``skills`` name them (demo: hydraulic, mechanical, electrical …).
        "mechanical": ServiceRule(120, frozenset({"mechanical"})),
        "electrical": ServiceRule(90, frozenset({"electrical"})),
        "tyre": ServiceRule(45, frozenset({"tyre"})),
        "hydraulic": ServiceRule(150, frozenset({"hydraulic"})),
        "power": ServiceRule(180, frozenset({"power"})),
        "control": ServiceRule(120, frozenset({"control"})),
        "body": ServiceRule(150, frozenset({"body"})),
        "other": ServiceRule(90, frozenset()),
    }
)
"""Unknown fault types fall back to ``other`` (any engineer, 90 min)."""

PRIORITY_BY_URGENCY: MappingProxyType[str, int] = MappingProxyType(
    {"extra_urgent": 20, "urgent": 5, "normal": 0}
)
"""R-IN-3: extra-urgent and urgent visits are the last to be left out when not all fit (the
routing core scales a visit's drop penalty by ``1 + priority``)."""


def service_rule(fault_type: str | None) -> ServiceRule:
    """The service rule of a fault type (``other`` for unknown or missing)."""
    return SERVICE_BY_FAULT.get(fault_type or "other", SERVICE_BY_FAULT["other"])


def priority(urgency: str) -> int:
    return PRIORITY_BY_URGENCY.get(urgency, 0)


@dataclass(frozen=True, slots=True)
class WorkingDay:
    """One engineer's day in the plant's time zone: shift, lunch break, overtime, driving cap."""

    start: time = time(8, 0)
    end: time = time(18, 0)
    break_start: time | None = time(12, 0)
    break_end: time | None = time(13, 0)
    overtime_max_min: int = 120
    """Overtime allowed past ``end`` each day, at a cost (``overtime_weight``)."""
    max_drive_min: int = 8 * 60
    """Driving per day at most (fatigue rule of thumb: 8 h at the wheel)."""
    overtime_weight: int = 3
    """A second of overtime costs as much as three seconds of driving."""

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working day: start must be before end")
        if (self.break_start is None) != (self.break_end is None):
            raise ValueError("working day: give both break_start and break_end, or neither")
        if (
            self.break_start is not None
            and self.break_end is not None
            and not self.start <= self.break_start < self.break_end <= self.end
        ):
            raise ValueError("working day: the break must lie inside the shift")
        if self.overtime_max_min < 0 or self.max_drive_min <= 0:
            raise ValueError("working day: overtime must be >= 0 and driving cap > 0")


DEFAULT_DAY = WorkingDay()

GPS_FRESH_MINUTES = 120
"""An engineer starts from their latest GPS fix when it is at most this old, else from home."""
