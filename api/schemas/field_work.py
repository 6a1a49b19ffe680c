"""Request and response shapes for field work: work orders, events, offline sync, the engineer's jobs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from dispatch.field_work.service import EventAnswer
from storage.models import WorkOrder, WorkOrderEvent

Text = Annotated[str, msgspec.Meta(max_length=2000)]


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class WorkOrderPartIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    qty: Annotated[int, msgspec.Meta(ge=1)] = 1


class WorkPlanIn(msgspec.Struct, forbid_unknown_fields=True):
    """R-DI-6: the repair plan the dispatcher confirms with the assignment."""

    summary: Text | None = None
    confirmed: bool = True
    required_skills: list[Code] = []
    documents: list[Code] = []
    tools: list[Code] = []
    parts: list[WorkOrderPartIn] = []
    welding: bool = False


class WorkOrderIn(msgspec.Struct, forbid_unknown_fields=True):
    ticket_id: uuid.UUID
    technician_id: uuid.UUID
    plan: WorkPlanIn | None = None


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """One event from the app: ``id`` is the client-generated idempotency key, ``at`` the
    device time (ISO-8601 with offset), ``lon``/``lat`` where (``crs`` WGS84 by default)."""

    id: uuid.UUID
    work_order_id: uuid.UUID
    type: Code
    at: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    crs: str | None = None
    device_id: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    data: dict[str, Any] = {}


class SingleEventIn(msgspec.Struct, forbid_unknown_fields=True):
    """``POST /work-orders/{id}/events``: the key may come as ``id`` or ``Idempotency-Key``."""

    type: Code
    id: uuid.UUID | None = None
    at: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    crs: str | None = None
    device_id: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    data: dict[str, Any] = {}


class SyncIn(msgspec.Struct, forbid_unknown_fields=True):
    events: Annotated[list[EventIn], msgspec.Meta(max_length=500)]
    device_id: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class ApproveReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Text | None = None


class EventResultOut(msgspec.Struct, omit_defaults=True):
    """``applied`` | ``duplicate`` | ``conflict`` | ``rejected``; ``state`` is the work order's
    state after the event; ``reason`` why it was not applied; ``allowed`` what may follow."""

    id: uuid.UUID
    work_order_id: uuid.UUID
    status: str
    state: str | None = None
    reason: str | None = None
    message: str | None = None
    allowed: list[str] = []
    details: list[str] = []

    @classmethod
    def of(cls, answer: EventAnswer) -> EventResultOut:
        return cls(
            id=answer.id,
            work_order_id=answer.work_order_id,
            status=answer.status.value,
            state=answer.state.value if answer.state else None,
            reason=answer.reason,
            message=answer.message,
            allowed=list(answer.allowed),
            details=list(answer.details),
        )


class SyncOut(msgspec.Struct):
    results: list[EventResultOut]


class EventPointOut(msgspec.Struct):
    lon: float
    lat: float


class WorkOrderEventOut(msgspec.Struct):
    """Who, when (device, server, and the one the SLA uses), where, why, and the result."""

    id: uuid.UUID
    seq: int
    type: str
    status: str
    previous_state: str
    state: str
    actor: str
    actor_role: str
    device_id: str | None
    device_time: datetime | None
    server_time: datetime
    sla_time: datetime | None
    time_source: str | None
    position: EventPointOut | None
    reason: str | None
    code: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: WorkOrderEvent) -> WorkOrderEventOut:
        position = None
        if row.position_lon is not None and row.position_lat is not None:
            position = EventPointOut(row.position_lon, row.position_lat)
        return cls(
            id=row.id,
            seq=row.seq,
            type=row.type,
            status=row.status,
            previous_state=row.previous_state,
            state=row.state,
            actor=row.actor_label,
            actor_role=row.actor_role,
            device_id=row.device_id,
            device_time=row.device_time,
            server_time=row.server_time,
            sla_time=row.sla_time,
            time_source=row.time_source,
            position=position,
            reason=row.reason,
            code=row.code,
            data=row.data,
        )


class WorkOrderOut(msgspec.Struct):
    id: uuid.UUID
    ticket_id: uuid.UUID
    technician_id: uuid.UUID | None
    state: str
    arrived_at: datetime | None
    arrival_source: str | None
    completed_at: datetime | None
    report_due: date | None
    plan: dict[str, Any]
    readiness: dict[str, bool]
    checklist: list[str] | None
    parts_reported: list[dict[str, Any]]
    rating: int | None
    created_at: datetime
    events: list[WorkOrderEventOut] | None = None

    @classmethod
    def of(cls, row: WorkOrder, events: list[WorkOrderEvent] | None = None) -> WorkOrderOut:
        return cls(
            id=row.id,
            ticket_id=row.ticket_id,
            technician_id=row.technician_id,
            state=row.state,
            arrived_at=row.arrived_at,
            arrival_source=row.arrival_source,
            completed_at=row.completed_at,
            report_due=row.report_due,
            plan=row.plan,
            readiness=row.readiness,
            checklist=row.checklist,
            parts_reported=row.parts_reported,
            rating=row.rating,
            created_at=row.created_at,
            events=[WorkOrderEventOut.of(e) for e in events] if events is not None else None,
        )
