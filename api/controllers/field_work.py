"""Work orders: assignment, single events, offline sync, QA return approval."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.schemas.common import LocationOut
from api.schemas.field_work import (
    ApproveReturnIn,
    EventResultOut,
    SingleEventIn,
    SyncIn,
    SyncOut,
    WorkOrderIn,
    WorkOrderOut,
)
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput
from dispatch.field_work.jobs import EngineerJob
from dispatch.field_work.service import EventInput, PlanInput, WorkOrderCreate, WorkOrderService


def _plan(data: WorkOrderIn) -> PlanInput:
    if data.plan is None:
        return PlanInput()
    plan = data.plan
    return PlanInput(
        summary=plan.summary,
        confirmed=plan.confirmed,
        required_skills=tuple(plan.required_skills),
        documents=tuple(plan.documents),
        tools=tuple(plan.tools),
        parts=tuple({"code": p.code, "qty": p.qty} for p in plan.parts),
        welding=plan.welding,
    )


class WorkOrderController(Controller):
    path = "/api/v1/work-orders"
    tags = ["work orders"]

    @post("/", summary="Assign a ticket to an engineer (409 when the ticket is not dispatchable)")
    async def create(
        self,
        data: JSONBody[WorkOrderIn],
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
    ) -> WorkOrderOut:
        row = await work_orders.create(
            caller, WorkOrderCreate(data.ticket_id, data.technician_id, _plan(data))
        )
        return WorkOrderOut.of(row)

    @get("/{work_order_id:uuid}", summary="One work order with every event received for it")
    async def detail(
        self,
        work_order_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
    ) -> WorkOrderOut:
        view = await work_orders.get(caller, work_order_id)
        return WorkOrderOut.of(view.work_order, view.events)

    @post(
        "/{work_order_id:uuid}/events",
        status_code=200,
        summary="Send one event online; a refused transition answers 409 with state and allowed",
    )
    async def send(
        self,
        request: Request[Principal, Any, Any],
        work_order_id: FromPath[uuid.UUID],
        data: JSONBody[SingleEventIn],
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
    ) -> EventResultOut:
        key = data.id or _idempotency_key(request.headers.get("idempotency-key"))
        answer = await work_orders.send(
            caller,
            EventInput(
                id=key,
                work_order_id=work_order_id,
                type=data.type,
                at=data.at,
                lon=data.lon,
                lat=data.lat,
                crs=data.crs,
                device_id=data.device_id or request.headers.get("x-device-id"),
                data=data.data,
            ),
        )
        return EventResultOut.of(answer)

    @post("/{work_order_id:uuid}/approve-return", status_code=200, summary="QA approves the return (R-OS-3)")
    async def approve_return(
        self,
        work_order_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
        data: JSONBody[ApproveReturnIn | None] = None,
    ) -> EventResultOut:
        answer = await work_orders.approve_return(caller, work_order_id, data.note if data else None)
        return EventResultOut.of(answer)


def _idempotency_key(header: str | None) -> uuid.UUID:
    if header is None:
        raise InvalidInput("id", "every event needs a client-generated UUID: body id or Idempotency-Key")
    try:
        return uuid.UUID(header)
    except ValueError:
        raise InvalidInput("Idempotency-Key", "Idempotency-Key must be a UUID") from None


class SyncController(Controller):
    path = "/api/v1/sync"
    tags = ["work orders"]

    @post("/", status_code=200, summary="Replay an offline queue: one result per event, in order")
    async def sync(
        self,
        data: JSONBody[SyncIn],
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
    ) -> SyncOut:
        items = [
            EventInput(
                id=e.id,
                work_order_id=e.work_order_id,
                type=e.type,
                at=e.at,
                lon=e.lon,
                lat=e.lat,
                crs=e.crs,
                device_id=e.device_id or data.device_id,
                data=e.data,
                field=f"events[{i}]",
            )
            for i, e in enumerate(data.events)
        ]
        answers = await work_orders.sync(caller, items)
        return SyncOut([EventResultOut.of(a) for a in answers])


Days = Annotated[int, QueryParameter(ge=1, le=31, description="today and this many next days")]


class SiteOut(msgspec.Struct):
    """The site in WGS-84 (GPS) and GCJ-02 (AMap / Tencent map SDKs)."""

    wgs84: LocationOut
    gcj02: LocationOut
    address: str | None


class ChecklistOut(msgspec.Struct):
    """R-OS-1/R-OS-2: the codes ``checklist_done`` must carry for this job."""

    required: list[str]
    descriptions: dict[str, str]


class DeadlinesOut(msgspec.Struct):
    """R-DI-2 arrival and response deadlines; R-FU-3 report due date (after completion)."""

    arrival: datetime | None
    response: datetime | None
    report_due: date | None


class JobOut(msgspec.Struct):
    work_order_id: uuid.UUID
    state: str
    assigned_to_me: bool
    allowed: list[str]
    ticket: dict[str, Any]
    deadlines: DeadlinesOut
    arrived_at: datetime | None
    customer: dict[str, str | None]
    site: SiteOut
    checklist: ChecklistOut
    parts: list[dict[str, Any]]
    plan: dict[str, Any]

    @classmethod
    def of(cls, job: EngineerJob) -> JobOut:
        return cls(
            work_order_id=job.work_order_id,
            state=job.state,
            assigned_to_me=job.assigned_to_me,
            allowed=list(job.allowed),
            ticket={
                "id": str(job.ticket_id),
                "number": job.ticket_number,
                "fault_type": job.fault_type,
                "fault_description": job.fault_description,
                "urgency": job.urgency,
            },
            deadlines=DeadlinesOut(job.arrival_deadline, job.response_deadline, job.report_due),
            arrived_at=job.arrived_at,
            customer={"name": job.customer_name, "phone": job.customer_phone},
            site=SiteOut(
                wgs84=LocationOut(*job.site_wgs84),
                gcj02=LocationOut(*job.site_gcj02, crs="GCJ02"),
                address=job.address,
            ),
            checklist=ChecklistOut([c.value for c in job.checklist_required], job.checklist_descriptions),
            parts=job.parts,
            plan=job.plan,
        )


class JobsOut(msgspec.Struct):
    """``cursor``: pass it back as ``since`` to get only what changed (closed jobs included)."""

    jobs: list[JobOut]
    cursor: str


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["work orders"]

    @get("/jobs", summary="The engineer's jobs for today and the next days")
    async def jobs(
        self,
        caller: NamedDependency[Principal],
        work_orders: NamedDependency[WorkOrderService],
        since: FromQuery[str | None] = None,
        days: Days = 7,
    ) -> JobsOut:
        found = await work_orders.my_jobs(caller, since, days)
        return JobsOut([JobOut.of(j) for j in found.jobs], str(found.cursor))
