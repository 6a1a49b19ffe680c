"""warranty: ticket components, downtime, entitlements, exclusions, quotes, losses, claims, recalls

Revision ID: 0002_warranty
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_warranty"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[sa.Uuid[object]]:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _created() -> sa.Column[sa.DateTime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=unique)


def upgrade() -> None:
    op.create_table(
        "ticket_components",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("ticket_components", "ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("ticket_id", "class_id", name=op.f("pk_ticket_components")),
    )
    op.create_table(
        "asset_downtime",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        _id(),
        _created(),
        sa.CheckConstraint("ended_at >= started_at", name=op.f("ck_asset_downtime_period_order")),
        _fk("asset_downtime", "asset_id", "assets"),
        _fk("asset_downtime", "ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_downtime")),
    )
    _index("asset_downtime", "asset_id")
    _index("asset_downtime", "ticket_id")
    op.create_table(
        "warranty_entitlements",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("charge", sa.String(length=20), nullable=False),
        sa.Column("policy_name", sa.String(length=100), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("components", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("visit_free_rule", sa.String(length=20), nullable=True),
        sa.Column("uses_free_visit", sa.Boolean(), nullable=False),
        sa.Column("free_visits_left", sa.Integer(), nullable=False),
        sa.Column("preferential_parts", sa.Boolean(), nullable=False),
        sa.Column("needs_confirmation", sa.Boolean(), nullable=False),
        sa.Column("evaluated_by", sa.String(length=200), nullable=False),
        _id(),
        _created(),
        _fk("warranty_entitlements", "ticket_id", "tickets"),
        _fk("warranty_entitlements", "asset_id", "assets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warranty_entitlements")),
        sa.UniqueConstraint("seq", name=op.f("uq_warranty_entitlements_seq")),
    )
    _index("warranty_entitlements", "ticket_id")
    _index("warranty_entitlements", "asset_id")
    op.create_table(
        "warranty_exclusions",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("component_class", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        _id(),
        _created(),
        _fk("warranty_exclusions", "ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warranty_exclusions")),
    )
    _index("warranty_exclusions", "ticket_id")
    op.create_table(
        "quotes",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("entitlement_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        _id(),
        _created(),
        _fk("quotes", "ticket_id", "tickets"),
        _fk("quotes", "entitlement_id", "warranty_entitlements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_quotes_token_sha256")),
    )
    _index("quotes", "ticket_id")
    op.create_table(
        "internal_losses",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("component_class", sa.String(length=100), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        _id(),
        _created(),
        _fk("internal_losses", "ticket_id", "tickets"),
        _fk("internal_losses", "asset_id", "assets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internal_losses")),
    )
    _index("internal_losses", "ticket_id")
    _index("internal_losses", "asset_id")
    _index("internal_losses", "supplier")
    op.create_table(
        "supplier_claims",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("component_class", sa.String(length=100), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("part_number", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        _id(),
        _created(),
        _fk("supplier_claims", "ticket_id", "tickets"),
        _fk("supplier_claims", "asset_id", "assets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_claims")),
        sa.UniqueConstraint(
            "ticket_id",
            "component_class",
            "supplier",
            name=op.f("uq_supplier_claims_ticket_id_component_class_supplier"),
        ),
    )
    _index("supplier_claims", "ticket_id")
    _index("supplier_claims", "asset_id")
    _index("supplier_claims", "supplier")
    op.create_table(
        "recall_campaigns",
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("batch", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("defect", sa.Text(), nullable=False),
        sa.Column("component_class", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        _id(),
        _created(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_campaigns")),
        sa.UniqueConstraint("key", name=op.f("uq_recall_campaigns_key")),
    )
    op.create_table(
        "recall_items",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        _fk("recall_items", "campaign_id", "recall_campaigns"),
        _fk("recall_items", "asset_id", "assets"),
        _fk("recall_items", "ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_items")),
        sa.UniqueConstraint("campaign_id", "asset_id", name=op.f("uq_recall_items_campaign_id_asset_id")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_recall_items_ticket_id")),
    )
    _index("recall_items", "campaign_id")
    _index("recall_items", "asset_id")


def downgrade() -> None:
    for table in (
        "recall_items",
        "recall_campaigns",
        "supplier_claims",
        "internal_losses",
        "quotes",
        "warranty_exclusions",
        "warranty_entitlements",
        "asset_downtime",
        "ticket_components",
    ):
        op.drop_table(table)
