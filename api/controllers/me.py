"""The engineer's own view: ``GET /api/v1/me/jobs`` (issue 5 "Offline-first sync")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.common import LocationOut
from dispatch.access import Principal
from dispatch.lifecycle.jobs import Job, my_jobs
from storage.repositories.field import WorkOrderRepository

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
    def of(cls, job: Job) -> JobOut:
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
        db_session: NamedDependency[AsyncSession],
        since: FromQuery[str | None] = None,
        days: Days = 7,
    ) -> JobsOut:
        found = await my_jobs(caller, WorkOrderRepository(db_session), since, days)
        return JobsOut([JobOut.of(j) for j in found.jobs], str(found.cursor))
