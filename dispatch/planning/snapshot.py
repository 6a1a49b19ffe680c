"""The frozen input of one plan: who can work, what must be visited, read at one instant.

A snapshot is everything the worker needs (it pickles) and is stored with the plan as JSON
(``to_json`` / ``from_json``) so an urgent insertion or an audit can see what the plan knew.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatch.planning.catalog import DEFAULT_DAY, WorkingDay


@dataclass(frozen=True, slots=True)
class Interval:
    """``[start, end)`` in absolute time (timezone-aware)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Engineer:
    """A technician of the scope. ``lon``/``lat`` None = no known location (left out)."""

    id: str
    name: str
    team: str
    """``plant:<id>`` or ``outlet:<id>``: the decision's R-DI-1 tier must match."""
    lon: float | None
    lat: float | None
    start_source: str
    """``gps`` (a fix younger than ``GPS_FRESH_MINUTES``), ``home`` or ``site`` (on a job now)."""
    skills: frozenset[str] = frozenset()
    unavailable: tuple[Interval, ...] = ()
    available_from: datetime | None = None
    """Busy on site until then (a job in progress); None = free now."""


@dataclass(frozen=True, slots=True)
class Job:
    """One visit to plan: a ticket, with its open work order if it has one."""

    ticket_id: str
    number: int
    team: str
    lon: float
    lat: float
    urgency: str
    fault_type: str
    deadline: datetime | None
    work_order_id: str | None = None
    work_order_state: str | None = None
    technician_id: str | None = None
    pinned: bool = False
    """En route: keep it on its engineer (re-planning never moves started work)."""
    skills: frozenset[str] = frozenset()
    windows: tuple[Interval, ...] = ()
    service_min: int | None = None
    """Overrides the catalog's service time for the fault type."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Scope, instant, horizon, engineers and jobs; ``day`` is the working day rule."""

    scope_type: str
    scope_id: str
    timezone: str
    now: datetime
    horizon_hours: int
    engineers: tuple[Engineer, ...]
    jobs: tuple[Job, ...]
    day: WorkingDay = field(default_factory=lambda: DEFAULT_DAY)

    def job(self, ticket_id: str) -> Job:
        for job in self.jobs:
            if job.ticket_id == ticket_id:
                return job
        raise KeyError(ticket_id)


def fingerprint(snapshot: Snapshot) -> str:
    """What a commit re-checks: work orders (id, state, assignee), tickets and their deadlines,
    and engineers' absences. Positions and the clock are left out (they always move)."""
    jobs = sorted(
        (
            j.ticket_id,
            j.deadline.isoformat() if j.deadline else "",
            j.work_order_id or "",
            j.work_order_state or "",
            j.technician_id or "",
        )
        for j in snapshot.jobs
    )
    engineers = sorted(
        (e.id, [(i.start.isoformat(), i.end.isoformat()) for i in e.unavailable]) for e in snapshot.engineers
    )
    text = json.dumps({"jobs": jobs, "engineers": engineers}, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Human-readable differences between two snapshots' fingerprinted facts (first 20)."""
    out: list[str] = []
    old = {j.ticket_id: j for j in before.jobs}
    new = {j.ticket_id: j for j in after.jobs}
    for tid in sorted(old.keys() - new.keys()):
        out.append(f"ticket {tid} is no longer open for planning")
    for tid in sorted(new.keys() - old.keys()):
        out.append(f"ticket {tid} is new")
    for tid in sorted(old.keys() & new.keys()):
        a, b = old[tid], new[tid]
        if a.deadline != b.deadline:
            out.append(f"ticket {tid}: arrival deadline changed")
        if (a.work_order_id, a.work_order_state, a.technician_id) != (
            b.work_order_id,
            b.work_order_state,
            b.technician_id,
        ):
            out.append(f"ticket {tid}: work order changed")
    absent_before = {e.id: e.unavailable for e in before.engineers}
    for eng in after.engineers:
        if absent_before.get(eng.id, eng.unavailable) != eng.unavailable:
            out.append(f"technician {eng.id}: availability changed")
    if {e.id for e in before.engineers} != {e.id for e in after.engineers}:
        out.append("the scope's engineers changed")
    return out[:20]


# JSON ------------------------------------------------------------------------------------


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _intervals(items: tuple[Interval, ...]) -> list[list[str]]:
    return [[i.start.isoformat(), i.end.isoformat()] for i in items]


def _parse_intervals(items: Any) -> tuple[Interval, ...]:
    return tuple(Interval(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in items or ())


def to_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "scope_type": snapshot.scope_type,
        "scope_id": snapshot.scope_id,
        "timezone": snapshot.timezone,
        "now": snapshot.now.isoformat(),
        "horizon_hours": snapshot.horizon_hours,
        "engineers": [
            {
                "id": e.id,
                "name": e.name,
                "team": e.team,
                "lon": e.lon,
                "lat": e.lat,
                "start_source": e.start_source,
                "skills": sorted(e.skills),
                "unavailable": _intervals(e.unavailable),
                "available_from": _dt(e.available_from),
            }
            for e in snapshot.engineers
        ],
        "jobs": [
            {
                "ticket_id": j.ticket_id,
                "number": j.number,
                "team": j.team,
                "lon": j.lon,
                "lat": j.lat,
                "urgency": j.urgency,
                "fault_type": j.fault_type,
                "deadline": _dt(j.deadline),
                "work_order_id": j.work_order_id,
                "work_order_state": j.work_order_state,
                "technician_id": j.technician_id,
                "pinned": j.pinned,
                "skills": sorted(j.skills),
                "windows": _intervals(j.windows),
                "service_min": j.service_min,
            }
            for j in snapshot.jobs
        ],
    }


def from_json(data: dict[str, Any]) -> Snapshot:
    return Snapshot(
        scope_type=data["scope_type"],
        scope_id=data["scope_id"],
        timezone=data["timezone"],
        now=datetime.fromisoformat(data["now"]),
        horizon_hours=int(data["horizon_hours"]),
        engineers=tuple(
            Engineer(
                id=e["id"],
                name=e["name"],
                team=e["team"],
                lon=e["lon"],
                lat=e["lat"],
                start_source=e["start_source"],
                skills=frozenset(e["skills"]),
                unavailable=_parse_intervals(e["unavailable"]),
                available_from=_parse_dt(e["available_from"]),
            )
            for e in data["engineers"]
        ),
        jobs=tuple(
            Job(
                ticket_id=j["ticket_id"],
                number=int(j["number"]),
                team=j["team"],
                lon=j["lon"],
                lat=j["lat"],
                urgency=j["urgency"],
                fault_type=j["fault_type"],
                deadline=_parse_dt(j["deadline"]),
                work_order_id=j["work_order_id"],
                work_order_state=j["work_order_state"],
                technician_id=j["technician_id"],
                pinned=bool(j["pinned"]),
                skills=frozenset(j["skills"]),
                windows=_parse_intervals(j["windows"]),
                service_min=j["service_min"],
            )
            for j in data["jobs"]
        ),
    )
