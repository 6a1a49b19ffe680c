"""Request and response shapes of route plans."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec

from storage.models import Plan


class ScopeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one: a plant (its own engineers and its outlets') or one outlet."""

    plant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None


class RoutePlanIn(msgspec.Struct, forbid_unknown_fields=True):
    scope: ScopeIn
    horizon_hours: int = 72
    """72 … 240: at least three working days, so 48 h and 72 h promises are planned."""
    time_limit_s: float = 10.0
    """1 … 300 s for the whole solve; the best validated plan found by then is returned."""


class PlanQueuedOut(msgspec.Struct):
    id: uuid.UUID
    status: str
    progress: float


class RoutePointOut(msgspec.Struct):
    lon: float
    lat: float


class StartOut(msgspec.Struct):
    lon: float | None
    lat: float | None
    source: str
    """``gps`` (fresh fix), ``home`` or ``site`` (finishing a job there)."""


class StopOut(msgspec.Struct):
    ticket_id: uuid.UUID
    ticket_number: int
    work_order_id: uuid.UUID | None
    urgency: str
    arrival: datetime
    service_start: datetime
    service_end: datetime
    deadline: datetime | None
    slack_s: int | None
    """Deadline minus planned arrival, seconds; negative = late."""
    late: bool
    pinned: bool
    location: RoutePointOut


class BreakOut(msgspec.Struct):
    start: datetime
    end: datetime


class RouteOut(msgspec.Struct):
    technician_id: uuid.UUID
    name: str
    team: str
    start: StartOut
    depart: datetime | None
    end: datetime | None
    stops: list[StopOut]
    breaks: list[BreakOut]
    distance_m: int
    drive_s: int
    overtime_s: int
    geometry: dict[str, Any] | None
    """GeoJSON LineString (WGS-84, lon-lat): start, then every stop in order; null when idle."""


class TotalsOut(msgspec.Struct):
    stops: int
    distance_m: int
    drive_s: int
    overtime_s: int
    deadlines_met: int
    deadlines_missed: int
    unassigned: int
    engineers_used: int


class UnassignedOut(msgspec.Struct):
    ticket_id: uuid.UUID
    ticket_number: int
    work_order_id: uuid.UUID | None
    urgency: str
    deadline: datetime | None
    reason: str
    detail: str


class ExcludedOut(msgspec.Struct):
    technician_id: uuid.UUID
    reason: str


class ScopeOut(msgspec.Struct):
    type: str
    plant_id: uuid.UUID
    outlet_id: uuid.UUID | None


class SearchOut(msgspec.Struct):
    """A running solve's progress. Teams are solved one after the other: the sums cover the teams
    done; ``objective`` is the current team's best objective (travel plus penalties) so far."""

    fraction: float
    elapsed_s: float
    teams_done: int
    teams: int
    stops: int
    unassigned: int
    distance_m: int
    objective: int | None = None


class PlanOut(msgspec.Struct):
    id: uuid.UUID
    status: str
    """queued · running · done · failed · committed · superseded"""
    progress: float
    stage: str
    scope: ScopeOut
    horizon_hours: int
    time_limit_s: float
    planned_at: datetime
    version: int
    routes: list[RouteOut]
    totals: TotalsOut | None
    unassigned: list[UnassignedOut]
    excluded_engineers: list[ExcludedOut]
    blocked_tickets: dict[str, list[str]]
    error: dict[str, Any] | None = None
    stats: dict[str, Any] | None = None
    committed_at: datetime | None = None
    search: SearchOut | None = None
    """While running: the search's progress (null before the first report)."""
    attempts: int = 0
    """Solves started for this plan: more than one when a worker died and another took over."""

    @classmethod
    def of(cls, plan: Plan) -> PlanOut:
        result = plan.result or {}
        return cls(
            id=plan.id,
            status=plan.status,
            progress=round(float(plan.progress), 3),
            stage=plan.stage,
            scope=ScopeOut(plan.scope_type, plan.plant_id, plan.outlet_id),
            horizon_hours=plan.horizon_hours,
            time_limit_s=float(plan.time_limit_s),
            planned_at=plan.planned_at,
            version=plan.version,
            routes=msgspec.convert(result.get("routes", []), list[RouteOut]),
            totals=msgspec.convert(result["totals"], TotalsOut) if "totals" in result else None,
            unassigned=msgspec.convert(result.get("unassigned", []), list[UnassignedOut]),
            excluded_engineers=msgspec.convert(result.get("excluded_engineers", []), list[ExcludedOut]),
            blocked_tickets=dict(plan.inputs.get("blocked", {})),
            error=plan.error,
            stats=result.get("stats"),
            committed_at=plan.committed_at,
            search=msgspec.convert(plan.search, SearchOut) if plan.search else None,
            attempts=plan.attempts,
        )


class InsertIn(msgspec.Struct, forbid_unknown_fields=True):
    ticket_id: uuid.UUID


class InsertOut(msgspec.Struct):
    plan_id: uuid.UUID
    plan_version: int
    ticket_id: uuid.UUID
    technician_id: uuid.UUID
    work_order_id: uuid.UUID
    position: int
    """0-based place in the engineer's remaining stops."""
    stop: StopOut
    elapsed_ms: float
    reoptimization_plan_id: uuid.UUID | None = None
    """A plan of the same scope queued right after the insertion, seeded with the committed
    routes; poll it with GET /plans/{id} and commit it when it is better."""


class UnavailableIn(msgspec.Struct, forbid_unknown_fields=True):
    start: datetime = msgspec.field(name="from")
    end: datetime = msgspec.field(name="to")
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class AffectedOut(msgspec.Struct):
    work_order_id: uuid.UUID
    ticket_id: uuid.UUID
    state: str


class UnavailableOut(msgspec.Struct):
    id: uuid.UUID
    technician_id: uuid.UUID
    start: datetime = msgspec.field(name="from")
    end: datetime = msgspec.field(name="to")
    reason: str = ""
    affected: list[AffectedOut] = msgspec.field(default_factory=list)
    """Open work orders of the engineer: the next plan gives them to others (commit reassigns)."""
