"""Tracking devices and positions: bulk insert with deduplication, latest fix, partitions.

The ingest path (``IngestStatements``) asks few, wide questions: one statement finds every device
a group of requests names (by id, by secret, a technician's own-app device) and what plausibility
and the geofence need of every technician involved (latest fix, en-route jobs); one stores all
rows and moves the latest positions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage.errors import NotFound
from storage.models import Device, LatestPosition, Position
from storage.repositories.field_work import SiteOfJob
from storage.unit_of_work import session_maker, unit_of_work

_INGEST_READS = text(
    """
    WITH found AS (
        (SELECT 'id' AS found_by, id::text AS key, id, technician_id, speed_unit, active
           FROM devices WHERE id = ANY(CAST(:ids AS uuid[])))
        UNION ALL
        (SELECT 'secret', secret, id, technician_id, speed_unit, active
           FROM devices WHERE secret = ANY(CAST(:secrets AS text[])) AND active)
        UNION ALL
        (SELECT DISTINCT ON (d.technician_id) 'app', d.technician_id::text, d.id, d.technician_id,
                d.speed_unit, d.active
           FROM devices d
          WHERE d.technician_id = ANY(CAST(:technicians AS uuid[])) AND d.protocol = 'app' AND d.active
          ORDER BY d.technician_id, d.created_at)
    ), involved AS (
        SELECT technician_id AS id FROM found
        UNION
        SELECT unnest(CAST(:technicians AS uuid[]))
    )
    SELECT found_by, key, id, technician_id, speed_unit, active, NULL::float8, NULL::float8,
           NULL::timestamptz, NULL::uuid, NULL::float8, NULL::float8
    FROM found
    UNION ALL
    SELECT 'technician', NULL, NULL, t.id, NULL, NULL, l.lon, l.lat, l.fix_time, w.id,
           ST_X(k.site::geometry), ST_Y(k.site::geometry)
    FROM involved AS t
    LEFT JOIN latest_positions l ON l.technician_id = t.id
    LEFT JOIN work_orders w ON w.technician_id = t.id AND w.state = :en_route
    LEFT JOIN tickets k ON k.id = w.ticket_id
    """
)
"""Everything a group of ingest requests reads, in one round trip: the devices it names (by id,
by secret, each named technician's oldest active own-app device), then, for every technician
involved, the latest plausible fix and the en-route jobs (the partial index on en-route work
orders keeps that side cheap)."""

_STORE = text(
    """
    WITH input AS (
        SELECT * FROM ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS (
                device_id uuid, fix_time timestamptz, technician_id uuid, lon float8, lat float8,
                accuracy_m float8, speed_mps float8, heading float8, altitude_m float8,
                battery float8, flags text[]))
             WITH ORDINALITY AS r(device_id, fix_time, technician_id, lon, lat, accuracy_m,
                                  speed_mps, heading, altitude_m, battery, flags, n)
    ), stored AS (
        INSERT INTO positions (device_id, fix_time, technician_id, lon, lat, accuracy_m, speed_mps,
                               heading, altitude_m, battery, flags)
        SELECT device_id, fix_time, technician_id, lon, lat, accuracy_m::float4, speed_mps::float4,
               heading::float4, altitude_m::float4, battery::float4, coalesce(flags, '{}')
        FROM input ORDER BY n
        ON CONFLICT (device_id, fix_time) DO NOTHING
        RETURNING device_id, fix_time, technician_id, lon, lat, accuracy_m, speed_mps, heading,
                  altitude_m, battery, flags
    ), first_of_each AS (
        SELECT min(input.n) AS n, stored.*
        FROM stored JOIN input USING (device_id, fix_time)
        GROUP BY stored.device_id, stored.fix_time, stored.technician_id, stored.lon, stored.lat,
                 stored.accuracy_m, stored.speed_mps, stored.heading, stored.altitude_m,
                 stored.battery, stored.flags
    ), newest AS (
        SELECT DISTINCT ON (technician_id) *
        FROM first_of_each WHERE cardinality(flags) = 0
        ORDER BY technician_id, fix_time DESC, n
    ), moved AS (
        INSERT INTO latest_positions AS l (technician_id, device_id, fix_time, position, lon, lat,
                                           accuracy_m, speed_mps, heading, altitude_m, battery)
        SELECT technician_id, device_id, fix_time,
               ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, lon, lat, accuracy_m,
               speed_mps, heading, altitude_m, battery
        FROM newest
        ON CONFLICT (technician_id) DO UPDATE SET
            device_id = excluded.device_id, fix_time = excluded.fix_time, received_at = now(),
            position = excluded.position, lon = excluded.lon, lat = excluded.lat,
            accuracy_m = excluded.accuracy_m, speed_mps = excluded.speed_mps,
            heading = excluded.heading, altitude_m = excluded.altitude_m, battery = excluded.battery
        WHERE l.fix_time < excluded.fix_time
    )
    SELECT coalesce(array_agg(n ORDER BY n), '{}') FROM first_of_each
    """
)
"""A group's rows, and each technician's newest plausible stored row as its latest position, in
one statement: on the writer's autocommit connection it is its own transaction, atomic, with no
BEGIN or COMMIT round trip. Rows travel as one JSON text, not eleven arrays: the driver checks
each element of an array parameter for nesting (``collections.abc`` checks, slow in Python),
msgspec writes the JSON in C, and PostgreSQL reads it back exactly (float8 text round-trips; the
REAL columns are cast from float8 in SQL as the driver would). The answer is the 1-based ordinals
of the rows inserted (the first of any repeated key; the others conflict): nothing to build per
row. The latest position moves only forward in fix time (``WHERE l.fix_time < …``)."""

_ADD_APP_DEVICES = text(
    """
    INSERT INTO devices (id, technician_id, protocol, speed_unit, secret)
    SELECT id, technician_id, 'app', :speed_unit, secret
    FROM json_to_recordset(CAST(:devices AS json)) AS d(id uuid, technician_id uuid, secret text)
    """
)

_EXISTING_TECHNICIANS = text("SELECT id FROM technicians WHERE id = ANY(CAST(:ids AS uuid[]))")

_JSON = msgspec.json.Encoder()


class PositionRow(msgspec.Struct, frozen=True, omit_defaults=True):
    """One fix ready to store; ``flags`` are plausibility flags (empty = plausible). A msgspec
    struct: its fields are the columns, and a group's rows go to the database as one JSON text."""

    device_id: uuid.UUID
    technician_id: uuid.UUID
    fix_time: datetime
    lon: float
    lat: float
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading: float | None = None
    altitude_m: float | None = None
    battery: float | None = None
    flags: tuple[str, ...] = ()


