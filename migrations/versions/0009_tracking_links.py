"""customer tracking links: token hash → ticket

Revision ID: 0009_tracking_links
Revises: 0008_merge
Create Date: 2026-11-23 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_tracking_links"
down_revision: str | None = "0008_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No geometry: the page's positions come from latest_positions (0003_field).
    op.create_table(
        "tracking_links",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hours_after_completion", sa.Integer(), server_default="24", nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_tracking_links_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tracking_links_token_hash")),
    )
    op.create_index(op.f("ix_tracking_links_ticket_id"), "tracking_links", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tracking_links_ticket_id"), table_name="tracking_links")
    op.drop_table("tracking_links")
