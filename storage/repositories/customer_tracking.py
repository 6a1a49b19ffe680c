"""Reads and writes behind the customer tracking page: links, and the facts a page shows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.customer_tracking import TrackingLink
from storage.models.field_work import WorkOrder, WorkOrderEvent
from storage.models.network import Outlet, Plant, Technician
from storage.models.planning import Plan
from storage.models.positions import LatestPosition
from storage.models.tickets import Ticket

PLANS_SCANNED = 5
"""How many of the newest committed plans are searched for the engineer's route."""


@dataclass(frozen=True, slots=True)
class TrackedEngineer:
    id: uuid.UUID
    name: str
    company: str | None


@dataclass(frozen=True, slots=True)
class TrackingFacts:
    """Everything one tracking page is computed from (read in one short session)."""

    ticket: Ticket
    work_order: WorkOrder | None
    engineer: TrackedEngineer | None
    departed_at: datetime | None
    latest: LatestPosition | None
    busy_elsewhere: bool
    route_stops: list[dict[str, Any]]
    """The newest committed plan's stops for this engineer, when they include this ticket."""
    stop_states: dict[uuid.UUID, str]
    """This engineer's work-order state per ticket of ``route_stops``."""


class TrackingLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: TrackingLink) -> TrackingLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def get(self, link_id: uuid.UUID) -> TrackingLink | None:
        return await self.session.get(TrackingLink, link_id)

    async def by_hash(self, token_hash: str) -> TrackingLink | None:
        found: TrackingLink | None = await self.session.scalar(
            select(TrackingLink).where(TrackingLink.token_hash == token_hash)
        )
        return found

    async def ticket(self, ticket_id: uuid.UUID) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def work_orders(self, ticket_id: uuid.UUID) -> Sequence[WorkOrder]:
        rows = await self.session.scalars(
            select(WorkOrder)
            .where(WorkOrder.ticket_id == ticket_id)
            .order_by(WorkOrder.created_at.desc(), WorkOrder.revision.desc())
        )
        return rows.all()

    async def facts(
        self, ticket: Ticket, work_order: WorkOrder | None, busy_states: Sequence[str]
    ) -> TrackingFacts:
        technician_id = work_order.technician_id if work_order else None
        if work_order is None or technician_id is None:
            return TrackingFacts(ticket, work_order, None, None, None, False, [], {})
        engineer = await self._engineer(technician_id)
        departed = await self.session.scalar(
            select(func.max(func.coalesce(WorkOrderEvent.device_time, WorkOrderEvent.server_time))).where(
                WorkOrderEvent.work_order_id == work_order.id,
                WorkOrderEvent.type == "depart",
                WorkOrderEvent.status == "applied",
            )
        )
        latest = await self.session.get(LatestPosition, technician_id)
        busy = await self.session.scalar(
            select(func.count())
            .select_from(WorkOrder)
            .where(
                WorkOrder.technician_id == technician_id,
                WorkOrder.id != work_order.id,
                WorkOrder.state.in_(list(busy_states)),
            )
        )
        stops = await self._route_stops(technician_id, ticket.id)
        states = await self._stop_states(technician_id, [uuid.UUID(str(s["ticket_id"])) for s in stops])
        return TrackingFacts(ticket, work_order, engineer, departed, latest, bool(busy), stops, states)

    async def _engineer(self, technician_id: uuid.UUID) -> TrackedEngineer | None:
        row = (
            await self.session.execute(
                select(Technician.name, Plant.name, Outlet.name)
                .select_from(Technician)
                .outerjoin(Plant, Plant.id == Technician.plant_id)
                .outerjoin(Outlet, Outlet.id == Technician.outlet_id)
                .where(Technician.id == technician_id)
            )
        ).first()
        if row is None:
            return None
        name, plant, outlet = row
        return TrackedEngineer(technician_id, str(name), outlet or plant)

    async def _route_stops(self, technician_id: uuid.UUID, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
        plans = await self.session.scalars(
            select(Plan)
            .where(Plan.status == "committed", Plan.result.is_not(None))
            .order_by(Plan.committed_at.desc().nulls_last())
            .limit(PLANS_SCANNED)
        )
        for plan in plans:
            for route in (plan.result or {}).get("routes", []):
                if str(route.get("technician_id")) != str(technician_id):
                    continue
                stops = [dict(s) for s in route.get("stops", [])]
                if any(str(s.get("ticket_id")) == str(ticket_id) for s in stops):
                    return stops
        return []

    async def _stop_states(
        self, technician_id: uuid.UUID, ticket_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        if not ticket_ids:
            return {}
        rows = await self.session.execute(
            select(WorkOrder.ticket_id, WorkOrder.state)
            .where(WorkOrder.technician_id == technician_id, WorkOrder.ticket_id.in_(ticket_ids))
            .order_by(WorkOrder.created_at)
        )
        return {ticket: state for ticket, state in rows.all()}
