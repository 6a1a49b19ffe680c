"""Route plans: queue a solve, read it, commit it, insert an urgent ticket; absences."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.schemas.planning import (
    AffectedOut,
    InsertIn,
    InsertOut,
    PlanOut,
    PlanQueuedOut,
    RoutePlanIn,
    StopOut,
    UnavailableIn,
    UnavailableOut,
)
from dispatch.access.principal import Principal
from dispatch.planning.service import PlanRequest, PlanService


class PlanController(Controller):
    path = "/api/v1/plans"
    tags = ["plans"]

    @post("/", status_code=202, summary="Queue a route plan of a plant or outlet (solved by a job worker)")
    async def create(
        self,
        data: JSONBody[RoutePlanIn],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
    ) -> Response[PlanQueuedOut]:
        queued = await plans.create(
            caller,
            PlanRequest(data.scope.plant_id, data.scope.outlet_id, data.horizon_hours, data.time_limit_s),
        )
        plan = queued.plan
        return Response(PlanQueuedOut(plan.id, plan.status, 0.0), status_code=202)

    @get("/{plan_id:uuid}", summary="Status, progress, routes with stops and GeoJSON, totals, unassigned")
    async def detail(
        self,
        plan_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
    ) -> PlanOut:
        return PlanOut.of(await plans.get(caller, plan_id))

    @post("/{plan_id:uuid}/commit", status_code=200, summary="Assign the work orders (409 if stale)")
    async def commit(
        self,
        plan_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
    ) -> PlanOut:
        return PlanOut.of(await plans.commit(caller, plan_id))

    @post(
        "/{plan_id:uuid}/insert", status_code=200, summary="Insert an urgent ticket into the committed plan"
    )
    async def insert(
        self,
        plan_id: FromPath[uuid.UUID],
        data: JSONBody[InsertIn],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
    ) -> Response[InsertOut]:
        done = await plans.insert(caller, plan_id, data.ticket_id)
        queued = await plans.reoptimize(caller, done.plan)
        body = InsertOut(
            plan_id=done.plan.id,
            plan_version=done.plan.version,
            ticket_id=done.ticket_id,
            technician_id=done.technician_id,
            work_order_id=done.work_order_id,
            position=done.position,
            stop=msgspec.convert(done.stop, StopOut),
            elapsed_ms=round(done.elapsed_ms, 1),
            reoptimization_plan_id=queued.plan.id,
        )
        return Response(body, status_code=200)


class AbsenceController(Controller):
    path = "/api/v1/technicians"
    tags = ["plans"]

    @post(
        "/{technician_id:uuid}/unavailable",
        status_code=201,
        summary="An engineer cannot work from … to … (sick): the next plan re-plans their visits",
    )
    async def unavailable(
        self,
        technician_id: FromPath[uuid.UUID],
        data: JSONBody[UnavailableIn],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
    ) -> UnavailableOut:
        absence, affected = await plans.mark_unavailable(
            caller, technician_id, data.start, data.end, data.reason
        )
        return UnavailableOut(
            id=absence.id,
            technician_id=technician_id,
            start=absence.starts_at,
            end=absence.ends_at,
            reason=absence.reason,
            affected=[AffectedOut(w, t, s) for w, t, s in affected],
        )
