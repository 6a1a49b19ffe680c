"""Route plans: queue a solve, read it, commit it, insert an urgent ticket; absences."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager

import msgspec
from litestar import Controller, Litestar, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.controllers.field_work import provide_work_order_service
from api.schemas.planning import (
    AffectedOut,
    InsertIn,
    InsertOut,
    PlanIn,
    PlanOut,
    PlanQueuedOut,
    StopOut,
    UnavailableIn,
    UnavailableOut,
)
from dispatch.access.principal import Principal
from dispatch.planning.lifeline import die_with_parent
from dispatch.planning.runner import PlanRunner
from dispatch.planning.service import PlanRequest, PlanService
from storage.repositories.network import OutletRepository, PlantRepository, TechnicianRepository
from storage.repositories.planning import PlanRepository
from storage.repositories.tickets import TicketRepository

PLAN_WORKERS = max(1, min(4, (os.cpu_count() or 2) - 1))
"""Solver processes per service process: leave one core to the event loop and the database."""


@asynccontextmanager
async def plan_workers(app: Litestar) -> AsyncIterator[None]:
    """The process pool that runs solves, owned by the app (created here, shut down on exit).

    ``forkserver``: workers fork from a clean server process that preloaded the solver, never
    from this threaded, connection-holding process."""
    context = multiprocessing.get_context("forkserver")
    # lifeline first: the forkserver, and then each worker, die with this process (even on kill -9)
    context.set_forkserver_preload(["dispatch.planning.lifeline", "dispatch.planning.worker"])
    pool = ProcessPoolExecutor(
        max_workers=PLAN_WORKERS, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    sessions = async_sessionmaker(app.state.db_config.get_engine(), expire_on_commit=False)
    runner = PlanRunner(pool, sessions)
    app.state.plan_runner = runner
    try:
        yield
    finally:
        await runner.close()
        processes = list((pool._processes or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a solve still running would hold the shutdown for its limit
            if process.is_alive():
                process.terminate()


def provide_plan_service(db_session: NamedDependency[AsyncSession], state: State) -> PlanService:
    return PlanService(
        PlanRepository(db_session),
        PlantRepository(db_session),
        OutletRepository(db_session),
        TechnicianRepository(db_session),
        TicketRepository(db_session),
        provide_work_order_service(db_session, state),
    )


class PlanController(Controller):
    path = "/api/v1/plans"
    tags = ["plans"]

    @post("/", status_code=202, summary="Queue a route plan of a plant or outlet (solved in a worker)")
    async def create(
        self,
        data: JSONBody[PlanIn],
        caller: NamedDependency[Principal],
        plans: NamedDependency[PlanService],
        state: State,
    ) -> Response[PlanQueuedOut]:
        queued = await plans.create(
            caller,
            PlanRequest(data.scope.plant_id, data.scope.outlet_id, data.horizon_hours, data.time_limit_s),
        )
        runner: PlanRunner = state.plan_runner
        plan = queued.plan
        return Response(
            PlanQueuedOut(plan.id, plan.status, 0.0),
            status_code=202,
            background=BackgroundTask(
                runner.start, plan.id, queued.snapshot, plan.time_limit_s, queued.initial_routes
            ),
        )

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
        state: State,
    ) -> Response[InsertOut]:
        done = await plans.insert(caller, plan_id, data.ticket_id)
        queued = await plans.reoptimize(caller, done.plan)
        runner: PlanRunner = state.plan_runner
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
        background = BackgroundTask(
            runner.start, queued.plan.id, queued.snapshot, queued.plan.time_limit_s, queued.initial_routes
        )
        return Response(body, status_code=200, background=background)


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
