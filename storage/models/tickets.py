"""Repair tickets (R-IN-1), the immutable dispatch decisions made for them, and their audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import (
    BigInteger,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin, point_column, st_x, st_y


class DispatchDecision(IdMixin, Base):
    """Who goes and by when, with the policy and inputs used. Rows are never updated (trigger)."""

    __tablename__ = "dispatch_decisions"

    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id"))
    policy_name: Mapped[str] = mapped_column(String(100))
    policy_version: Mapped[int]
    mode: Mapped[str] = mapped_column(String(20))
    distance_km: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outlets.id"))
    outlet_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    arrival_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB)
    explanation: Mapped[list[str]] = mapped_column(JSONB)
    warnings: Mapped[list[str]] = mapped_column(JSONB)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Ticket(IdMixin, CreatedMixin, Base):
    """A repair request as the hotline records it (R-IN-1), with where it stands."""

    __tablename__ = "tickets"

    number: Mapped[int] = mapped_column(BigInteger, Identity(start=1001), unique=True)
    plant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plants.id"), index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(20))
    fault_description: Mapped[str] = mapped_column(Text)
    fault_type: Mapped[str] = mapped_column(String(30))
    urgency: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), index=True)
    site: Mapped[WKBElement] = mapped_column(point_column(), deferred=True)
    site_lon: Mapped[float] = column_property(st_x(site))
    site_lat: Mapped[float] = column_property(st_y(site))
    site_input_lon: Mapped[float] = mapped_column(Double)
    site_input_lat: Mapped[float] = mapped_column(Double)
    site_input_crs: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Shanghai")
    mode: Mapped[str] = mapped_column(String(20))
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    arrival_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    response_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """The first office action on the ticket: keeps the response clock (R-IN-3)."""
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """The first hand-over to an engineer: keeps the forwarding clock (R-IN-4)."""
    decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("dispatch_decisions.id", use_alter=True, name="fk_tickets_decision")
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TicketEvent(IdMixin, Base):
    """One line of a ticket's audit trail: who did what, when, and why."""

    __tablename__ = "ticket_events"

    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.clock_timestamp())
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class TicketClockState(Base):
    """The state the clock sweep last saw for one clock of one ticket, and how far up the
    escalation ladder it went: the sweep records and announces each change once."""

    __tablename__ = "ticket_clock_states"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the sweep first saw this state."""
    escalated: Mapped[int] = mapped_column(Integer, server_default="0")
    """Ladder steps taken for this clock (the policy's ``[[escalation]]`` list)."""
    responsible: Mapped[str] = mapped_column(String(200))
