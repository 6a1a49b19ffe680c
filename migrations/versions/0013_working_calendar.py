"""working calendar: imported holiday notices, plants' working hours, tickets' first actions

Revision ID: 0013_working_calendar
Revises: 0012_notifications
Create Date: 2026-11-29 09:00:00

``calendar_years`` holds notices imported after the release was built (the packaged ones stay in
``dispatch/calendar/holidays_cn.toml``); ``plant_working_hours`` a plant's periods and zone (no
row: the default hours). ``tickets.responded_at`` / ``forwarded_at`` keep the response (R-IN-3)
and forwarding (R-IN-4) clocks; tickets made before this revision have neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_working_calendar"
down_revision: str | None = "0012_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("holidays", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("workdays", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "plant_working_hours",
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("periods", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["plant_id"],
            ["plants.id"],
            name=op.f("fk_plant_working_hours_plant_id_plants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plant_id", name=op.f("pk_plant_working_hours")),
    )
    op.add_column("tickets", sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tickets", sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "forwarded_at")
    op.drop_column("tickets", "responded_at")
    op.drop_table("plant_working_hours")
    op.drop_table("calendar_years")
