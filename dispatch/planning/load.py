"""Read a scope's planning snapshot from the database (the only impure part of building one).

``SnapshotLoader`` gets its repositories from the composition root (``api/composition.py``),
reads the scope's tickets in one query and their quote state in one more (never a query per
ticket), and leaves out what the tickets domain's one dispatch rule blocks
(``dispatch/tickets/dispatchability.py``: R-DI-3 deadline gaps, R-WA-7 unconfirmed quotes)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.field_work.states import WorkOrderState as S
from dispatch.planning.catalog import GPS_FRESH_MINUTES
from dispatch.planning.snapshot import Engineer, Interval, Job, Snapshot
from dispatch.tickets.dispatchability import dispatch_blockers
from storage.repositories.planning import EngineerRow, PlanRepository, TicketRow
from storage.repositories.positions import LatestFix, PositionRepository
from storage.repositories.warranty import WarrantyRepository

PLANNABLE = (S.ASSIGNED, S.ACCEPTED, S.EN_ROUTE)
"""Work orders the plan may (re)order and move; ``en_route`` ones stay with their engineer."""
ON_SITE = (S.ON_SITE, S.WORKING, S.AWAITING_SIGNOFF, S.AWAITING_RETURN_APPROVAL)
"""The engineer is at the site: they start from there once done (see ``BUSY_REMAINING``)."""
OTHER_LIVE = (S.PAUSED, S.IN_FACTORY, S.AWAITING_INSPECTION, S.INSPECTED, S.RETURN_APPROVED)
"""Work orders that keep their ticket out of the plan (waiting for parts, in the factory …)."""
TICKET_STATUSES = ("new", "dispatched", "in_progress")
BUSY_REMAINING = timedelta(minutes=60)
"""How long an engineer on site is assumed to need before leaving (no better estimate yet)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """A plant (its engineers and its outlets' engineers) or one outlet."""

    type: str
    plant_id: uuid.UUID
    outlet_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.outlet_id if self.outlet_id is not None else self.plant_id


@dataclass(frozen=True, slots=True)
class Loaded:
    snapshot: Snapshot
    blocked: dict[str, list[str]]
    """Tickets of the scope left out because they may not be dispatched (``blocked_by``)."""


def _team(row: TicketRow) -> str:
    if row.mode == "outlet" and row.outlet_id is not None:
        return f"outlet:{row.outlet_id}"
    return f"plant:{row.plant_id}"


class SnapshotLoader:
    """Engineers and jobs of a scope at an instant, from the repositories it is given."""

    def __init__(
        self, plans: PlanRepository, positions: PositionRepository, warranties: WarrantyRepository
    ) -> None:
        self.plans = plans
        self.positions = positions
        self.warranties = warranties

    async def load(
        self,
        scope: Scope,
        timezone: str,
        now: datetime,
        horizon_hours: int,
        absences_since: datetime | None = None,
    ) -> Loaded:
        """Engineers and jobs of ``scope`` at ``now``. Absences are read from ``absences_since``
        (the plan's own instant when a commit re-checks it, so the window does not drift)."""
        outlet = scope.outlet_id if scope.type == "outlet" else None
        rows = await self.plans.engineers(scope.plant_id if outlet is None else None, outlet)
        ids = [r.id for r in rows]
        since = absences_since or now
        until = since + timedelta(hours=horizon_hours)
        away: dict[uuid.UUID, list[Interval]] = {}
        for a in await self.plans.absences(ids, since, until):
            away.setdefault(a.technician_id, []).append(Interval(a.starts_at, a.ends_at))
        fixes = await self.positions.latest(ids)
        live = [s.value for s in (*PLANNABLE, *ON_SITE, *OTHER_LIVE)]
        tickets = await self.plans.tickets(
            scope.plant_id if outlet is None else None, outlet, TICKET_STATUSES, live
        )
        by_ticket: dict[uuid.UUID, list[TicketRow]] = {}
        for t in tickets:
            by_ticket.setdefault(t.id, []).append(t)
        unconfirmed = await self.warranties.unconfirmed_quotes(list(by_ticket))
        on_site: dict[uuid.UUID, TicketRow] = {}
        jobs: list[Job] = []
        blocked: dict[str, list[str]] = {}
        for ticket_id, group in by_ticket.items():
            for r in group:
                if r.work_order_state in ON_SITE and r.technician_id is not None:
                    on_site[r.technician_id] = r
            job, reasons = _job(group, ticket_id in unconfirmed, away, now)
            if reasons:
                blocked[str(ticket_id)] = reasons
            elif job is not None:
                jobs.append(job)
        return Loaded(
            _snapshot(scope, timezone, now, horizon_hours, rows, fixes, on_site, away, jobs), blocked
        )


