"""Storing the positions of a group of requests in one unit of work (group commit, ADR 0017).

A request is parsed and checked against its caller where it arrived (``PositionIntake``); what
needs the database travels as a ``Submission`` to the process's ``PositionWriter``, which hands
every submission waiting at that moment to ``PositionIngest.store`` in one transaction:

1. one statement reads every device the group names (by id, by secret, own-app devices) and, for
   every technician involved, the latest plausible fix and the en-route jobs;
2. each submission is resolved on its own: an unknown device or technician, a device bound to
   someone else, a bad OsmAnd field is *that* submission's error, not the group's;
3. own-app devices are made for the technicians that still need one;
4. fixes are flagged (R-DI-9) in (technician, fix time) order, one multi-row insert stores them
   dropping (device, fix time) duplicates, arrival is checked only for technicians en route
   (R-DI-2), and each technician's newest plausible fix becomes the latest position.

``stored`` counts what the insert reported as inserted: a fix sent twice, within one request or
by two requests of the group, is stored once and counted for the first that sent it.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.errors import NotPermitted
from dispatch.field_work.service import WorkOrderService
from dispatch.field_work.states import WorkOrderState
from dispatch.positions.errors import InvalidPosition, TrackingError, UnknownDevice
from dispatch.positions.fix import Ignored, PositionFix, SpeedUnit
from dispatch.positions.geofence import DEFAULT_ARRIVAL_RADIUS_M, arrived
from dispatch.positions.plausibility import DEFAULT_MAX_ACCURACY_M, DEFAULT_MAX_SPEED_KMH, flag_fix
from geo.coordinates import LonLat
from storage.repositories.positions import (
    NO_CONTEXT,
    DeviceLookup,
    DeviceRef,
    IngestStatements,
    NewAppDevice,
    PositionRow,
    TechnicianContext,
)
from storage.scope import RowScope
from storage.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class TrackingSettings:
    arrival_radius_m: float = DEFAULT_ARRIVAL_RADIUS_M
    max_speed_kmh: float = DEFAULT_MAX_SPEED_KMH
    max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M
    public_url: str = ""
    """Where tracking clients reach this service (a device's ingest URL starts with it)."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    stored: int
    duplicates: int
    flagged: int
    arrivals: tuple[uuid.UUID, ...] = ()


NOTHING = IngestResult(0, 0, 0, 0)
"""The answer to a request that carried no position (an OwnTracks transition)."""


@dataclass(frozen=True, slots=True)
class BatchSubmission:
    """``POST /api/v1/positions``, parsed and checked against the caller's technician ids."""

    fixes: tuple[PositionFix, ...]
    device_ids: Mapping[int, uuid.UUID]
    """Item index → device id, for the items sent with ``device_id``."""
    rows: RowScope
    """The caller's reach: every technician, or only its own."""


@dataclass(frozen=True, slots=True)
class DeviceSubmission:
    """One stock-client request: the secret in its URL, and how to read its fix once the
    device (and so its speed unit) is known. A secret names no device → ``UnknownDevice``."""

    secret: str
    read: Callable[[SpeedUnit], PositionFix | Ignored]


Submission = BatchSubmission | DeviceSubmission
Outcome = IngestResult | TrackingError | NotPermitted
"""A submission's own answer: stored, or refused on its own without failing the group."""


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A submission whose every fix has a device (a technician id where that technician's
    own-app device is still to be made in this unit of work), its own refusal, or its answer."""

    fixes: Sequence[tuple[PositionFix, DeviceRef | uuid.UUID]] = ()
    refused: TrackingError | NotPermitted | None = None
    answer: IngestResult | None = None


class PositionIngest:
    """How one group of submissions is stored (long-lived, one per process, used by its writer).

    The group's statements run on the writer's autocommit connection (``IngestStatements``): the
    reads, then one statement that stores the rows and moves the latest positions — atomic on its
    own, with no BEGIN or COMMIT round trip. A group with a technician en route is stored in a
    unit of work instead, so that a fix and the arrival it marks are saved together."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        work_orders: Callable[[AsyncSession], WorkOrderService],
        settings: TrackingSettings,
    ) -> None:
        self.sessions = sessions
        self.work_orders = work_orders
        self.settings = settings

    async def store(self, group: Sequence[Submission], statements: IngestStatements) -> list[Outcome]:
        """Each submission's outcome, in order. Raises only what fails the whole group (the
        database); the writer then stores each submission alone."""
        reads = await statements.reads(*_wanted(group), WorkOrderState.EN_ROUTE.value)
        unknown = await _unknown_technicians(group, reads.devices, statements)
        resolved = [_resolve(submission, reads.devices, unknown) for submission in group]
        app = await _app_devices(resolved, statements)
        owned: list[tuple[int, PositionFix, DeviceRef]] = []
        for k, r in enumerate(resolved):
            owned.extend((k, fix, d if isinstance(d, DeviceRef) else app[d]) for fix, d in r.fixes)
        counts = [_Count() for _ in group]
        if owned:
            await self._store(owned, counts, reads.technicians, statements)
        return [_outcome(r, counts[k]) for k, r in enumerate(resolved)]

    async def _store(
        self,
        owned: Sequence[tuple[int, PositionFix, DeviceRef]],
        counts: Sequence[_Count],
        context: Mapping[uuid.UUID, TechnicianContext],
        statements: IngestStatements,
    ) -> None:
        ordered = sorted(owned, key=lambda o: (o[2].technician_id, o[1].fix_time))
        rows = self._flagged(ordered, context)
        owners = [k for k, _, _ in ordered]
        for k in owners:
            counts[k].received += 1
        if any(context.get(row.technician_id, NO_CONTEXT).en_route for row in rows):
            stored, arrivals = await self._store_with_arrivals(rows, owners, context)
        else:
            stored, arrivals = await statements.store(rows), []
        for i in stored:  # of a repeated key, the statement kept the first row
            counts[owners[i]].stored += 1
            counts[owners[i]].flagged += bool(rows[i].flags)
        for k, work_order_id in arrivals:
            counts[k].arrivals.append(work_order_id)

    async def _store_with_arrivals(
        self,
        rows: Sequence[PositionRow],
        owners: Sequence[int],
        context: Mapping[uuid.UUID, TechnicianContext],
    ) -> tuple[list[int], list[tuple[int, uuid.UUID]]]:
        """The rows and the geofence arrivals they mark (R-DI-2), in one unit of work: a retried
        request finds its fixes stored and would not look at them again."""
        async with unit_of_work(self.sessions) as session:
            stored = await IngestStatements(session).store(rows)
            good = [(owners[i], rows[i]) for i in stored if not rows[i].flags]
            arrivals = await self._geofence(good, context, self.work_orders(session))
        return stored, arrivals

    def _flagged(
        self,
        ordered: Sequence[tuple[int, PositionFix, DeviceRef]],
        context: Mapping[uuid.UUID, TechnicianContext],
    ) -> list[PositionRow]:
        """Rows with their plausibility flags, each fix judged against its technician's latest
        unflagged fix before it (stored, or earlier in this group)."""
        previous: dict[uuid.UUID, PositionFix | None] = {}
        for tech, known in context.items():
            last = known.latest
            previous[tech] = (
                None if last is None else PositionFix(lon=last.lon, lat=last.lat, fix_time=last.fix_time)
            )
        rows: list[PositionRow] = []
        for _, fix, device in ordered:
            tech = device.technician_id
            before = previous.get(tech)
            flags = flag_fix(
                before,
                fix,
                max_speed_kmh=self.settings.max_speed_kmh,
                max_accuracy_m=self.settings.max_accuracy_m,
            )
            if not flags and (before is None or fix.fix_time >= before.fix_time):
                previous[tech] = fix
            rows.append(_row(fix, device, tuple(flag.value for flag in flags)))
        return rows

    async def _geofence(
        self,
        good: Sequence[tuple[int, PositionRow]],
        context: Mapping[uuid.UUID, TechnicianContext],
        work_orders: WorkOrderService,
    ) -> list[tuple[int, uuid.UUID]]:
        """R-DI-2: a plausible fix within the radius of an en-route job's site marks arrival.
        Only technicians en route are looked at: for the others there is nothing to decide."""
        by_tech: dict[uuid.UUID, list[tuple[int, PositionRow]]] = defaultdict(list)
        for k, row in good:
            if context.get(row.technician_id, NO_CONTEXT).en_route:
                by_tech[row.technician_id].append((k, row))
        arrivals: list[tuple[int, uuid.UUID]] = []
        for tech, rows in by_tech.items():
            for job in context.get(tech, NO_CONTEXT).en_route:
                site = LonLat(job.lon, job.lat)
                for k, row in sorted(rows, key=lambda r: r[1].fix_time):
                    fix = PositionFix(lon=row.lon, lat=row.lat, fix_time=row.fix_time)
                    if arrived(fix, site, self.settings.arrival_radius_m):
                        await work_orders.arrive_by_geofence(
                            job.work_order_id, row.fix_time, fix.point, str(row.device_id)
                        )
                        arrivals.append((k, job.work_order_id))
                        break
        return arrivals


