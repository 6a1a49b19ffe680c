"""Work orders and their event log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import Ticket, WorkOrder, WorkOrderEvent
from storage.models.field_work import REVISION_SEQUENCE

UNIQUE_VIOLATION = "23505"


@dataclass(frozen=True, slots=True)
class SiteOfJob:
    """An en-route job and its site in WGS-84 (the geofence check)."""

    work_order_id: uuid.UUID
    technician_id: uuid.UUID
    lon: float
    lat: float


class WorkOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_revision(self) -> int:
        value = await self.session.scalar(select(func.nextval(REVISION_SEQUENCE)))
        return int(value or 0)

    async def add(self, work_order: WorkOrder) -> WorkOrder:
        self.session.add(work_order)
        await self.session.flush()
        await self.session.refresh(work_order)
        return work_order

    async def get(self, work_order_id: uuid.UUID, *, lock: bool = False) -> WorkOrder:
        """A work order by id; ``lock`` takes a row lock so concurrent events apply in turn."""
        query = select(WorkOrder).where(WorkOrder.id == work_order_id)
        if lock:
            query = query.with_for_update()
        found = await self.session.scalar(query.execution_options(populate_existing=True))
        if found is None:
            raise NotFound("work order", work_order_id)
        return found

    async def flush(self, work_order: WorkOrder) -> None:
        await self.session.flush()
        await self.session.refresh(work_order)

    async def for_ticket(self, ticket_id: uuid.UUID) -> list[WorkOrder]:
        rows = await self.session.scalars(
            select(WorkOrder).where(WorkOrder.ticket_id == ticket_id).order_by(WorkOrder.created_at)
        )
        return list(rows)

    async def events(self, work_order_id: uuid.UUID) -> list[WorkOrderEvent]:
        rows = await self.session.scalars(
            select(WorkOrderEvent)
            .where(WorkOrderEvent.work_order_id == work_order_id)
            .order_by(WorkOrderEvent.seq)
        )
        return list(rows)

    async def events_by_id(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, WorkOrderEvent]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self.session.scalars(select(WorkOrderEvent).where(WorkOrderEvent.id.in_(wanted)))
        return {row.id: row for row in rows}

    async def add_event(self, event: WorkOrderEvent) -> bool:
        """Store an event; False when a concurrent request stored the same event id first (the
        savepoint keeps the rest of the transaction usable, so the caller can re-read that one)."""
        try:
            async with self.session.begin_nested():
                self.session.add(event)
                await self.session.flush()
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
            return False
        return True

    async def jobs_of(
        self,
        technician_id: uuid.UUID,
        *,
        since_revision: int | None,
        open_states: Sequence[str],
        due_before: datetime,
    ) -> list[tuple[WorkOrder, Ticket]]:
        """The technician's jobs: open ones due before ``due_before`` (or without a deadline),
        or, with a cursor, every job of theirs changed after it (closed ones included)."""
        query = (
            select(WorkOrder, Ticket)
            .join(Ticket, Ticket.id == WorkOrder.ticket_id)
            .where(
                or_(
                    WorkOrder.technician_id == technician_id,
                    WorkOrder.former_technician_ids.contains([technician_id]),
                )
            )
            .order_by(Ticket.arrival_deadline.asc().nulls_last(), WorkOrder.created_at)
        )
        if since_revision is not None:
            query = query.where(WorkOrder.revision > since_revision)
        else:
            query = query.where(
                WorkOrder.technician_id == technician_id,
                WorkOrder.state.in_(list(open_states)),
                or_(Ticket.arrival_deadline.is_(None), Ticket.arrival_deadline < due_before),
            )
        rows = await self.session.execute(query)
        return [(wo, ticket) for wo, ticket in rows]

    async def max_revision(self, technician_id: uuid.UUID) -> int:
        query: Select[int] = select(func.max(WorkOrder.revision)).where(
            or_(
                WorkOrder.technician_id == technician_id,
                WorkOrder.former_technician_ids.contains([technician_id]),
            )
        )
        value = await self.session.scalar(query)
        return int(value or 0)

    async def en_route(self, technician_ids: Sequence[uuid.UUID], state: str) -> list[SiteOfJob]:
        """Jobs in ``state`` (en route) of these technicians, with their sites."""
        if not technician_ids:
            return []
        rows = await self.session.execute(
            select(WorkOrder.id, WorkOrder.technician_id, Ticket.site_lon, Ticket.site_lat)
            .join(Ticket, Ticket.id == WorkOrder.ticket_id)
            .where(WorkOrder.technician_id.in_(list(technician_ids)), WorkOrder.state == state)
        )
        return [SiteOfJob(wo, tech, lon, lat) for wo, tech, lon, lat in rows if tech is not None]
