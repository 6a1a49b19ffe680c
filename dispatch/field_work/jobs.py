"""The engineer's day: ``GET /api/v1/me/jobs`` with a ``since`` cursor for incremental refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from dispatch.access.policy import Action, Resource, require_self
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, NotPermitted
from dispatch.field_work.checklists import ChecklistCode, template_for
from dispatch.field_work.machine import allowed_events
from dispatch.field_work.states import TERMINAL_STATES, WorkOrderState
from geo.coordinates import LonLat, from_wgs84
from geo.datums import Datum
from storage.repositories.field_work import WorkOrderRepository

OPEN_STATES = tuple(
    s.value for s in WorkOrderState if s not in TERMINAL_STATES and s is not WorkOrderState.DECLINED
)
MAX_DAYS = 31


@dataclass(frozen=True, slots=True)
class EngineerJob:
    work_order_id: UUID
    state: str
    revision: int
    assigned_to_me: bool
    ticket_id: UUID
    ticket_number: int
    fault_type: str
    fault_description: str
    urgency: str
    arrival_deadline: datetime | None
    response_deadline: datetime | None
    report_due: date | None
    arrived_at: datetime | None
    customer_name: str | None
    customer_phone: str | None
    address: str | None
    site_wgs84: tuple[float, float]
    site_gcj02: tuple[float, float]
    checklist_required: tuple[ChecklistCode, ...]
    checklist_descriptions: dict[str, str]
    parts: list[dict[str, Any]]
    plan: dict[str, Any]
    allowed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Jobs:
    jobs: list[EngineerJob]
    cursor: int


def parse_cursor(since: str | None) -> int | None:
    if since is None or since == "":
        return None
    if not since.isdigit():
        raise InvalidInput("since", "since must be the cursor of a previous answer")
    return int(since)


async def my_jobs(caller: Principal, repository: WorkOrderRepository, since: str | None, days: int) -> Jobs:
    """Open jobs due before the end of ``days`` from today (all of them with no deadline), or
    with ``since`` every job of mine changed after that cursor, closed and reassigned included."""
    require_self(caller, Resource.JOBS, Action.LIST, caller.technician_id)
    if caller.technician_id is None:
        raise NotPermitted("only an engineer token with a technician claim has jobs")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"days must be between 1 and {MAX_DAYS}")
    me = caller.technician_id
    cursor = parse_cursor(since)
    horizon = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days + 1)
    rows = await repository.jobs_of(me, since_revision=cursor, open_states=OPEN_STATES, due_before=horizon)
    jobs: list[EngineerJob] = []
    for wo, ticket in rows:
        site = LonLat(ticket.site_lon, ticket.site_lat)
        template = template_for(wo.fault_type, welding=wo.requires_welding)
        state = WorkOrderState(wo.state)
        jobs.append(
            EngineerJob(
                work_order_id=wo.id,
                state=wo.state,
                revision=wo.revision,
                assigned_to_me=wo.technician_id == me,
                ticket_id=ticket.id,
                ticket_number=ticket.number,
                fault_type=ticket.fault_type,
                fault_description=ticket.fault_description,
                urgency=ticket.urgency,
                arrival_deadline=ticket.arrival_deadline,
                response_deadline=ticket.response_deadline,
                report_due=wo.report_due,
                arrived_at=wo.arrived_at,
                customer_name=ticket.contact_name,
                customer_phone=ticket.contact_phone,
                address=ticket.address,
                site_wgs84=(site.lon, site.lat),
                site_gcj02=from_wgs84(site, Datum.GCJ02),
                checklist_required=template.required,
                checklist_descriptions={c.value: template.descriptions[c] for c in template.required},
                parts=list(wo.plan.get("parts", [])),
                plan=wo.plan,
                allowed=tuple(e.value for e in allowed_events(state)) if wo.technician_id == me else (),
            )
        )
    latest = await repository.max_revision(me)
    return Jobs(jobs, max(latest, cursor or 0))