@dataclass(slots=True)
class _Count:
    """What happened to one submission's fixes."""

    received: int = 0
    stored: int = 0
    flagged: int = 0
    arrivals: list[uuid.UUID] = field(default_factory=list)


async def _unknown_technicians(
    group: Sequence[Submission], lookup: DeviceLookup, statements: IngestStatements
) -> set[uuid.UUID]:
    """Technicians named by the group that have no own-app device and do not exist."""
    named = {f.technician_id for s in group if isinstance(s, BatchSubmission) for f in s.fixes}
    without = sorted(t for t in named if t is not None and t not in lookup.app)
    if not without:
        return set()
    return set(without) - await statements.existing_technicians(without)


async def _app_devices(
    resolved: Sequence[_Resolved], statements: IngestStatements
) -> dict[uuid.UUID, DeviceRef]:
    """Own-app devices for the technicians of accepted submissions that have none yet. Made even
    if storing the group then fails: the next request would make them anyway."""
    needed = sorted({d for r in resolved for _, d in r.fixes if isinstance(d, uuid.UUID)})
    new = [NewAppDevice(uuid.uuid4(), tech, secrets.token_urlsafe(24)) for tech in needed]
    await statements.add_app_devices(new, SpeedUnit.MPS.value)
    return {d.technician_id: DeviceRef(d.id, d.technician_id) for d in new}


