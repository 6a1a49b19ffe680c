"""Positions in: devices, the three client protocols, plausibility flags, storage, geofence arrival.

Parse (pure: ``parse_batch`` / ``parse_osmand_*`` / ``parse_owntracks``) and check the caller
here; then the process's ``PositionWriter`` stores the request together with the others waiting
at that moment, in one unit of work (``dispatch/positions/ingest.py``, ADR 0017): devices
resolved, fixes flagged against each technician's latest plausible fix, one multi-row insert
that drops (device, fix time) duplicates, geofence arrival of en-route jobs (the ``arrive``
event, sent as the server), the latest positions. A request is answered after that unit of work
committed, so an acknowledged position is a stored one.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dispatch.access.policy import Action, Resource, require_self, scope
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, NotPermitted
from dispatch.positions.batch import MAX_BATCH, parse_batch
from dispatch.positions.errors import InvalidPosition
from dispatch.positions.fix import Ignored, PositionFix, SpeedUnit
from dispatch.positions.ingest import (
    BatchSubmission,
    DeviceSubmission,
    IngestResult,
    TrackingSettings,
)
from dispatch.positions.osmand import parse_osmand_json, parse_osmand_query
from dispatch.positions.owntracks import parse_owntracks
from dispatch.positions.writer import PositionWriter
from storage.models import Device, LatestPosition, Position
from storage.repositories.network import TechnicianRepository
from storage.repositories.positions import DeviceRepository, PositionRepository

__all__ = [
    "DeviceCreate",
    "IngestResult",
    "PositionIntake",
    "PositionService",
    "TrackingSettings",
    "remove_old_positions",
]

PROTOCOLS = ("osmand", "owntracks", "app")
DEFAULT_SPEED_UNIT = {"osmand": SpeedUnit.KNOTS, "owntracks": SpeedUnit.KMH, "app": SpeedUnit.MPS}
MAX_TRACK = 10_000


@dataclass(frozen=True, slots=True)
class DeviceCreate:
    technician_id: uuid.UUID
    protocol: str
    speed_unit: str | None = None


class PositionIntake:
    """The ingest endpoints: parse, check the caller, hand the request to the process's writer.
    Long-lived and without a unit of work of its own: the writer's groups have theirs."""

    def __init__(self, writer: PositionWriter) -> None:
        self.writer = writer

    async def ingest_batch(self, caller: Principal, items: object) -> IngestResult:
        """``POST /api/v1/positions``: all items valid and bound to the caller, or nothing stored."""
        rows = scope(caller, Resource.POSITION, Action.CREATE)  # "self": each item's device checked too
        fixes = parse_batch(items, now=datetime.now(UTC), max_items=MAX_BATCH)
        for i, fix in enumerate(fixes):  # before any device is made for a named technician
            if not rows.everything and fix.technician_id not in (None, rows.technician_id):
                raise NotPermitted(f"positions[{i}]: an engineer token sends only its own positions")
        device_ids: dict[int, uuid.UUID] = {}
        for i, fix in enumerate(fixes):
            if fix.device_key is not None:
                try:
                    device_ids[i] = uuid.UUID(fix.device_key)
                except ValueError:
                    raise InvalidPosition(
                        f"positions[{i}].device_id", "must be a device id (UUID)", i
                    ) from None
        return await self.writer.write(BatchSubmission(tuple(fixes), device_ids, rows))

    async def ingest_osmand(
        self, secret: str, query: Mapping[str, str] | None = None, body: object = None
    ) -> IngestResult:
        """Traccar Client / OsmAnd: the query-string form, or the JSON form in the body."""

        def read(unit: SpeedUnit) -> PositionFix:
            now = datetime.now(UTC)
            if query:
                return parse_osmand_query(query, now=now, speed_unit=unit)
            return parse_osmand_json(body, now=now)

        return await self.writer.write(DeviceSubmission(secret, read))

    async def ingest_owntracks(self, secret: str, body: bytes) -> IngestResult:
        """OwnTracks HTTP mode: a location is stored; other messages and empty bodies ignored."""

        def read(_: SpeedUnit) -> PositionFix | Ignored:
            return parse_owntracks(body, now=datetime.now(UTC))

        return await self.writer.write(DeviceSubmission(secret, read))


class PositionService:
    """Devices, tracks and latest positions, on the request's unit of work."""

    def __init__(
        self,
        devices: DeviceRepository,
        positions: PositionRepository,
        technicians: TechnicianRepository,
        settings: TrackingSettings,
    ) -> None:
        self.devices = devices
        self.positions = positions
        self.technicians = technicians
        self.settings = settings

    async def register(self, caller: Principal, data: DeviceCreate) -> Device:
        require_self(caller, Resource.DEVICE, Action.CREATE, data.technician_id)
        if data.protocol not in PROTOCOLS:
            raise InvalidInput("protocol", f"protocol must be one of: {', '.join(PROTOCOLS)}")
        try:
            unit = SpeedUnit(data.speed_unit) if data.speed_unit else DEFAULT_SPEED_UNIT[data.protocol]
        except ValueError:
            allowed = ", ".join(u.value for u in SpeedUnit)
            raise InvalidInput("speed_unit", f"speed_unit must be one of: {allowed}") from None
        await self.technicians.get(data.technician_id)
        return await self.devices.add(
            Device(
                technician_id=data.technician_id,
                protocol=data.protocol,
                speed_unit=unit.value,
                secret=secrets.token_urlsafe(24),
            )
        )

    async def track(
        self, caller: Principal, technician_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> list[Position]:
        require_self(caller, Resource.POSITION, Action.READ, technician_id)
        await self.technicians.get(technician_id)
        end = end or datetime.now(UTC)
        start = start or end - timedelta(days=1)
        for name, value in (("from", start), ("to", end)):
            if value.tzinfo is None:
                raise InvalidInput(name, f"{name} needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
        if start > end:
            raise InvalidInput("from", "from must not be after to")
        return await self.positions.track(technician_id, start, end, MAX_TRACK)

    async def latest(self, caller: Principal, technician_id: uuid.UUID) -> LatestPosition:
        require_self(caller, Resource.POSITION, Action.READ, technician_id)
        await self.technicians.get(technician_id)
        return await self.positions.latest_one(technician_id)


async def remove_old_positions(
    positions: PositionRepository, older_than: timedelta, now: datetime | None = None
) -> tuple[list[str], int]:
    """Retention (``aftersales positions-cleanup``, and daily on the job queue): drop month
    partitions wholly older than the cutoff, delete the older rows of the partition the cutoff
    falls in. Latest positions stay. ``now``: the job's scheduled time (default: the wall clock)."""
    if older_than <= timedelta(0):
        raise InvalidInput("older_than", "the retention period must be positive")
    return await positions.drop_before((now or datetime.now(UTC)) - older_than)
