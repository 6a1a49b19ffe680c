"""route plans and technician absences

Revision ID: 0006_plans
Revises: 0003_field
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_plans"
down_revision: str | None = "0003_field"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No geometry here: routes are stored as GeoJSON inside ``result`` (read whole, never queried).
    op.create_table(
        "plans",
        sa.Column("scope_type", sa.String(length=10), nullable=False),
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("outlet_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.REAL(), server_default="0", nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("horizon_hours", sa.Integer(), nullable=False),
        sa.Column("time_limit_s", sa.REAL(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("scope_type IN ('plant', 'outlet')", name=op.f("ck_plans_scope_type")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'committed', 'superseded')",
            name=op.f("ck_plans_status"),
        ),
        sa.ForeignKeyConstraint(["plant_id"], ["plants.id"], name=op.f("fk_plans_plant_id_plants")),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlets.id"], name=op.f("fk_plans_outlet_id_outlets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index("ix_plans_plant_id_status", "plans", ["plant_id", "status"])
    op.create_index(op.f("ix_plans_outlet_id"), "plans", ["outlet_id"])

    op.create_table(
        "technician_absences",
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_technician_absences_ordered")),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_technician_absences_technician_id_technicians"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technician_absences")),
    )
    op.create_index(op.f("ix_technician_absences_technician_id"), "technician_absences", ["technician_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_technician_absences_technician_id"), table_name="technician_absences")
    op.drop_table("technician_absences")
    op.drop_index(op.f("ix_plans_outlet_id"), table_name="plans")
    op.drop_index("ix_plans_plant_id_status", table_name="plans")
    op.drop_table("plans")