def _wanted(group: Sequence[Submission]) -> tuple[list[uuid.UUID], list[str], list[uuid.UUID]]:
    """Device ids, secrets and technicians (for their own-app device) named by the group."""
    ids: set[uuid.UUID] = set()
    named: set[str] = set()
    technicians: set[uuid.UUID] = set()
    for submission in group:
        if isinstance(submission, DeviceSubmission):
            named.add(submission.secret)
            continue
        ids.update(submission.device_ids.values())
        technicians.update(f.technician_id for f in submission.fixes if f.technician_id is not None)
    return sorted(ids), sorted(named), sorted(technicians)


def _resolve(submission: Submission, lookup: DeviceLookup, unknown: set[uuid.UUID]) -> _Resolved:
    try:
        if isinstance(submission, DeviceSubmission):
            return _resolve_device(submission, lookup)
        return _Resolved(fixes=_resolve_batch(submission, lookup, unknown))
    except (TrackingError, NotPermitted) as refused:
        return _Resolved(refused=refused)


def _resolve_device(submission: DeviceSubmission, lookup: DeviceLookup) -> _Resolved:
    """The device first (an unknown secret is refused before any field is read)."""
    device = lookup.by_secret.get(submission.secret)
    if device is None:
        raise UnknownDevice()
    fix = submission.read(SpeedUnit(device.speed_unit))
    if isinstance(fix, Ignored):
        return _Resolved(answer=NOTHING)
    return _Resolved(fixes=[(fix, DeviceRef(device.id, device.technician_id))])


def _resolve_batch(
    submission: BatchSubmission, lookup: DeviceLookup, unknown: set[uuid.UUID]
) -> list[tuple[PositionFix, DeviceRef | uuid.UUID]]:
    """Each item's device, in the order the API promises: an unknown technician (first index)
    before an unknown device or one bound to someone else (each at its index)."""
    fixes = submission.fixes
    for i, fix in enumerate(fixes):
        if fix.technician_id in unknown:
            raise InvalidPosition(f"positions[{i}].technician_id", "unknown technician", i)
    rows = submission.rows
    resolved: list[tuple[PositionFix, DeviceRef | uuid.UUID]] = []
    for i, fix in enumerate(fixes):
        device: DeviceRef | uuid.UUID
        if i in submission.device_ids:
            row = lookup.by_id.get(submission.device_ids[i])
            if row is None or not row.active:
                raise InvalidPosition(f"positions[{i}].device_id", "unknown device", i)
            device = DeviceRef(row.id, row.technician_id)
        else:
            assert fix.technician_id is not None
            device = lookup.app.get(fix.technician_id, fix.technician_id)
        technician = device.technician_id if isinstance(device, DeviceRef) else device
        if not rows.everything and technician != rows.technician_id:
            raise NotPermitted(f"positions[{i}]: the device is not bound to the caller")
        resolved.append((fix, device))
    return resolved


def _outcome(resolved: _Resolved, count: _Count) -> Outcome:
    if resolved.refused is not None:
        return resolved.refused
    if resolved.answer is not None:
        return resolved.answer
    return IngestResult(
        received=count.received,
        stored=count.stored,
        duplicates=count.received - count.stored,
        flagged=count.flagged,
        arrivals=tuple(count.arrivals),
    )


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
