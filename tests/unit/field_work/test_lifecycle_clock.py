"""Device-time policy: SLA times use the device clock only when plausible (R-DI-2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from dispatch.field_work import TimeSource, sla_time

CREATED = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SERVER = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_plausible_device_time_is_used_r_di_2() -> None:
    device = SERVER - timedelta(hours=3)  # recorded offline, synced later
    assert sla_time(device, SERVER, CREATED) == (device, TimeSource.DEVICE)


def test_device_time_in_another_zone_is_the_same_instant_r_di_2() -> None:
    device = datetime(2026, 11, 23, 17, 0, tzinfo=timezone(timedelta(hours=8)))  # 09:00 UTC
    assert sla_time(device, SERVER, CREATED) == (device, TimeSource.DEVICE)


def test_small_skew_ahead_is_clamped_to_server_time_r_di_2() -> None:
    assert sla_time(SERVER + timedelta(seconds=30), SERVER, CREATED) == (
        SERVER,
        TimeSource.DEVICE,
    )


@pytest.mark.parametrize(
    "device",
    [
        SERVER + timedelta(minutes=10),  # in the future beyond the skew
        SERVER + timedelta(days=3),
        CREATED - timedelta(seconds=1),  # before the job existed
        datetime(2026, 11, 23, 9, 0),  # naive: no way to know the instant
        None,
    ],
)
def test_implausible_device_time_gives_server_time_r_di_2(device: datetime | None) -> None:
    assert sla_time(device, SERVER, CREATED) == (SERVER, TimeSource.SERVER)


def test_skew_allowance_is_configurable_r_di_2() -> None:
    device = SERVER + timedelta(minutes=10)
    chosen = sla_time(device, SERVER, CREATED, max_future=timedelta(minutes=15))
    assert chosen == (SERVER, TimeSource.DEVICE)


def test_naive_server_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="server_time"):
        sla_time(None, datetime(2026, 11, 23, 12, 0), CREATED)
