"""Work orders through their lifecycle: assign, send events (online or by offline sync), approve.

Load → decide (``sync.classify`` / ``machine.apply``, pure) → save. Every event received is
stored with its result (applied, conflict, rejected) keyed by the client's UUID, so a replay
gets the original answer. The ticket's status follows its work orders. Never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dispatch.access.policy import Action, Resource, reach, reaches_job, require
from dispatch.access.principal import Principal, Role
from dispatch.calendar.china import calendar_in_force
from dispatch.calendar.errors import CalendarNotCovered
from dispatch.errors import InvalidInput, NotPermitted, StateConflict
from dispatch.field_work.calendar import report_due
from dispatch.field_work.errors import EventMismatch, EventRejected, NotDispatchable
from dispatch.field_work.jobs import Jobs, my_jobs
from dispatch.field_work.model import Actor, Event, JSONValue, RejectionCode
from dispatch.field_work.records import (
    completes,
    event_row,
    geofence_event_id,
    snapshot_of,
    stored_of,
    write_back,
)
from dispatch.field_work.states import ActorRole, EventType, WorkOrderState
from dispatch.field_work.sync import SyncResult, SyncStatus, classify
from dispatch.tickets.acted import note_acted
from dispatch.tickets.dispatchability import CLOSED_STATES, blocked_by
from dispatch.tickets.intake import TicketStatus
from geo.coordinates import LonLat, parse_lonlat
from storage.errors import NotFound
from storage.models import Ticket, WorkOrder, WorkOrderEvent
from storage.repositories.calendar import CalendarRepository
from storage.repositories.field_work import WorkOrderRepository
from storage.repositories.network import TechnicianRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.warranty import WarrantyRepository

S = WorkOrderState
DISPATCHED = frozenset({S.ASSIGNED, S.ACCEPTED})
RESOLVED = frozenset({S.COMPLETED, S.REPORTED})
ENDED = frozenset({S.DECLINED, S.CANCELLED, S.HANDED_TO_OUTLET})


@dataclass(frozen=True, slots=True)
class PlanInput:
    """R-DI-6: what the dispatcher confirms with the assignment (all lists may be empty)."""

    summary: str | None = None
    confirmed: bool = True
    required_skills: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    parts: tuple[Mapping[str, Any], ...] = ()
    welding: bool = False


@dataclass(frozen=True, slots=True)
class WorkOrderCreate:
    ticket_id: uuid.UUID
    technician_id: uuid.UUID
    plan: PlanInput = PlanInput()


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event as the client sent it (not validated yet); ``field`` prefixes error names."""

    id: uuid.UUID
    work_order_id: uuid.UUID
    type: str
    at: datetime | None = None
    lon: object = None
    lat: object = None
    crs: str | None = None
    device_id: str | None = None
    data: Mapping[str, JSONValue] = field(default_factory=dict)
    field: str = ""


@dataclass(frozen=True, slots=True)
class EventAnswer:
    """The answer to one event: its result and the work order after it."""

    id: uuid.UUID
    work_order_id: uuid.UUID
    status: SyncStatus
    state: WorkOrderState | None
    reason: str | None = None
    allowed: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    message: str | None = None


@dataclass(frozen=True, slots=True)
class WorkOrderView:
    work_order: WorkOrder
    events: list[WorkOrderEvent]


def actor_of(caller: Principal) -> Actor:
    """The lifecycle role of a caller allowed by the access table to send events."""
    reach(caller, Resource.WORK_ORDER, Action.UPDATE)
    if caller.role is Role.ENGINEER:
        if caller.technician_id is None:
            raise NotPermitted("an engineer token needs a technician claim")
        return Actor(caller.technician_id, ActorRole.ENGINEER)
    if caller.role in (Role.ADMIN, Role.DISPATCHER):
        return Actor(None, ActorRole.DISPATCHER)
    if caller.role is Role.QA:
        return Actor(None, ActorRole.QA)
    raise NotPermitted(f"role {caller.role.value!r} may not change work orders")


