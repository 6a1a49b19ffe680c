"""Tickets, their dispatch decisions and their audit trail."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import DispatchDecision, Ticket, TicketClockState, TicketEvent
from storage.repositories.pages import RowPage, paginate
from storage.scope import ALL, RowScope, ticket_condition


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """What a list may be narrowed to (the caller's reach is a separate ``RowScope``)."""

    status: str | None = None
    plant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None
    urgency: str | None = None
    bbox: tuple[float, float, float, float] | None = None


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, ticket: Ticket) -> Ticket:
        self.session.add(ticket)
        await self.session.flush()
        await self.session.refresh(ticket)
        return ticket

    async def refresh(self, ticket: Ticket) -> None:
        """Flush pending changes and reload the row (server defaults, computed columns)."""
        await self.session.flush()
        await self.session.refresh(ticket)

    async def get(self, ticket_id: uuid.UUID, scope: RowScope = ALL) -> Ticket:
        """A ticket by id; out of ``scope`` (another outlet's, not the engineer's job) it does not exist."""
        if scope.everything:
            ticket = await self.session.get(Ticket, ticket_id)
        else:
            ticket = await self.session.scalar(
                select(Ticket).where(Ticket.id == ticket_id, ticket_condition(scope))
            )
        if ticket is None:
            raise NotFound("ticket", ticket_id)
        return ticket

    async def page(
        self, where: TicketFilter, page: int, page_size: int, scope: RowScope = ALL
    ) -> RowPage[Ticket]:
        query = select(Ticket).where(ticket_condition(scope))
        query = query.order_by(Ticket.arrival_deadline.asc().nulls_first(), Ticket.number)
        if where.status is not None:
            query = query.where(Ticket.status == where.status)
        if where.plant_id is not None:
            query = query.where(Ticket.plant_id == where.plant_id)
        if where.outlet_id is not None:
            query = query.where(Ticket.outlet_id == where.outlet_id)
        if where.urgency is not None:
            query = query.where(Ticket.urgency == where.urgency)
        if where.bbox is not None:
            west, south, east, north = where.bbox
            envelope = func.ST_MakeEnvelope(west, south, east, north, 4326)
            query = query.where(func.ST_Intersects(Ticket.site, func.geography(envelope)))
        return await paginate(self.session, query, page, page_size)

    async def add_decision(self, decision: DispatchDecision) -> DispatchDecision:
        self.session.add(decision)
        await self.session.flush()
        return decision

    async def decision(self, decision_id: uuid.UUID) -> DispatchDecision:
        found = await self.session.get(DispatchDecision, decision_id)
        if found is None:
            raise NotFound("decision", decision_id)
        return found

    async def record(self, ticket_id: uuid.UUID, actor: str, kind: str, data: dict[str, Any]) -> None:
        """Append a line to the ticket's audit trail."""
        self.session.add(TicketEvent(ticket_id=ticket_id, actor=actor, kind=kind, data=data))
        await self.session.flush()

    async def events(self, ticket_id: uuid.UUID) -> list[TicketEvent]:
        rows = await self.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.seq)
        )
        return list(rows)


class ClockStateRepository:
    """What the clock sweep remembers between runs (``ticket_clock_states``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_tickets(self, closed: Sequence[str], after: uuid.UUID | None, limit: int) -> list[Ticket]:
        """Tickets not in ``closed`` states, by id, after ``after`` (keyset pages for the sweep)."""
        query = select(Ticket).where(Ticket.status.not_in(list(closed))).order_by(Ticket.id).limit(limit)
        if after is not None:
            query = query.where(Ticket.id > after)
        return list((await self.session.scalars(query)).all())

    async def of(self, ticket_ids: Sequence[uuid.UUID]) -> dict[tuple[uuid.UUID, str], TicketClockState]:
        rows = await self.session.scalars(
            select(TicketClockState).where(TicketClockState.ticket_id.in_(list(ticket_ids)))
        )
        return {(r.ticket_id, r.name): r for r in rows}

    def add(self, row: TicketClockState) -> None:
        self.session.add(row)

    async def publish(self, kind: str, ticket_id: uuid.UUID, data: dict[str, Any]) -> None:
        """Journal and announce a clock event on the live channel (console, webhooks)."""
        await self.session.execute(
            text("SELECT live_publish('clocks', :kind, :subject, CAST(:data AS jsonb))"),
            {"kind": kind, "subject": ticket_id, "data": json.dumps(data, ensure_ascii=False)},
        )
