"""tracking links: absolute lifetime and revocation

Revision ID: 0010_tracking_link_lifetime
Revises: 0009_tracking_links
Create Date: 2026-11-28 04:30:00

Links made before this revision get ``created_at`` + 14 days (the default of
``AFTERSALES_TRACKING_LINK_MAX_DAYS``) as their absolute end.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_tracking_link_lifetime"
down_revision: str | None = "0009_tracking_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tracking_links", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE tracking_links SET expires_at = created_at + interval '14 days'")
    op.alter_column("tracking_links", "expires_at", nullable=False)
    op.add_column("tracking_links", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tracking_links", sa.Column("revoked_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("tracking_links", "revoked_by")
    op.drop_column("tracking_links", "revoked_at")
    op.drop_column("tracking_links", "expires_at")