def parse_event(item: EventInput, now: datetime) -> Event:
    prefix = f"{item.field}." if item.field else ""
    try:
        kind = EventType(item.type)
    except ValueError:
        allowed = ", ".join(e.value for e in EventType)
        raise InvalidInput(f"{prefix}type", f"unknown event type {item.type!r} (known: {allowed})") from None
    if item.at is not None and (item.at.tzinfo is None or item.at.utcoffset() is None):
        raise InvalidInput(f"{prefix}at", "at needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
    position: LonLat | None = None
    if item.lon is not None or item.lat is not None:
        position = parse_lonlat(item.lon, item.lat, item.crs, field=item.field or "event")
    return Event(
        id=item.id,
        work_order_id=item.work_order_id,
        type=kind,
        device_time=item.at,
        device_id=item.device_id,
        position=position,
        data=dict(item.data),
    )


class WorkOrderService:
    def __init__(
        self,
        work_orders: WorkOrderRepository,
        tickets: TicketRepository,
        technicians: TechnicianRepository,
        warranties: WarrantyRepository,
        calendars: CalendarRepository,
        clock: Callable[[], datetime],
    ) -> None:
        self.work_orders = work_orders
        self.tickets = tickets
        self.technicians = technicians
        self.warranties = warranties
        self.calendars = calendars
        self.clock = clock

    async def create(self, caller: Principal, data: WorkOrderCreate) -> WorkOrder:
        """Assign a ticket to an engineer (R-DI-6 facts come with it); 409 when not dispatchable."""
        require(caller, Resource.WORK_ORDER, Action.CREATE)
        ticket = await self.tickets.get(data.ticket_id)
        blockers = await blocked_by(self.warranties, ticket)
        if blockers:
            raise NotDispatchable(list(blockers))
        technician = await self.technicians.get(data.technician_id)
        if not technician.active:
            raise StateConflict(f"technician {technician.id} is not active")
        plan = data.plan
        missing_skills = sorted(set(plan.required_skills) - set(technician.skills))
        readiness = {
            "plan_confirmed": plan.confirmed,
            "skills_matched": not missing_skills,
            "documents_listed": True,
            "tools_listed": True,
            "parts_listed": True,
        }
        row = await self.work_orders.add(
            WorkOrder(
                ticket_id=ticket.id,
                technician_id=technician.id,
                state=S.ASSIGNED.value,
                fault_type=ticket.fault_type,
                requires_welding=plan.welding,
                plan={
                    "summary": plan.summary,
                    "required_skills": list(plan.required_skills),
                    "missing_skills": missing_skills,
                    "documents": list(plan.documents),
                    "tools": list(plan.tools),
                    "parts": [dict(p) for p in plan.parts],
                },
                readiness=readiness,
                created_by=caller.label,
            )
        )
        await self.tickets.record(
            ticket.id,
            caller.label,
            "work_order_assigned",
            {"work_order_id": str(row.id), "technician_id": str(technician.id)},
        )
        note_acted(ticket, self.clock(), forwarded=True)  # R-IN-3, R-IN-4
        await self._follow(ticket)
        return row

    async def my_jobs(self, caller: Principal, since: str | None, days: int) -> Jobs:
        """The engineer's own jobs (``dispatch/field_work/jobs.py``)."""
        return await my_jobs(caller, self.work_orders, since, days)

    async def get(self, caller: Principal, work_order_id: uuid.UUID) -> WorkOrderView:
        row = await self._visible(caller, work_order_id, Action.READ)
        return WorkOrderView(row, await self.work_orders.events(row.id))

    async def send(self, caller: Principal, item: EventInput) -> EventAnswer:
        """One event, online: applied (or a duplicate's original answer), else an error (409…)."""
        actor = actor_of(caller)
        now = self.clock()
        event = parse_event(item, now)
        answer = await self._process(caller, actor, event, now, item.field or "id")
        if answer.status in (SyncStatus.APPLIED, SyncStatus.DUPLICATE):
            return answer
        if answer.reason == RejectionCode.INVALID_DATA.value:
            raise InvalidInput(answer.details[0] if answer.details else "data", answer_detail(answer))
        if answer.reason == RejectionCode.FORBIDDEN.value:
            raise NotPermitted(answer_detail(answer))
        raise EventRejected(
            answer_detail(answer),
            code=answer.reason or answer.status.value,
            state=(answer.state or S.ASSIGNED).value,
            allowed=answer.allowed,
            details=answer.details,
        )

    async def sync(self, caller: Principal, items: Sequence[EventInput]) -> list[EventAnswer]:
        """A batch from an offline queue, in order: one answer per event (R-DI-2 clocks)."""
        actor = actor_of(caller)
        now = self.clock()
        events = [parse_event(item, now) for item in items]
        return [
            await self._process(caller, actor, event, now, f"{item.field}.id")
            for item, event in zip(items, events, strict=True)
        ]

    async def approve_return(
        self, caller: Principal, work_order_id: uuid.UUID, note: str | None
    ) -> EventAnswer:
        """R-OS-3: QA approves the engineer's return (the engineer may not leave before)."""
        require(caller, Resource.WORK_ORDER, Action.DECIDE)
        data: dict[str, JSONValue] = {"note": note} if note else {}
        event = Event(uuid.uuid4(), work_order_id, EventType.APPROVE_RETURN, data=data)
        now = self.clock()
        answer = await self._process(caller, Actor(None, ActorRole.QA), event, now, "id")
        if answer.status is not SyncStatus.APPLIED:
            raise EventRejected(
                answer_detail(answer),
                code=answer.reason or answer.status.value,
                state=(answer.state or S.ASSIGNED).value,
                allowed=answer.allowed,
                details=answer.details,
            )
        return answer

    async def arrive_by_geofence(
        self, work_order_id: uuid.UUID, fix_time: datetime, point: LonLat, device_id: str
    ) -> EventAnswer:
        """The server's own ``arrive`` when a plausible fix enters the site's radius."""
        event = Event(
            geofence_event_id(work_order_id, fix_time),
            work_order_id,
            EventType.ARRIVE,
            device_time=fix_time,
            device_id=device_id,
            position=point,
            data={"source": "geofence"},
        )
        system = Principal(subject="geofence", role=Role.ADMIN)
        return await self._process(system, Actor(None, ActorRole.SYSTEM), event, self.clock(), "id")

    async def _visible(
        self, caller: Principal, work_order_id: uuid.UUID, action: Action, lock: bool = False
    ) -> WorkOrder:
        """A work order the caller may reach; another engineer's job does not exist for them."""
        reach(caller, Resource.WORK_ORDER, action)  # 403 for a role without a row, before any read
        row = await self.work_orders.get(work_order_id, lock=lock)
        former = row.former_technician_ids or ()
        if not reaches_job(caller, Resource.WORK_ORDER, action, row.technician_id, former):
            raise NotFound("work order", work_order_id)
        return row

    async def _process(
        self, caller: Principal, actor: Actor, event: Event, now: datetime, id_field: str
    ) -> EventAnswer:
        action = (
            Action.DECIDE
            if actor.role is ActorRole.QA and event.type is EventType.APPROVE_RETURN
            else Action.UPDATE
        )
        row = await self._visible(caller, event.work_order_id, action, lock=True)
        # read after the lock: a concurrent replay of this id on this job has committed by now
        existing = (await self.work_orders.events_by_id([event.id])).get(event.id)
        before = S(row.state)
        result = classify(
            stored_of(existing) if existing else None,
            event,
            work_order=snapshot_of(row),
            actor=actor,
            now=now,
        )
        if result.status is SyncStatus.MISMATCH:
            raise EventMismatch(event.id, id_field)
        if result.status is SyncStatus.DUPLICATE:
            assert existing is not None
            return EventAnswer(
                event.id,
                event.work_order_id,
                SyncStatus.DUPLICATE,
                result.state,
                result.reason,
                tuple(existing.allowed),
                tuple(existing.details),
            )
        label = caller.label if actor.role is not ActorRole.SYSTEM else "system:geofence"
        stored = await self.work_orders.add_event(
            event_row(event, result, previous=before, actor=actor, actor_label=label, now=now)
        )
        if not stored:  # the same id was stored meanwhile (for another job): answer as a replay
            return await self._process(caller, actor, event, now, id_field)
        if result.transition is not None:
            decided = result.transition.work_order
            completed = completes(row, decided)
            due = await self._report_due(completed) if completed is not None else None
            write_back(row, decided, result.transition.time_source.value, due)
            row.revision = await self.work_orders.next_revision()
            await self.work_orders.flush(row)
            await self._after_transition(row, before, result, label)
        elif result.status is SyncStatus.CONFLICT:
            await self.tickets.record(
                row.ticket_id,
                label,
                "sync_conflict",
                {"work_order_id": str(row.id), "event_id": str(event.id), "reason": result.reason},
            )
        return _answer(event, result)

    async def _report_due(self, completed_at: datetime) -> date | None:
        """R-FU-3 on the calendar in force (imported notices, else packaged, else the estimate);
        ``None`` only for a year that can be neither published nor estimated."""
        calendar, _ = await calendar_in_force(self.calendars)
        try:
            return report_due(completed_at, calendar)
        except CalendarNotCovered:
            return None

    async def _after_transition(
        self, row: WorkOrder, before: WorkOrderState, result: SyncResult, label: str
    ) -> None:
        if S(row.state) is before:
            return
        await self.tickets.record(
            row.ticket_id,
            label,
            f"work_order_{row.state}",
            {"work_order_id": str(row.id), "from": before.value},
        )
        await self._follow(await self.tickets.get(row.ticket_id))

    async def _follow(self, ticket: Ticket) -> None:
        """The ticket's status follows its work orders: in progress > dispatched > resolved."""
        if ticket.status in CLOSED_STATES - {TicketStatus.RESOLVED.value}:
            return
        states = {S(wo.state) for wo in await self.work_orders.for_ticket(ticket.id)}
        if states - DISPATCHED - RESOLVED - ENDED:
            status = TicketStatus.IN_PROGRESS
        elif states & DISPATCHED:
            status = TicketStatus.DISPATCHED
        elif states & RESOLVED:
            status = TicketStatus.RESOLVED
        else:
            status = TicketStatus.NEW if ticket.arrival_deadline else TicketStatus.NEEDS_DEADLINE
        if ticket.status != status.value:
            ticket.status = status.value
            await self.tickets.refresh(ticket)


def answer_detail(answer: EventAnswer) -> str:
    allowed = ", ".join(answer.allowed) or "nothing"
    why = answer.message or answer.reason or answer.status.value
    return f"{why} (state {answer.state}; allowed next: {allowed})"


def _answer(event: Event, result: SyncResult) -> EventAnswer:
    rejection = result.rejection
    return EventAnswer(
        event.id,
        event.work_order_id,
        result.status,
        result.state,
        result.reason,
        tuple(e.value for e in rejection.allowed) if rejection else (),
        tuple(rejection.details) if rejection else (),
        rejection.message if rejection else None,
    )