class NewAppDevice(msgspec.Struct, frozen=True):
    """An own-app device to make (its secret drawn by the caller)."""

    id: uuid.UUID
    technician_id: uuid.UUID
    secret: str


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """What the ingest path needs of a device."""

    id: uuid.UUID
    technician_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class DeviceRow:
    """What the ingest path needs of a device found by id or secret."""

    id: uuid.UUID
    technician_id: uuid.UUID
    speed_unit: str
    active: bool


@dataclass(frozen=True, slots=True)
class DeviceLookup:
    """The devices one group of requests names: by id (active or not), by secret (active only),
    and each technician's own-app device (the oldest active one)."""

    by_id: dict[uuid.UUID, DeviceRow]
    by_secret: dict[str, DeviceRow]
    app: dict[uuid.UUID, DeviceRef]


@dataclass(frozen=True, slots=True)
class LatestFix:
    lon: float
    lat: float
    fix_time: datetime


@dataclass(frozen=True, slots=True)
class TechnicianContext:
    """What storing a technician's fixes needs to know: the latest plausible fix (jump flags) and
    the jobs the technician is en route to (geofence arrival; none for most technicians)."""

    latest: LatestFix | None
    en_route: tuple[SiteOfJob, ...] = ()


NO_CONTEXT = TechnicianContext(None)


