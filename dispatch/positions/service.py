"""Positions in: devices, the three client protocols, plausibility flags, storage, geofence arrival.

Parse (pure: ``parse_batch`` / ``parse_osmand_*`` / ``parse_owntracks``) → resolve the device
and technician → flag against the technician's latest plausible fix → one multi-row insert
that drops (device, fix time) duplicates → the latest position → geofence arrival of en-route
jobs (the ``arrive`` event, sent as the server). Never commits: the answer is sent only after
the framework committed, so an acknowledged position is a stored one.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dispatch.access.policy import Action, Resource, require_self, scope
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, NotPermitted
from dispatch.field_work.service import WorkOrderService
from dispatch.field_work.states import WorkOrderState
from dispatch.positions.batch import MAX_BATCH, parse_batch
from dispatch.positions.errors import InvalidPosition, UnknownDevice
from dispatch.positions.fix import Ignored, PositionFix, SpeedUnit
from dispatch.positions.geofence import DEFAULT_ARRIVAL_RADIUS_M, arrived
from dispatch.positions.osmand import parse_osmand_json, parse_osmand_query
from dispatch.positions.owntracks import parse_owntracks
from dispatch.positions.plausibility import DEFAULT_MAX_ACCURACY_M, DEFAULT_MAX_SPEED_KMH, flag_fix
from geo.coordinates import LonLat
from storage.models import Device, LatestPosition, Position
from storage.repositories.field_work import WorkOrderRepository
from storage.repositories.network import TechnicianRepository
from storage.repositories.positions import (
    DeviceRef,
    DeviceRepository,
    LatestFix,
    PositionRepository,
    PositionRow,
)

PROTOCOLS = ("osmand", "owntracks", "app")
DEFAULT_SPEED_UNIT = {"osmand": SpeedUnit.KNOTS, "owntracks": SpeedUnit.KMH, "app": SpeedUnit.MPS}
MAX_TRACK = 10_000


@dataclass(frozen=True, slots=True)
class TrackingSettings:
    arrival_radius_m: float = DEFAULT_ARRIVAL_RADIUS_M
    max_speed_kmh: float = DEFAULT_MAX_SPEED_KMH
    max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M
    public_url: str = ""
    """Where tracking clients reach this service (a device's ingest URL starts with it)."""


@dataclass(frozen=True, slots=True)
class DeviceCreate:
    technician_id: uuid.UUID
    protocol: str
    speed_unit: str | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    stored: int
    duplicates: int
    flagged: int
    arrivals: tuple[uuid.UUID, ...] = ()


class PositionService:
    def __init__(
        self,
        devices: DeviceRepository,
        positions: PositionRepository,
        technicians: TechnicianRepository,
        work_orders: WorkOrderService,
        settings: TrackingSettings,
    ) -> None:
        self.devices = devices
        self.positions = positions
        self.technicians = technicians
        self.work_orders = work_orders
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

    async def ingest_batch(self, caller: Principal, items: object) -> IngestResult:
        """``POST /api/v1/positions``: all items valid and bound to the caller, or nothing stored."""
        rows = scope(caller, Resource.POSITION, Action.CREATE)  # "self": each item's device checked below
        now = datetime.now(UTC)
        fixes = parse_batch(items, now=now, max_items=MAX_BATCH)
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
        known = await self.devices.by_ids(sorted(set(device_ids.values())))
        wanted = {(i, f.technician_id) for i, f in enumerate(fixes) if f.technician_id is not None}
        app_devices = await self._app_devices(wanted)
        pairs: list[tuple[PositionFix, DeviceRef]] = []
        for i, fix in enumerate(fixes):
            if i in device_ids:
                row = known.get(device_ids[i])
                if row is None or not row.active:
                    raise InvalidPosition(f"positions[{i}].device_id", "unknown device", i)
                device = DeviceRef(row.id, row.technician_id)
            else:
                assert fix.technician_id is not None
                device = app_devices[fix.technician_id]
            if not rows.everything and device.technician_id != rows.technician_id:
                raise NotPermitted(f"positions[{i}]: the device is not bound to the caller")
            pairs.append((fix, device))
        return await self._store(pairs)

    async def ingest_osmand(
        self, secret: str, query: Mapping[str, str] | None = None, body: object = None
    ) -> IngestResult:
        """Traccar Client / OsmAnd: the query-string form, or the JSON form in the body."""
        device = await self._device(secret)
        now = datetime.now(UTC)
        if query:
            fix = parse_osmand_query(query, now=now, speed_unit=SpeedUnit(device.speed_unit))
        else:
            fix = parse_osmand_json(body, now=now)
        return await self._store([(fix, DeviceRef(device.id, device.technician_id))])

    async def ingest_owntracks(self, secret: str, body: bytes) -> IngestResult:
        """OwnTracks HTTP mode: a location is stored; other messages and empty bodies ignored."""
        device = await self._device(secret)
        parsed = parse_owntracks(body, now=datetime.now(UTC))
        if isinstance(parsed, Ignored):
            return IngestResult(0, 0, 0, 0)
        return await self._store([(parsed, DeviceRef(device.id, device.technician_id))])

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

    async def _device(self, secret: str) -> Device:
        device = await self.devices.by_secret(secret)
        if device is None:
            raise UnknownDevice()
        return device

    async def _app_devices(self, wanted: set[tuple[int, uuid.UUID]]) -> dict[uuid.UUID, DeviceRef]:
        """Positions sent with ``technician_id`` belong to that technician's own-app device,
        made on first use; an unknown technician is a 400 naming the first item with it."""
        technicians = sorted({tech for _, tech in wanted})
        found = await self.devices.app_devices(technicians)
        missing = [tech for tech in technicians if tech not in found]
        if missing:
            exists = await self.devices.existing_technicians(missing)
            for i, tech in sorted(wanted):
                if tech not in exists and tech in missing:
                    raise InvalidPosition(f"positions[{i}].technician_id", "unknown technician", i)
            new = [
                Device(
                    id=uuid.uuid4(),
                    technician_id=tech,
                    protocol="app",
                    speed_unit=SpeedUnit.MPS.value,
                    secret=secrets.token_urlsafe(24),
                )
                for tech in missing
            ]
            await self.devices.add_all(new)
            found.update({d.technician_id: DeviceRef(d.id, d.technician_id) for d in new})
        return found

    async def _store(self, pairs: Sequence[tuple[PositionFix, DeviceRef]]) -> IngestResult:
        technicians = sorted({device.technician_id for _, device in pairs})
        latest = await self.positions.latest(technicians)
        previous: dict[uuid.UUID, PositionFix | None] = {
            tech: _fix_of(latest[tech]) if tech in latest else None for tech in technicians
        }
        rows: list[PositionRow] = []
        for fix, device in sorted(pairs, key=lambda p: (p[1].technician_id, p[0].fix_time)):
            tech = device.technician_id
            before = previous[tech]
            flags = flag_fix(
                before,
                fix,
                max_speed_kmh=self.settings.max_speed_kmh,
                max_accuracy_m=self.settings.max_accuracy_m,
            )
            if not flags and (before is None or fix.fix_time >= before.fix_time):
                previous[tech] = fix
            rows.append(_row(fix, device, tuple(flag.value for flag in flags)))
        first: dict[tuple[uuid.UUID, datetime], PositionRow] = {}
        for row in rows:
            first.setdefault((row.device_id, row.fix_time), row)
        # `stored` counts the rows the INSERT … ON CONFLICT DO NOTHING RETURNING gave back
        stored = [first[key] for key in await self.positions.insert(rows)]
        good = [r for r in stored if not r.flags]
        newest: dict[uuid.UUID, PositionRow] = {}
        for row in good:
            if row.technician_id not in newest or row.fix_time > newest[row.technician_id].fix_time:
                newest[row.technician_id] = row
        await self.positions.upsert_latest(list(newest.values()))
        arrivals = await self._geofence(good)
        return IngestResult(
            received=len(rows),
            stored=len(stored),
            duplicates=len(rows) - len(stored),
            flagged=sum(1 for r in stored if r.flags),
            arrivals=arrivals,
        )

    async def _geofence(self, good: Sequence[PositionRow]) -> tuple[uuid.UUID, ...]:
        """R-DI-2: a plausible fix within the radius of an en-route job's site marks arrival."""
        if not good:
            return ()
        by_tech: dict[uuid.UUID, list[PositionRow]] = defaultdict(list)
        for row in good:
            by_tech[row.technician_id].append(row)
        repository: WorkOrderRepository = self.work_orders.work_orders
        jobs = await repository.en_route(sorted(by_tech), WorkOrderState.EN_ROUTE.value)
        arrivals: list[uuid.UUID] = []
        for job in jobs:
            site = LonLat(job.lon, job.lat)
            for row in sorted(by_tech[job.technician_id], key=lambda r: r.fix_time):
                fix = PositionFix(lon=row.lon, lat=row.lat, fix_time=row.fix_time)
                if arrived(fix, site, self.settings.arrival_radius_m):
                    await self.work_orders.arrive_by_geofence(
                        job.work_order_id, row.fix_time, fix.point, str(row.device_id)
                    )
                    arrivals.append(job.work_order_id)
                    break
        return tuple(arrivals)


def _fix_of(latest: LatestFix) -> PositionFix:
    return PositionFix(lon=latest.lon, lat=latest.lat, fix_time=latest.fix_time)


def _row(fix: PositionFix, device: DeviceRef, flags: tuple[str, ...]) -> PositionRow:
    return PositionRow(
        device_id=device.id,
        technician_id=device.technician_id,
        fix_time=fix.fix_time,
        lon=fix.lon,
        lat=fix.lat,
        accuracy_m=fix.accuracy_m,
        speed_mps=fix.speed_mps,
        heading=fix.heading,
        altitude_m=fix.altitude_m,
        battery=fix.battery,
        flags=flags,
    )


async def remove_old_positions(
    positions: PositionRepository, older_than: timedelta, now: datetime | None = None
) -> tuple[list[str], int]:
    """Retention (``aftersales positions-cleanup``, and daily on the job queue): drop month
    partitions wholly older than the cutoff, delete the older rows of the partition the cutoff
    falls in. Latest positions stay. ``now``: the job's scheduled time (default: the wall clock)."""
    if older_than <= timedelta(0):
        raise InvalidInput("older_than", "the retention period must be positive")
    return await positions.drop_before((now or datetime.now(UTC)) - older_than)
