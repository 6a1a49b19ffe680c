"""field work: work orders, their events, devices, partitioned positions, latest positions

Revision ID: 0003_field
Revises: 0001
Create Date: 2026-11-23 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

revision: str = "0003_field"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Monthly partitions of ``positions`` (by fix time), made on demand by the service and ahead of
# time here. The advisory lock serialises concurrent creators; the caller commits right after.
ENSURE_PARTITION = """
CREATE FUNCTION ensure_positions_partition(at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    next_day timestamptz := first_day + interval '1 month';
    name text := 'positions_' || to_char(first_day AT TIME ZONE 'UTC', 'YYYY"m"MM');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('positions_partitions'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF positions FOR VALUES FROM (%L) TO (%L)',
            name, first_day, next_day
        );
    END IF;
    RETURN name;
END $$;
"""


def point(nullable: bool) -> Geography:
    return Geography(
        geometry_type="POINT",
        srid=4326,
        dimension=2,
        spatial_index=False,
        from_text="ST_GeogFromText",
        name="geography",
        nullable=nullable,
    )


def upgrade() -> None:
    op.execute("CREATE SEQUENCE work_order_revision_seq")
    op.create_table(
        "work_orders",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column(
            "revision",
            sa.BigInteger(),
            server_default=sa.text("nextval('work_order_revision_seq')"),
            nullable=False,
        ),
        sa.Column("fault_type", sa.String(length=30), nullable=True),
        sa.Column("requires_welding", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("plan", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("readiness", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("former_technician_ids", sa.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("checklist", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column(
            "parts_reported", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("test_run_done", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("product_check_done", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("signature_ref", sa.Text(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("paused_from", sa.String(length=30), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrival_source", sa.String(length=10), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("last_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_work_orders_technician_id_technicians")
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_work_orders_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
    )
    op.create_index(op.f("ix_work_orders_ticket_id"), "work_orders", ["ticket_id"])
    op.create_index(op.f("ix_work_orders_technician_id"), "work_orders", ["technician_id"])
    op.create_index(op.f("ix_work_orders_state"), "work_orders", ["state"])
    op.create_index(op.f("ix_work_orders_revision"), "work_orders", ["revision"])

    op.create_geospatial_table(
        "work_order_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=200), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("server_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sla_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_source", sa.String(length=10), nullable=True),
        sa.Column("position", point(nullable=True), nullable=True),
        sa.Column("previous_state", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("allowed", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("details", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_work_order_events_work_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_work_order_events_seq")),
    )
    op.create_index(op.f("ix_work_order_events_work_order_id"), "work_order_events", ["work_order_id"])
    op.create_geospatial_index(
        "idx_work_order_events_position",
        "work_order_events",
        ["position"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )

    op.create_table(
        "devices",
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("protocol", sa.String(length=20), nullable=False),
        sa.Column("speed_unit", sa.String(length=10), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("client_key", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_devices_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("secret", name=op.f("uq_devices_secret")),
    )
    op.create_index(op.f("ix_devices_technician_id"), "devices", ["technician_id"])

    # No geometry column and no foreign keys here on purpose: the track is read by technician
    # and time, and ingest speed matters (bench). Spatial questions use latest_positions.
    op.create_table(
        "positions",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("accuracy_m", sa.REAL(), nullable=True),
        sa.Column("speed_mps", sa.REAL(), nullable=True),
        sa.Column("heading", sa.REAL(), nullable=True),
        sa.Column("altitude_m", sa.REAL(), nullable=True),
        sa.Column("battery", sa.REAL(), nullable=True),
        sa.Column("flags", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("device_id", "fix_time", name="pk_positions"),
        postgresql_partition_by="RANGE (fix_time)",
    )
    op.create_index("ix_positions_technician_id_fix_time", "positions", ["technician_id", "fix_time"])
    op.execute(ENSURE_PARTITION)
    # This month and the next two exist from the start; later months are made on demand.
    op.execute(
        "SELECT ensure_positions_partition(now() + make_interval(months => m)) FROM generate_series(0, 2) m"
    )

    op.create_geospatial_table(
        "latest_positions",
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("position", point(nullable=False), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("accuracy_m", sa.REAL(), nullable=True),
        sa.Column("speed_mps", sa.REAL(), nullable=True),
        sa.Column("heading", sa.REAL(), nullable=True),
        sa.Column("altitude_m", sa.REAL(), nullable=True),
        sa.Column("battery", sa.REAL(), nullable=True),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_latest_positions_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("technician_id", name=op.f("pk_latest_positions")),
    )
    op.create_geospatial_index(
        "idx_latest_positions_position",
        "latest_positions",
        ["position"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "idx_latest_positions_position",
        table_name="latest_positions",
        postgresql_using="gist",
        column_name="position",
    )
    op.drop_geospatial_table("latest_positions")
    op.execute("DROP TABLE positions CASCADE")  # with every partition
    op.execute("DROP FUNCTION ensure_positions_partition(timestamptz)")
    op.drop_index(op.f("ix_devices_technician_id"), table_name="devices")
    op.drop_table("devices")
    op.drop_geospatial_index(
        "idx_work_order_events_position",
        table_name="work_order_events",
        postgresql_using="gist",
        column_name="position",
    )
    op.drop_index(op.f("ix_work_order_events_work_order_id"), table_name="work_order_events")
    op.drop_geospatial_table("work_order_events")
    for column in ("revision", "state", "technician_id", "ticket_id"):
        op.drop_index(op.f(f"ix_work_orders_{column}"), table_name="work_orders")
    op.drop_table("work_orders")
    op.execute("DROP SEQUENCE work_order_revision_seq")