@dataclass(frozen=True, slots=True)
class IngestReads:
    devices: DeviceLookup
    technicians: dict[uuid.UUID, TechnicianContext]
    """Every technician named or owning a device found (none of them may have a fix yet)."""


def month_start(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


class DeviceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, device: Device) -> Device:
        self.session.add(device)
        await self.session.flush()
        await self.session.refresh(device)
        return device


class PositionRepository:
    """Tracks, latest positions and retention; the ingest path writes through ``IngestStatements``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ensure_partitions(self, moments: Sequence[datetime]) -> None:
        """Create the month partitions these instants fall in (the daily maintenance job makes
        next month's before the first fix needs it)."""
        utc = (m.astimezone(UTC) for m in moments)
        for month in sorted({datetime(t.year, t.month, 1, tzinfo=UTC) for t in utc}):
            await self.session.execute(text("SELECT ensure_positions_partition(:at)"), {"at": month})

    async def latest(self, technician_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, LatestFix]:
        """The latest plausible fix of each technician (plain tuples, for planning snapshots)."""
        if not technician_ids:
            return {}
        rows = await self.session.execute(
            select(
                LatestPosition.technician_id, LatestPosition.lon, LatestPosition.lat, LatestPosition.fix_time
            ).where(LatestPosition.technician_id.in_(list(technician_ids)))
        )
        return {tech: LatestFix(lon, lat, fix_time) for tech, lon, lat, fix_time in rows}

    async def latest_one(self, technician_id: uuid.UUID) -> LatestPosition:
        found = await self.session.get(LatestPosition, technician_id)
        if found is None:
            raise NotFound("position of technician", technician_id)
        return found

    async def track(
        self, technician_id: uuid.UUID, start: datetime, end: datetime, limit: int
    ) -> list[Position]:
        rows = await self.session.scalars(
            select(Position)
            .where(
                Position.technician_id == technician_id,
                Position.fix_time >= start,
                Position.fix_time <= end,
            )
            .order_by(Position.fix_time, Position.device_id)
            .limit(limit)
        )
        return list(rows)

    async def drop_before(self, cutoff: datetime) -> tuple[list[str], int]:
        """Retention: drop whole month partitions that end before ``cutoff`` and delete older
        rows from the partition ``cutoff`` falls in. Returns (dropped partitions, rows deleted)."""
        partitions = await self.session.execute(
            text(
                """
                SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'positions'::regclass ORDER BY c.relname
                """
            )
        )
        cut = month_start(cutoff)
        dropped: list[str] = []
        for name, _bound in partitions:
            month = _month_of(str(name))
            if month is not None and month < cut and _next_month(month) <= cutoff:
                await self.session.execute(text(f'DROP TABLE "{name}"'))
                dropped.append(str(name))
        deleted = await self.session.execute(
            text("DELETE FROM positions WHERE fix_time < :cutoff"), {"cutoff": cutoff}
        )
        connection = await self.session.connection()
        _KNOWN_MONTHS.pop(str(connection.sync_engine.url), None)
        return dropped, int(getattr(deleted, "rowcount", 0) or 0)


_KNOWN_MONTHS: dict[str, set[datetime]] = {}
"""Per database: months whose partition is known to exist (per process; the service never drops
partitions, and the clean-up command forgets what it dropped)."""


class IngestStatements:
    """The statements of position ingest, on the position writer's connection in autocommit mode
    (each statement is its own transaction: no BEGIN or COMMIT round trips) or on a session (they
    join its unit of work, for the groups that may mark a geofence arrival)."""

    def __init__(self, executor: AsyncConnection | AsyncSession) -> None:
        self.executor = executor

    async def reads(
        self,
        ids: Sequence[uuid.UUID],
        secrets: Sequence[str],
        technicians: Sequence[uuid.UUID],
        en_route_state: str,
    ) -> IngestReads:
        """Devices by id, by secret and the named technicians' own-app devices, and every involved
        technician's latest plausible fix and jobs in ``en_route_state``: one round trip."""
        devices = DeviceLookup({}, {}, {})
        latest: dict[uuid.UUID, LatestFix | None] = {}
        jobs: dict[uuid.UUID, list[SiteOfJob]] = {}
        params = {"ids": list(ids), "secrets": list(secrets), "technicians": list(technicians)}
        rows = await self.executor.execute(_INGEST_READS, {**params, "en_route": en_route_state})
        for found_by, key, device_id, tech, unit, active, lon, lat, fix_time, job, site_lon, site_lat in rows:
            if found_by == "technician":
                latest[tech] = LatestFix(lon, lat, fix_time) if fix_time is not None else None
                if job is not None:
                    jobs.setdefault(tech, []).append(SiteOfJob(job, tech, site_lon, site_lat))
            elif found_by == "id":
                devices.by_id[device_id] = DeviceRow(device_id, tech, unit, active)
            elif found_by == "secret":
                devices.by_secret[key] = DeviceRow(device_id, tech, unit, active)
            else:
                devices.app[tech] = DeviceRef(device_id, tech)
        contexts = {tech: TechnicianContext(fix, tuple(jobs.get(tech, ()))) for tech, fix in latest.items()}
        return IngestReads(devices, contexts)

    async def existing_technicians(self, technician_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not technician_ids:
            return set()
        rows = await self.executor.execute(_EXISTING_TECHNICIANS, {"ids": list(technician_ids)})
        return {tech for (tech,) in rows}

    async def add_app_devices(self, devices: Sequence[NewAppDevice], speed_unit: str) -> None:
        """Own-app devices (protocol ``app``) for technicians that had none."""
        if devices:
            payload = _JSON.encode(devices).decode()
            await self.executor.execute(_ADD_APP_DEVICES, {"devices": payload, "speed_unit": speed_unit})

    async def store(self, rows: Sequence[PositionRow]) -> list[int]:
        """Insert, dropping (device, fix time) duplicates (``ON CONFLICT DO NOTHING``, also within
        ``rows``), and move each technician's latest position to its newest unflagged stored row;
        returns the index in ``rows`` of each row actually stored, ascending."""
        if not rows:
            return []
        await self._ensure_partitions([r.fix_time for r in rows])
        ordinals = await self.executor.scalar(_STORE, {"rows": _JSON.encode(rows).decode()})
        return [n - 1 for n in ordinals or ()]

    async def _ensure_partitions(self, fix_times: Sequence[datetime]) -> None:
        """Create the month partitions these fixes need, in their own short unit of work, so that
        a partition made for a request that later fails still exists for the next one."""
        engine = await self._sync_engine()
        known = _KNOWN_MONTHS.setdefault(str(engine.url), set())
        utc = (t if t.tzinfo is UTC else t.astimezone(UTC) for t in fix_times)
        months = {datetime(year, month, 1, tzinfo=UTC) for year, month in {(t.year, t.month) for t in utc}}
        months -= known
        if not months:
            return
        async with unit_of_work(session_maker(AsyncEngine(engine))) as own:
            for month in sorted(months):
                await own.execute(text("SELECT ensure_positions_partition(:at)"), {"at": month})
        known.update(months)

    async def _sync_engine(self) -> Engine:
        if isinstance(self.executor, AsyncConnection):
            return self.executor.sync_engine
        return (await self.executor.connection()).sync_engine


def _month_of(name: str) -> datetime | None:
    """``positions_2026m11`` → 2026-11-01 UTC."""
    try:
        year, month = name.removeprefix("positions_").split("m")
        return datetime(int(year), int(month), 1, tzinfo=UTC)
    except ValueError:
        return None


def _next_month(month: datetime) -> datetime:
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )
