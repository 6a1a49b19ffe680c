"""Merge the branches that warranty, field work, evidence, live events and plans grew from 0001.

They were developed side by side, each revising 0001; from here the history is one line again.
``live_attach()`` runs once more so the live-event triggers reach tables created on the other
branches (work orders, latest positions), whatever order the branches were applied in.

Revision ID: 0008_merge
Revises: 0002_warranty, 0004_evidence, 0005_live, 0006_plans
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_merge"
down_revision: str | Sequence[str] | None = ("0002_warranty", "0004_evidence", "0005_live", "0006_plans")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SELECT live_attach()")


def downgrade() -> None:
    pass
