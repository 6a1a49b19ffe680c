"""Warranty and charges (R-WA-1 … R-WA-9): what a ticket is entitled to, and what it costs.

* ``ticket_components`` — the component classes a ticket is about (validated against the asset's
  policy when the ticket is taken).
* ``asset_downtime`` — periods an asset was down because of a fault (R-WA-3).
* ``warranty_entitlements`` — every evaluation of a ticket, kept; the latest one is current.
* ``warranty_exclusions`` — R-WA-4 grounds recorded by a named user, withdrawable (appeal).
* ``quotes`` — priced proposals for paid visits (R-WA-7) and how they were decided.
* ``internal_losses`` — in-warranty cost per ticket/component/supplier (R-WA-6).
* ``supplier_claims`` — faults of bought-in components handed to the supplier (R-WA-9).
* ``recall_campaigns`` / ``recall_items`` — a declared defect and one ticket per affected asset
  (R-WA-9); ``uq_recall_items_campaign_id_asset_id`` keeps a repeated recall from duplicating.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedMixin, IdMixin


class TicketComponent(Base):
    """One component class a ticket is about, in the order the caller named them."""

    __tablename__ = "ticket_components"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    class_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class AssetDowntime(IdMixin, CreatedMixin, Base):
    """A period ``[started_at, ended_at)`` the asset was down by a fault (R-WA-3)."""

    __tablename__ = "asset_downtime"
    __table_args__ = (CheckConstraint("ended_at >= started_at", name="period_order"),)

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class WarrantyEntitlement(IdMixin, CreatedMixin, Base):
    """One evaluation of a ticket; the row with the highest ``seq`` is the ticket's current one."""

    __tablename__ = "warranty_entitlements"

    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date)
    charge: Mapped[str] = mapped_column(String(20))
    policy_name: Mapped[str] = mapped_column(String(100))
    policy_version: Mapped[int]
    start: Mapped[date | None] = mapped_column(Date)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    rules: Mapped[list[str]] = mapped_column(JSONB)
    explanation: Mapped[str] = mapped_column(Text)
    visit_free_rule: Mapped[str | None] = mapped_column(String(20))
    uses_free_visit: Mapped[bool] = mapped_column(Boolean)
    free_visits_left: Mapped[int]
    preferential_parts: Mapped[bool] = mapped_column(Boolean)
    needs_confirmation: Mapped[bool] = mapped_column(Boolean)
    evaluated_by: Mapped[str] = mapped_column(String(200))


class WarrantyExclusion(IdMixin, CreatedMixin, Base):
    """An R-WA-4 ground recorded on a ticket by a named user; withdrawn when an appeal succeeds."""

    __tablename__ = "warranty_exclusions"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    rule: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    component_class: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class Quote(IdMixin, CreatedMixin, Base):
    """A priced proposal for a paid visit (R-WA-7). Only the token's SHA-256 is stored."""

    __tablename__ = "quotes"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    entitlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warranty_entitlements.id"))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    rules: Mapped[list[str]] = mapped_column(JSONB)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)


class InternalLoss(IdMixin, CreatedMixin, Base):
    """In-warranty cost booked as internal loss (R-WA-6), per ticket, component and supplier."""

    __tablename__ = "internal_losses"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    component_class: Mapped[str] = mapped_column(String(100))
    supplier: Mapped[str | None] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class SupplierClaim(IdMixin, CreatedMixin, Base):
    """A fault attributed to a bought-in component, to be claimed from its supplier (R-WA-9)."""

    __tablename__ = "supplier_claims"
    __table_args__ = (UniqueConstraint("ticket_id", "component_class", "supplier"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    component_class: Mapped[str] = mapped_column(String(100))
    supplier: Mapped[str] = mapped_column(String(200), index=True)
    part_number: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    recorded_by: Mapped[str] = mapped_column(String(200))


class RecallCampaign(IdMixin, CreatedMixin, Base):
    """A defect declared for a batch, or a model over a production-date range (R-WA-9)."""

    __tablename__ = "recall_campaigns"

    key: Mapped[str] = mapped_column(String(500), unique=True)
    batch: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    defect: Mapped[str] = mapped_column(Text)
    component_class: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RecallItem(Base):
    """One affected asset of a campaign and the one ticket opened for it."""

    __tablename__ = "recall_items"
    __table_args__ = (UniqueConstraint("campaign_id", "asset_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recall_campaigns.id"), index=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
