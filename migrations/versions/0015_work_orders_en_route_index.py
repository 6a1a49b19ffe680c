"""work orders: a partial index on the technicians of en-route jobs

Revision ID: 0015_work_orders_en_route_index
Revises: 0014_clock_sweep
Create Date: 2026-11-29 09:00:00

Position ingest asks, for every group of fixes, which of their technicians are en route (only
those need the geofence, R-DI-2). With ``ix_work_orders_technician_id`` that reads every job a
technician ever had; this index holds only the en-route ones, so the answer stays cheap however
long the history grows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_work_orders_en_route_index"
down_revision: str | None = "0014_clock_sweep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_work_orders_en_route",
        "work_orders",
        ["technician_id"],
        postgresql_where=sa.text("state = 'en_route'"),
    )


def downgrade() -> None:
    op.drop_index("ix_work_orders_en_route", table_name="work_orders")
