"""Which clock an event's SLA time comes from (R-DI-2: the clocks must not be gamed).

Events recorded offline reach the server hours later, so the server time would misstate when
the engineer arrived; but a phone's clock can be wrong or set on purpose. The device time is
used only when it is plausible, and the answer always says which clock was used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_MAX_FUTURE = timedelta(minutes=2)
"""How far a device clock may run ahead of the server's and still be believed."""


class TimeSource(StrEnum):
    """The clock an SLA time was taken from."""

    DEVICE = "device"
    SERVER = "server"


def sla_time(
    device_time: datetime | None,
    server_time: datetime,
    job_created_at: datetime,
    max_future: timedelta = DEFAULT_MAX_FUTURE,
) -> tuple[datetime, TimeSource]:
    """The time an event counts at for SLAs, and where it came from (R-DI-2).

    The device time is used when it is timezone-aware, not later than ``server_time`` plus
    ``max_future`` (a small clock skew), and not before the job existed (an engineer cannot
    act on a job before it was created). A device time within the skew allowance but after
    the server time is clamped to the server time: an SLA instant never lies in the future.
    Anything else, or no device time at all, gives the server time.
    """
    _require_aware(server_time, "server_time")
    _require_aware(job_created_at, "job_created_at")
    if device_time is None or device_time.tzinfo is None or device_time.utcoffset() is None:
        return server_time, TimeSource.SERVER
    if device_time > server_time + max_future or device_time < job_created_at:
        return server_time, TimeSource.SERVER
    return min(device_time, server_time), TimeSource.DEVICE


def _require_aware(value: datetime, name: str) -> None:
    """Server-side instants must be aware; a naive one is a bug in the caller."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
