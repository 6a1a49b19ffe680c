"""The vocabulary of repair intake (R-IN-1, R-IN-3): channels, fault types, urgency, status."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from dispatch.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


class Channel(StrEnum):
    """How a repair request arrived (R-IN-1)."""

    PHONE = "phone"
    WALK_IN = "walk_in"
    APP = "app"
    OUTLET = "outlet"


class FaultType(StrEnum):
    """The first assessment's fault type (R-IN-3)."""

    MECHANICAL = "mechanical"
    ELECTRICAL = "electrical"
    TYRE = "tyre"
    HYDRAULIC = "hydraulic"
    POWER = "power"
    CONTROL = "control"
    BODY = "body"
    OTHER = "other"


class Urgency(StrEnum):
    """R-IN-3: extra-urgent (特急) and urgent (加急) are planned within 0.5 h of receipt."""

    EXTRA_URGENT = "extra_urgent"
    URGENT = "urgent"
    NORMAL = "normal"


class TicketStatus(StrEnum):
    """Where a ticket stands. Work-order states refine ``dispatched`` once engineers go."""

    NEW = "new"
    NEEDS_DEADLINE = "needs_deadline"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DispatchMode(StrEnum):
    """R-DI-1: the plant's own engineers go, or the nearest outlet that can serve does."""

    DIRECT = "direct"
    OUTLET = "outlet"


def parse_choice(kind: type[E], value: object, field: str) -> E:
    """Parse a request value into one of ``kind``'s members, naming ``field`` when it is not."""
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInput(field, f"{field} must be one of: {allowed} (got {value!r})") from None
