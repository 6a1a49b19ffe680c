"""Request and response shapes of warranty and charges (R-WA-1 … R-WA-9)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from api.schemas.common import Name, Phone
from dispatch.warranty.service import AssetWarranty
from storage.models import (
    Asset,
    AssetDowntime,
    InternalLoss,
    Quote,
    RecallCampaign,
    SupplierClaim,
    Ticket,
    WarrantyEntitlement,
    WarrantyExclusion,
)

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ClassId = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class AssetCustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    phone: Phone | None = None


class AssetIn(msgspec.Struct, forbid_unknown_fields=True):
    """A sold unit; it keeps the policy version in force on ``sold_on`` for life."""

    serial: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    model: Short
    product_line: str
    plant_id: uuid.UUID
    sold_on: date
    warranty_policy: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    registration_date: date | None = None
    acceptance_date: date | None = None
    factory_date: date | None = None
    batch: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    customer: AssetCustomerIn | None = None
    customer_id: uuid.UUID | None = None


class PolicyRefOut(msgspec.Struct):
    name: str
    version: int


class ClassStatusOut(msgspec.Struct):
    class_: str = msgspec.field(name="class")
    label: str = ""
    months: int = 0
    base_ends_on: date | None = None
    downtime_days: int = 0
    ends_on: date | None = None
    covered: bool = False


class FreeVisitsOut(msgspec.Struct):
    granted: int
    used: int
    left: int


class WarrantyOut(msgspec.Struct):
    """``ends_on`` is the last covered day: start + months (clamped) − 1 day + downtime days."""

    asset_id: uuid.UUID
    on: date
    policy: PolicyRefOut
    basis: str
    start: date
    downtime_extends: bool
    components: list[ClassStatusOut]
    free_visits: FreeVisitsOut
    exchange_until: date | None

    @classmethod
    def of(cls, view: AssetWarranty) -> WarrantyOut:
        status = view.status
        return cls(
            asset_id=view.asset.id,
            on=status.on,
            policy=PolicyRefOut(status.policy_name, status.policy_version),
            basis=status.basis.value,
            start=status.start,
            downtime_extends=status.downtime_extends,
            components=[
                ClassStatusOut(
                    c.class_id, c.label, c.months, c.base_ends_on, c.downtime_days, c.ends_on, c.covered
                )
                for c in status.components
            ],
            free_visits=FreeVisitsOut(
                view.free_visits_granted,
                view.free_visits_used,
                max(view.free_visits_granted - view.free_visits_used, 0),
            ),
            exchange_until=view.exchange_until,
        )


class DowntimeIn(msgspec.Struct, forbid_unknown_fields=True):
    from_: datetime = msgspec.field(name="from")
    to: datetime
    reason: Text
    ticket_id: uuid.UUID | None = None


class DowntimeOut(msgspec.Struct):
    id: uuid.UUID
    asset_id: uuid.UUID
    from_: datetime = msgspec.field(name="from")
    to: datetime | None = None
    reason: str = ""
    ticket_id: uuid.UUID | None = None
    recorded_by: str = ""
    days: int | None = None
    extends_warranty: bool | None = None

    @classmethod
    def of(cls, row: AssetDowntime, days: int | None = None, extends: bool | None = None) -> DowntimeOut:
        return cls(
            row.id,
            row.asset_id,
            row.started_at,
            row.ended_at,
            row.reason,
            row.ticket_id,
            row.recorded_by,
            days,
            extends,
        )


class ExchangeClaimIn(msgspec.Struct, forbid_unknown_fields=True):
    """The engineer's R-WA-5 findings."""

    unrepairable_quality_fault: bool
    unit_intact: bool
    accessories_complete: bool
    packaging_intact: bool


class EntitlementIn(msgspec.Struct, forbid_unknown_fields=True):
    exchange_claim: ExchangeClaimIn | None = None


class ComponentOut(msgspec.Struct):
    class_: str = msgspec.field(name="class")
    status: str = ""
    ends_on: date | None = None
    rules: list[str] = msgspec.field(default_factory=list)
    explanation: str = ""


class EntitlementOut(msgspec.Struct):
    """Who pays: ``free`` (all covered), ``exchange`` (R-WA-5) or ``paid`` (confirm a quote, R-WA-7)."""

    id: uuid.UUID
    ticket_id: uuid.UUID
    charge: str
    on: date
    policy: PolicyRefOut
    start: date | None
    components: list[ComponentOut]
    rules: list[str]
    explanation: str
    visit_free_rule: str | None
    free_visits_left: int
    preferential_parts: bool
    needs_confirmation: bool
    evaluated_by: str
    evaluated_at: datetime

    @classmethod
    def of(cls, row: WarrantyEntitlement) -> EntitlementOut:
        return cls(
            id=row.id,
            ticket_id=row.ticket_id,
            charge=row.charge,
            on=row.evaluated_on,
            policy=PolicyRefOut(row.policy_name, row.policy_version),
            start=row.start,
            components=[
                ComponentOut(
                    c["class"],
                    c["status"],
                    date.fromisoformat(c["ends_on"]) if c.get("ends_on") else None,
                    list(c["rules"]),
                    c.get("explanation", ""),
                )
                for c in row.components
            ],
            rules=list(row.rules),
            explanation=row.explanation,
            visit_free_rule=row.visit_free_rule,
            free_visits_left=row.free_visits_left,
            preferential_parts=row.preferential_parts,
            needs_confirmation=row.needs_confirmation,
            evaluated_by=row.evaluated_by,
            evaluated_at=row.created_at,
        )


class ExclusionIn(msgspec.Struct, forbid_unknown_fields=True):
    rule: str
    reason: Text
    component: ClassId | None = None


class WithdrawIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class ExclusionOut(msgspec.Struct):
    id: uuid.UUID
    ticket_id: uuid.UUID
    rule: str
    reason: str
    component: str | None
    recorded_by: str
    recorded_at: datetime
    active: bool
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdraw_reason: str | None

    @classmethod
    def of(cls, row: WarrantyExclusion) -> ExclusionOut:
        return cls(
            row.id,
            row.ticket_id,
            row.rule,
            row.reason,
            row.component_class,
            row.recorded_by,
            row.created_at,
            row.withdrawn_at is None,
            row.withdrawn_at,
            row.withdrawn_by,
            row.withdraw_reason,
        )


class QuotePartIn(msgspec.Struct, forbid_unknown_fields=True):
    sku: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=10000)]
    unit_price: Decimal
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""


class QuoteIn(msgspec.Struct, forbid_unknown_fields=True):
    """Without labour hours the fault type's standard hours apply; without distance, the decision's."""

    labour_hours: Decimal | None = None
    parts: list[QuotePartIn] = msgspec.field(default_factory=list)
    distance_km: Decimal | None = None


class QuoteLineOut(msgspec.Struct):
    kind: str
    description: str
    quantity: float
    unit: str
    unit_price: float
    amount: float
    note: str


class QuoteOut(msgspec.Struct):
    """``total``/amounts are numbers in ``currency`` (exact to the cent); ``token`` only on issue."""

    id: uuid.UUID
    ticket_id: uuid.UUID
    status: str
    total: float
    currency: str
    lines: list[QuoteLineOut]
    rules: list[str]
    expires_at: datetime
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    channel: str | None
    note: str | None
    override_reason: str | None
    token: str | None = None
    confirm_path: str | None = None

    @classmethod
    def of(cls, row: Quote, token: str | None = None) -> QuoteOut:
        return cls(
            id=row.id,
            ticket_id=row.ticket_id,
            status=row.status,
            total=float(row.total),
            currency=row.currency,
            lines=[
                QuoteLineOut(
                    line["kind"],
                    line["description"],
                    float(line["quantity"]),
                    line["unit"],
                    float(line["unit_price"]),
                    float(line["amount"]),
                    line["note"],
                )
                for line in row.lines
            ],
            rules=list(row.rules),
            expires_at=row.expires_at,
            created_by=row.created_by,
            created_at=row.created_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            channel=row.channel,
            note=row.note,
            override_reason=row.override_reason,
            token=token,
            confirm_path=f"/api/v1/quotes/confirm/{token}" if token else None,
        )


class PublicQuoteOut(msgspec.Struct):
    """What the customer's link shows: the plan and the fee, no internal names."""

    id: uuid.UUID
    status: str
    total: float
    currency: str
    lines: list[QuoteLineOut]
    expires_at: datetime

    @classmethod
    def of(cls, row: Quote) -> PublicQuoteOut:
        full = QuoteOut.of(row)
        return cls(full.id, full.status, full.total, full.currency, full.lines, full.expires_at)


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    channel: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class CustomerAnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class OverrideIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class RecallIn(msgspec.Struct, forbid_unknown_fields=True):
    """``batch``, or ``model`` with a production-date range ``from``–``to`` (inclusive)."""

    defect: Text
    component: ClassId
    batch: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    model: Short | None = None
    from_: date | None = msgspec.field(name="from", default=None)
    to: date | None = None


class RecallAssetOut(msgspec.Struct):
    asset_id: uuid.UUID
    serial: str
    ticket_id: uuid.UUID | None
    ticket_number: str | None


class RecallOut(msgspec.Struct):
    id: uuid.UUID
    created: bool
    tickets_opened: int
    defect: str
    component: str
    batch: str | None
    model: str | None
    from_: date | None = msgspec.field(name="from")
    to: date | None = None
    assets: list[RecallAssetOut] = msgspec.field(default_factory=list)
    created_by: str = ""
    created_at: datetime | None = None

    @classmethod
    def of(
        cls, row: RecallCampaign, created: bool, opened: int, items: list[tuple[Asset, Ticket | None]]
    ) -> RecallOut:
        return cls(
            id=row.id,
            created=created,
            tickets_opened=opened,
            defect=row.defect,
            component=row.component_class,
            batch=row.batch,
            model=row.model,
            from_=row.date_from,
            to=row.date_to,
            assets=[
                RecallAssetOut(a.id, a.serial, t.id if t else None, f"AS-{t.number:06d}" if t else None)
                for a, t in items
            ],
            created_by=row.created_by,
            created_at=row.created_at,
        )


class ClaimIn(msgspec.Struct, forbid_unknown_fields=True):
    component: ClassId
    supplier: Short
    description: Text
    part_number: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class ClaimOut(msgspec.Struct):
    id: uuid.UUID
    ticket_id: uuid.UUID
    asset_id: uuid.UUID
    component: str
    supplier: str
    part_number: str | None
    description: str
    status: str
    recorded_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: SupplierClaim) -> ClaimOut:
        return cls(
            row.id,
            row.ticket_id,
            row.asset_id,
            row.component_class,
            row.supplier,
            row.part_number,
            row.description,
            row.status,
            row.recorded_by,
            row.created_at,
        )


class CostIn(msgspec.Struct, forbid_unknown_fields=True):
    component: ClassId
    kind: str
    amount: Decimal
    supplier: Short | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class CostOut(msgspec.Struct):
    id: uuid.UUID
    ticket_id: uuid.UUID
    component: str
    supplier: str | None
    kind: str
    amount: float
    currency: str
    note: str | None
    recorded_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: InternalLoss) -> CostOut:
        return cls(
            row.id,
            row.ticket_id,
            row.component_class,
            row.supplier,
            row.kind,
            float(row.amount),
            row.currency,
            row.note,
            row.recorded_by,
            row.created_at,
        )
