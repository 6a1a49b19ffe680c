"""Plans through their life: queue (snapshot + fingerprint), read, commit, urgent insertion,
absences. Load → decide (pure, in ``build``/``worker``) → save; never commits the transaction.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from anyio import to_thread

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput, StateConflict
from dispatch.field_work.service import EventInput, PlanInput, WorkOrderCreate, WorkOrderService
from dispatch.planning.build import MAX_HORIZON_HOURS, MIN_HORIZON_HOURS
from dispatch.planning.errors import InsertionRefused, PlanNotCommittable, PlanStale
from dispatch.planning.load import PLANNABLE, Loaded, Scope, SnapshotLoader
from dispatch.planning.report import REASON_TEXT, sequences_of
from dispatch.planning.runner import SOLVE_QUEUE, SOLVE_TASK, scope_lock
from dispatch.planning.snapshot import Snapshot, changes, fingerprint, from_json, to_json
from dispatch.planning.worker import run_insert
from storage.job_queue import JobQueue
from storage.models import Plan, TechnicianAbsence
from storage.repositories.network import OutletRepository, PlantRepository, TechnicianRepository
from storage.repositories.planning import PlanRepository
from storage.repositories.tickets import TicketRepository

MIN_TIME_LIMIT_S = 1.0
MAX_TIME_LIMIT_S = 300.0


@dataclass(frozen=True, slots=True)
class PlanRequest:
    plant_id: uuid.UUID | None
    outlet_id: uuid.UUID | None
    horizon_hours: int = MIN_HORIZON_HOURS
    time_limit_s: float = 10.0


@dataclass(frozen=True, slots=True)
class Queued:
    """A plan row saved as ``queued``, with the id of the job that will solve it."""

    plan: Plan
    job_id: int


@dataclass(frozen=True, slots=True)
class Insertion:
    plan: Plan
    ticket_id: uuid.UUID
    technician_id: uuid.UUID
    work_order_id: uuid.UUID
    position: int
    stop: dict[str, Any]
    elapsed_ms: float


def check_request(data: PlanRequest) -> None:
    if (data.plant_id is None) == (data.outlet_id is None):
        raise InvalidInput("scope", "give exactly one of scope.plant_id and scope.outlet_id")
    if not MIN_HORIZON_HOURS <= data.horizon_hours <= MAX_HORIZON_HOURS:
        raise InvalidInput(
            "horizon_hours",
            f"must be in [{MIN_HORIZON_HOURS}, {MAX_HORIZON_HOURS}] (72 h promises are planned)",
        )
    if not MIN_TIME_LIMIT_S <= data.time_limit_s <= MAX_TIME_LIMIT_S:
        raise InvalidInput("time_limit_s", f"must be in [{MIN_TIME_LIMIT_S:g}, {MAX_TIME_LIMIT_S:g}] seconds")


class PlanService:
    def __init__(
        self,
        plans: PlanRepository,
        plants: PlantRepository,
        outlets: OutletRepository,
        technicians: TechnicianRepository,
        tickets: TicketRepository,
        work_orders: WorkOrderService,
        snapshots: SnapshotLoader,
        jobs: JobQueue,
        clock: Callable[[], datetime],
    ) -> None:
        self.plans = plans
        self.plants = plants
        self.outlets = outlets
        self.technicians = technicians
        self.tickets = tickets
        self.work_orders = work_orders
        self.snapshots = snapshots
        self.jobs = jobs
        self.clock = clock

    async def _scope(self, data: PlanRequest) -> tuple[Scope, str]:
        if data.outlet_id is not None:
            outlet = await self.outlets.get(data.outlet_id)
            plant = await self.plants.get(outlet.plant_id)
            return Scope("outlet", plant.id, outlet.id), plant.timezone
        assert data.plant_id is not None
        plant = await self.plants.get(data.plant_id)
        return Scope("plant", plant.id), plant.timezone

    async def _load(self, plan: Plan, now: datetime, since: datetime | None = None) -> Loaded:
        scope = Scope(plan.scope_type, plan.plant_id, plan.outlet_id)
        return await self.snapshots.load(scope, plan.timezone, now, plan.horizon_hours, since)

    async def create(self, caller: Principal, data: PlanRequest) -> Queued:
        """Check the request, read the scope's snapshot now, save the plan row as ``queued`` and
        defer its solve on the job queue in the same transaction (``runner.py``)."""
        require(caller, Resource.PLAN, Action.CREATE)
        check_request(data)
        scope, timezone = await self._scope(data)
        now = self.clock().replace(microsecond=0)
        loaded = await self.snapshots.load(scope, timezone, now, data.horizon_hours)
        if not loaded.snapshot.engineers:
            raise InvalidInput("scope", f"the {scope.type} {scope.id} has no active engineer to plan")
        plan = await self.plans.add(
            Plan(
                scope_type=scope.type,
                plant_id=scope.plant_id,
                outlet_id=scope.outlet_id,
                status="queued",
                progress=0.0,
                stage="queued",
                horizon_hours=data.horizon_hours,
                time_limit_s=data.time_limit_s,
                planned_at=now,
                timezone=timezone,
                fingerprint=fingerprint(loaded.snapshot),
                inputs={"snapshot": to_json(loaded.snapshot), "blocked": loaded.blocked},
                created_by=caller.label,
            )
        )
        committed = await self.plans.committed_of(plan)
        if committed is not None and committed.result:
            plan.inputs = {**plan.inputs, "initial_routes": sequences_of(committed.result)}
            await self.plans.flush()
        job_id = await self.jobs.defer(
            SOLVE_TASK,
            {"plan_id": str(plan.id)},
            queue=SOLVE_QUEUE,
            lock=scope_lock(plan.plant_id, plan.outlet_id),
        )
        return Queued(plan, job_id)

    async def reoptimize(self, caller: Principal, plan: Plan) -> Queued:
        """Queue a fresh plan of ``plan``'s scope, seeded with its committed routes.

        Called after an urgent insertion (insert within a second, then re-optimise in
        the background). En-route visits stay with their engineers and started ones are not
        plannable (``dispatch/planning/load.py``); the dispatcher commits the result, which is
        refused if anything changed meanwhile.
        """
        is_plant = plan.scope_type == "plant"
        request = PlanRequest(
            plan.plant_id if is_plant else None,
            None if is_plant else plan.outlet_id,
            plan.horizon_hours,
            plan.time_limit_s,
        )
        return await self.create(caller, request)

    async def get(self, caller: Principal, plan_id: uuid.UUID) -> Plan:
        """The plan as it is (reads never write)."""
        require(caller, Resource.PLAN, Action.READ)
        return await self.plans.get(plan_id)

    async def commit(self, caller: Principal, plan_id: uuid.UUID) -> Plan:
        """Assign the plan's work orders; 409 when the world changed since the plan was made."""
        require(caller, Resource.PLAN, Action.UPDATE)
        plan = await self.plans.get(plan_id, lock=True)
        if plan.status != "done" or plan.result is None:
            raise PlanNotCommittable(
                f"plan {plan.id} is {plan.status}: only a done plan can be committed", plan.status
            )
        await self.plans.lock_scope(plan.plant_id, plan.outlet_id)
        before = from_json(plan.inputs["snapshot"])
        loaded = await self._load(plan, self.clock(), since=plan.planned_at)
        if fingerprint(loaded.snapshot) != plan.fingerprint:
            diff = changes(before, loaded.snapshot)
            raise PlanStale(f"the world changed since plan {plan.id} was made: plan again", diff)
        result = dict(plan.result)
        result["routes"] = [dict(r) for r in result["routes"]]
        for route in result["routes"]:
            tech = uuid.UUID(route["technician_id"])
            stops = [dict(s) for s in route["stops"]]
            for order, stop in enumerate(stops):
                job = before.job(stop["ticket_id"])
                stop["work_order_id"] = str(
                    await self._assign(
                        caller, job.ticket_id, job.work_order_id, job.technician_id, tech, sorted(job.skills)
                    )
                )
                await self.tickets.record(
                    uuid.UUID(job.ticket_id),
                    caller.label,
                    "planned",
                    {
                        "plan_id": str(plan.id),
                        "technician_id": str(tech),
                        "order": order,
                        "arrival": stop["arrival"],
                    },
                )
            route["stops"] = stops
        plan.result = result
        plan.status, plan.stage = "committed", "committed"
        plan.committed_at, plan.committed_by = self.clock(), caller.label
        await self.plans.supersede(plan)
        await self.plans.flush()
        return plan

    async def _assign(
        self,
        caller: Principal,
        ticket_id: str,
        work_order_id: str | None,
        current: str | None,
        tech: uuid.UUID,
        skills: list[str],
    ) -> uuid.UUID:
        """Create the work order (the work-order service's own path) or reassign it."""
        if work_order_id is None:
            summary = "planned by the route optimiser"
            row = await self.work_orders.create(
                caller,
                WorkOrderCreate(
                    uuid.UUID(ticket_id), tech, PlanInput(summary=summary, required_skills=tuple(skills))
                ),
            )
            return row.id
        if current != str(tech):
            await self.work_orders.send(
                caller,
                EventInput(
                    id=uuid.uuid4(),
                    work_order_id=uuid.UUID(work_order_id),
                    type="reassign",
                    data={"technician_id": str(tech), "reason": "route plan"},
                ),
            )
        return uuid.UUID(work_order_id)

    async def insert(self, caller: Principal, plan_id: uuid.UUID, ticket_id: uuid.UUID) -> Insertion:
        """Put one (extra-)urgent ticket into the committed plan without moving any promise."""
        require(caller, Resource.PLAN, Action.UPDATE)
        started = time.monotonic()
        plan = await self.plans.get(plan_id, lock=True)
        if plan.status != "committed" or plan.result is None:
            raise PlanNotCommittable(
                f"plan {plan.id} is {plan.status}: insert into the committed plan", plan.status
            )
        await self.plans.lock_scope(plan.plant_id, plan.outlet_id)
        ticket = await self.tickets.get(ticket_id)
        loaded = await self._load(plan, self.clock().replace(microsecond=0))
        current = loaded.snapshot
        key = str(ticket_id)
        if key in loaded.blocked:
            raise StateConflict(
                f"ticket {ticket.number} may not be dispatched: {', '.join(loaded.blocked[key])}"
            )
        try:
            job = current.job(key)
        except KeyError:
            raise InvalidInput(
                "ticket_id", f"ticket {ticket.number} is not open for planning in this plan's scope"
            ) from None
        if job.work_order_id is not None:
            raise StateConflict(f"ticket {ticket.number} already has work order {job.work_order_id}")
        committed = sequences_of(plan.result)
        owner = {j.ticket_id: j.technician_id for j in current.jobs}
        seqs = {tech: [t for t in seq if owner.get(t) == tech] for tech, seq in committed.items()}
        keep = {t for seq in seqs.values() for t in seq} | {key}
        sub = Snapshot(
            current.scope_type,
            current.scope_id,
            current.timezone,
            current.now,
            current.horizon_hours,
            current.engineers,
            tuple(j for j in current.jobs if j.ticket_id in keep),
            current.day,
        )
        outcome = await to_thread.run_sync(run_insert, sub, seqs, key)
        if outcome.result is None or outcome.technician_id is None or outcome.position is None:
            reason = outcome.refused or "capacity"
            raise InsertionRefused(
                f"ticket {ticket.number} cannot be inserted: {REASON_TEXT.get(reason, reason)}", reason
            )
        tech = uuid.UUID(outcome.technician_id)
        work_order_id = await self._assign(caller, key, None, None, tech, sorted(job.skills))
        result = outcome.result
        stop: dict[str, Any] = {}
        for route in result["routes"]:
            for s in route["stops"]:
                if s["ticket_id"] == key:
                    s["work_order_id"] = str(work_order_id)
                    stop = s
                elif s.get("work_order_id") is None:
                    s["work_order_id"] = current.job(s["ticket_id"]).work_order_id
        previous = [u for u in plan.result.get("unassigned", []) if u["ticket_id"] != key]
        result["unassigned"] = previous + result["unassigned"]
        result["insertions"] = [
            *plan.result.get("insertions", []),
            {
                "ticket_id": key,
                "technician_id": str(tech),
                "position": outcome.position,
                "at": current.now.isoformat(),
            },
        ]
        result["stats"] = plan.result.get("stats", {})
        plan.result = result
        plan.version += 1
        await self.tickets.record(
            ticket_id,
            caller.label,
            "planned",
            {
                "plan_id": str(plan.id),
                "technician_id": str(tech),
                "order": outcome.position,
                "arrival": stop.get("arrival"),
                "inserted": True,
            },
        )
        await self.plans.flush()
        return Insertion(
            plan, ticket_id, tech, work_order_id, outcome.position, stop, (time.monotonic() - started) * 1000
        )

    async def mark_unavailable(
        self, caller: Principal, technician_id: uuid.UUID, start: datetime, end: datetime, reason: str
    ) -> tuple[TechnicianAbsence, list[tuple[uuid.UUID, uuid.UUID, str]]]:
        """Record an absence; returns it and the engineer's open work orders it affects
        (work order, ticket, state): the next plan re-plans them with other engineers."""
        require(caller, Resource.ABSENCE, Action.CREATE)
        for name, value in (("from", start), ("to", end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InvalidInput(name, f"{name} needs a UTC offset, e.g. 2026-11-23T09:30:00+08:00")
        if not end > start:
            raise InvalidInput("to", "to must be after from")
        await self.technicians.get(technician_id)
        absence = await self.plans.add_absence(
            TechnicianAbsence(
                technician_id=technician_id,
                starts_at=start,
                ends_at=end,
                reason=reason,
                created_by=caller.label,
            )
        )
        affected = []
        for wo in await self.plans.open_work_orders(technician_id, [s.value for s in PLANNABLE]):
            affected.append((wo.id, wo.ticket_id, wo.state))
            await self.tickets.record(
                wo.ticket_id,
                caller.label,
                "engineer_unavailable",
                {
                    "technician_id": str(technician_id),
                    "work_order_id": str(wo.id),
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "reason": reason,
                },
            )
        return absence, affected
