"""ticket clock states: what the clock sweep last saw of each clock, and its escalation step

Revision ID: 0014_clock_sweep
Revises: 0013_working_calendar
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_clock_sweep"
down_revision: str | None = "0013_working_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_clock_states",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_clock_states_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "name", name=op.f("pk_ticket_clock_states")),
    )


def downgrade() -> None:
    op.drop_table("ticket_clock_states")
