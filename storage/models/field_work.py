"""Field work: work orders and their event log (the lifecycle of R-OS-1…6)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin, point_column, st_x, st_y

REVISION_SEQUENCE = "work_order_revision_seq"


"""Every change to a work order takes the next value: the ``since`` cursor of ``/me/jobs``."""


class WorkOrder(IdMixin, CreatedMixin, Base):
    """One engineer's visit for a ticket, and the facts its state machine decides on."""

    __tablename__ = "work_orders"
    __table_args__ = (
        # Position ingest: which technicians are en route (geofence, R-DI-2), whatever the history.
        Index("ix_work_orders_en_route", "technician_id", postgresql_where=text("state = 'en_route'")),
    )

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    technician_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    revision: Mapped[int] = mapped_column(
        BigInteger, server_default=text(f"nextval('{REVISION_SEQUENCE}')"), index=True
    )
    fault_type: Mapped[str | None] = mapped_column(String(30))
    requires_welding: Mapped[bool] = mapped_column(Boolean, server_default="false")
    plan: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    readiness: Mapped[dict[str, bool]] = mapped_column(JSONB, server_default="{}")
    former_technician_ids: Mapped[list[uuid.UUID]] = mapped_column(PG_ARRAY(Uuid), server_default="{}")
    checklist: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    parts_reported: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    test_run_done: Mapped[bool] = mapped_column(Boolean, server_default="false")
    product_check_done: Mapped[bool] = mapped_column(Boolean, server_default="false")
    signature_ref: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    paused_from: Mapped[str | None] = mapped_column(String(30))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    arrival_source: Mapped[str | None] = mapped_column(String(10))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report_due: Mapped[date | None] = mapped_column(Date)
    last_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class WorkOrderEvent(Base):
    """One event as received (applied, conflict or rejected), keyed by the client's UUID."""

    __tablename__ = "work_order_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(200))
    device_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    server_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sla_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_source: Mapped[str | None] = mapped_column(String(10))
    position: Mapped[WKBElement | None] = mapped_column(point_column(), deferred=True)
    position_lon: Mapped[float | None] = column_property(st_x(position))
    position_lat: Mapped[float | None] = column_property(st_y(position))
    previous_state: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(40))
    allowed: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    details: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
