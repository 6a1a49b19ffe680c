"""Plans, absences, and the reads that build a planning snapshot of one scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import Outlet, Plan, Technician, TechnicianAbsence, Ticket, WorkOrder


@dataclass(frozen=True, slots=True)
class EngineerRow:
    id: uuid.UUID
    name: str
    plant_id: uuid.UUID | None
    outlet_id: uuid.UUID | None
    skills: tuple[str, ...]
    home_lon: float
    home_lat: float


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket of the scope with one of its live work orders (or none)."""

    id: uuid.UUID
    number: int
    plant_id: uuid.UUID
    outlet_id: uuid.UUID | None
    mode: str
    status: str
    urgency: str
    fault_type: str
    lon: float
    lat: float
    arrival_deadline: datetime | None
    work_order_id: uuid.UUID | None
    work_order_state: str | None
    technician_id: uuid.UUID | None
    work_order_plan: dict[str, Any] | None


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, plan: Plan) -> Plan:
        self.session.add(plan)
        await self.session.flush()
        return plan

    async def get(self, plan_id: uuid.UUID, *, lock: bool = False) -> Plan:
        query = select(Plan).where(Plan.id == plan_id).execution_options(populate_existing=True)
        if lock:
            query = query.with_for_update()
        found = await self.session.scalar(query)
        if found is None:
            raise NotFound("plan", plan_id)
        return found

    async def flush(self) -> None:
        await self.session.flush()

    async def claim(self, plan_id: uuid.UUID, now: datetime) -> tuple[Plan, int] | None:
        """Take a queued (or abandoned running) plan for a solve; None when it has ended already.

        Increments ``attempts``, the fencing token every later write of this solve must show."""
        found = await self.session.execute(
            update(Plan)
            .where(Plan.id == plan_id, Plan.status.in_(("queued", "running")))
            .values(
                attempts=Plan.attempts + 1,
                status="running",
                stage="solving",
                progress=0.05,
                search=None,
                started_at=now,
            )
            .returning(Plan.attempts)
        )
        attempt = found.scalar_one_or_none()
        if attempt is None:
            return None
        return await self.get(plan_id), int(attempt)

    async def end_unfinished(self, plan_id: uuid.UUID, **values: Any) -> None:
        """End a queued or running plan (its job gave up), whichever attempt holds it."""
        await self.session.execute(
            update(Plan).where(Plan.id == plan_id, Plan.status.in_(("queued", "running"))).values(**values)
        )

    async def write_attempt(self, plan_id: uuid.UUID, attempt: int, **values: Any) -> bool:
        """Write the solve's progress or end, only while ``attempt`` is still the plan's current
        solve (a worker whose job went to another writes nothing). True when written."""
        done = await self.session.execute(
            update(Plan)
            .where(Plan.id == plan_id, Plan.attempts == attempt, Plan.status == "running")
            .values(**values)
            .returning(Plan.id)
        )
        return done.scalar_one_or_none() is not None

    async def lock_scope(self, plant_id: uuid.UUID, outlet_id: uuid.UUID | None) -> None:
        """Serialise commits and insertions of one scope (a transaction-level advisory lock)."""
        key = f"plan:{plant_id}:{outlet_id or ''}"
        await self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))

    async def supersede(self, plan: Plan) -> None:
        """Earlier committed plans of the same scope stop being the committed one."""
        await self.session.execute(
            update(Plan)
            .where(
                Plan.id != plan.id,
                Plan.plant_id == plan.plant_id,
                Plan.scope_type == plan.scope_type,
                Plan.outlet_id.is_(None) if plan.outlet_id is None else Plan.outlet_id == plan.outlet_id,
                Plan.status == "committed",
            )
            .values(status="superseded", stage="superseded")
        )

    # snapshot reads ----------------------------------------------------------------------

    async def engineers(self, plant_id: uuid.UUID | None, outlet_id: uuid.UUID | None) -> list[EngineerRow]:
        """Active technicians: of one outlet, or of a plant and all its active outlets."""
        query = select(
            Technician.id,
            Technician.name,
            Technician.plant_id,
            Technician.outlet_id,
            Technician.skills,
            Technician.home_lon,
            Technician.home_lat,
        ).where(Technician.active)
        if outlet_id is not None:
            query = query.where(Technician.outlet_id == outlet_id)
        else:
            outlets = select(Outlet.id).where(Outlet.plant_id == plant_id, Outlet.active)
            query = query.where(or_(Technician.plant_id == plant_id, Technician.outlet_id.in_(outlets)))
        rows = await self.session.execute(query.order_by(Technician.name, Technician.id))
        return [EngineerRow(i, n, p, o, tuple(s or ()), lon, lat) for i, n, p, o, s, lon, lat in rows]

    async def tickets(
        self,
        plant_id: uuid.UUID | None,
        outlet_id: uuid.UUID | None,
        statuses: Sequence[str],
        live: Sequence[str],
    ) -> list[TicketRow]:
        """Tickets of the scope in ``statuses``, each joined with its work orders in ``live``."""
        query = (
            select(
                Ticket.id,
                Ticket.number,
                Ticket.plant_id,
                Ticket.outlet_id,
                Ticket.mode,
                Ticket.status,
                Ticket.urgency,
                Ticket.fault_type,
                Ticket.site_lon,
                Ticket.site_lat,
                Ticket.arrival_deadline,
                WorkOrder.id,
                WorkOrder.state,
                WorkOrder.technician_id,
                WorkOrder.plan,
            )
            .outerjoin(WorkOrder, (WorkOrder.ticket_id == Ticket.id) & WorkOrder.state.in_(list(live)))
            .where(Ticket.status.in_(list(statuses)))
            .order_by(Ticket.number, WorkOrder.created_at)
        )
        if outlet_id is not None:
            query = query.where(Ticket.outlet_id == outlet_id, Ticket.mode == "outlet")
        else:
            query = query.where(Ticket.plant_id == plant_id)
        rows = await self.session.execute(query)
        return [
            TicketRow(
                id=r[0],
                number=r[1],
                plant_id=r[2],
                outlet_id=r[3],
                mode=r[4],
                status=r[5],
                urgency=r[6],
                fault_type=r[7],
                lon=r[8],
                lat=r[9],
                arrival_deadline=r[10],
                work_order_id=r[11],
                work_order_state=r[12],
                technician_id=r[13],
                work_order_plan=r[14],
            )
            for r in rows
        ]

    async def absences(
        self, technician_ids: Sequence[uuid.UUID], since: datetime, until: datetime
    ) -> list[TechnicianAbsence]:
        if not technician_ids:
            return []
        rows = await self.session.scalars(
            select(TechnicianAbsence)
            .where(
                TechnicianAbsence.technician_id.in_(list(technician_ids)),
                TechnicianAbsence.ends_at > since,
                TechnicianAbsence.starts_at < until,
            )
            .order_by(TechnicianAbsence.technician_id, TechnicianAbsence.starts_at, TechnicianAbsence.id)
        )
        return list(rows)

    async def add_absence(self, absence: TechnicianAbsence) -> TechnicianAbsence:
        self.session.add(absence)
        await self.session.flush()
        return absence

    async def open_work_orders(self, technician_id: uuid.UUID, states: Sequence[str]) -> list[WorkOrder]:
        rows = await self.session.scalars(
            select(WorkOrder)
            .where(WorkOrder.technician_id == technician_id, WorkOrder.state.in_(list(states)))
            .order_by(WorkOrder.created_at)
        )
        return list(rows)

    async def committed_of(self, plan: Plan) -> Plan | None:
        """The committed plan of the same scope, if any (its routes seed the next solve)."""
        return await self.session.scalar(
            select(Plan)
            .where(
                Plan.id != plan.id,
                Plan.plant_id == plan.plant_id,
                Plan.scope_type == plan.scope_type,
                Plan.outlet_id.is_(None) if plan.outlet_id is None else Plan.outlet_id == plan.outlet_id,
                Plan.status == "committed",
            )
            .order_by(Plan.committed_at.desc())
            .limit(1)
        )