def _job(
    group: list[TicketRow], quote_unconfirmed: bool, away: dict[uuid.UUID, list[Interval]], now: datetime
) -> tuple[Job | None, list[str]]:
    """The ticket's job, or why it is left out: ``(None, [])`` while its work is in progress
    elsewhere in the lifecycle, ``(None, reasons)`` when the dispatch rule blocks a new work order."""
    head = group[0]
    states = {r.work_order_state for r in group if r.work_order_state}
    if states & {s.value for s in (*ON_SITE, *OTHER_LIVE)}:
        return None, []  # work in progress elsewhere in the lifecycle: not for the planner
    wo = next((r for r in group if r.work_order_state in PLANNABLE), None)
    if wo is None:
        reasons = dispatch_blockers(head.status, head.arrival_deadline, quote_unconfirmed)
        if reasons:
            return None, reasons
    absent_now = wo is not None and any(
        i.start <= now < i.end for i in away.get(wo.technician_id or uuid.UUID(int=0), [])
    )
    job = Job(
        ticket_id=str(head.id),
        number=head.number,
        team=_team(head),
        lon=head.lon,
        lat=head.lat,
        urgency=head.urgency,
        fault_type=head.fault_type,
        deadline=head.arrival_deadline,
        work_order_id=str(wo.work_order_id) if wo else None,
        work_order_state=wo.work_order_state if wo else None,
        technician_id=str(wo.technician_id) if wo and wo.technician_id else None,
        pinned=bool(wo and wo.work_order_state == S.EN_ROUTE.value and not absent_now),
        skills=frozenset(_skills(wo.work_order_plan if wo else None)),
    )
    return job, []


def _snapshot(
    scope: Scope,
    timezone: str,
    now: datetime,
    horizon_hours: int,
    rows: Sequence[EngineerRow],
    fixes: Mapping[uuid.UUID, LatestFix],
    on_site: dict[uuid.UUID, TicketRow],
    away: dict[uuid.UUID, list[Interval]],
    jobs: list[Job],
) -> Snapshot:
    engineers: list[Engineer] = []
    fresh = now - timedelta(minutes=GPS_FRESH_MINUTES)
    for e in rows:
        team = f"outlet:{e.outlet_id}" if e.outlet_id is not None else f"plant:{e.plant_id}"
        lon, lat, source, free_at = e.home_lon, e.home_lat, "home", None
        fix = fixes.get(e.id)
        if fix is not None and fix.fix_time >= fresh:
            lon, lat, source = fix.lon, fix.lat, "gps"
        busy = on_site.get(e.id)
        if busy is not None:
            lon, lat, source, free_at = busy.lon, busy.lat, "site", now + BUSY_REMAINING
        engineers.append(
            Engineer(
                id=str(e.id),
                name=e.name,
                team=team,
                lon=lon,
                lat=lat,
                start_source=source,
                skills=frozenset(e.skills),
                unavailable=tuple(away.get(e.id, ())),
                available_from=free_at,
            )
        )
    return Snapshot(
        scope_type=scope.type,
        scope_id=str(scope.id),
        timezone=timezone,
        now=now,
        horizon_hours=horizon_hours,
        engineers=tuple(engineers),
        jobs=tuple(jobs),
    )


def _skills(plan: dict[str, object] | None) -> list[str]:
    raw = (plan or {}).get("required_skills")
    return [str(s) for s in raw] if isinstance(raw, list) else []
