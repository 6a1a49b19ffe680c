"""Request and response shapes for positions: devices, batches, stock-client ingest, tracks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from storage.models import Device, LatestPosition, Position


class DeviceIn(msgspec.Struct, forbid_unknown_fields=True):
    technician_id: uuid.UUID
    protocol: str
    speed_unit: str | None = None


class DeviceOut(msgspec.Struct):
    """``ingest_url`` carries the device's secret: treat it as a password."""

    id: uuid.UUID
    technician_id: uuid.UUID
    protocol: str
    speed_unit: str
    ingest_url: str

    @classmethod
    def of(cls, device: Device, ingest_url: str) -> DeviceOut:
        return cls(device.id, device.technician_id, device.protocol, device.speed_unit, ingest_url)


class PositionsIn(msgspec.Struct, forbid_unknown_fields=True):
    """Up to 1,000 ``{device_id|technician_id, lon, lat, crs?, fix_time, accuracy_m?,
    speed_mps?, heading?, altitude_m?, battery?}``; validated item by item (400 with ``index``)."""

    positions: list[dict[str, Any]]


class IngestOut(msgspec.Struct):
    """Everything received is stored (``stored``) or was already (``duplicates``)."""

    received: int
    stored: int
    duplicates: int
    flagged: int
    arrivals: list[uuid.UUID]


class TechnicianPositionOut(msgspec.Struct):
    device_id: uuid.UUID
    fix_time: datetime
    lon: float
    lat: float
    accuracy_m: float | None
    speed_mps: float | None
    heading: float | None
    altitude_m: float | None
    battery: float | None
    flags: list[str]

    @classmethod
    def of(cls, row: Position | LatestPosition) -> TechnicianPositionOut:
        return cls(
            device_id=row.device_id,
            fix_time=row.fix_time,
            lon=row.lon,
            lat=row.lat,
            accuracy_m=row.accuracy_m,
            speed_mps=row.speed_mps,
            heading=row.heading,
            altitude_m=row.altitude_m,
            battery=row.battery,
            flags=list(row.flags) if isinstance(row, Position) else [],
        )


class TechnicianTrackOut(msgspec.Struct):
    technician_id: uuid.UUID
    positions: list[TechnicianPositionOut]
