"""live events: a short journal of ticket/work-order/position changes, announced by pg_notify

Revision ID: 0005_live
Revises: 0001
Create Date: 2026-11-23 15:30:00

Triggers write one row to ``live_events`` per change and ``pg_notify('aftersales_live', …)`` its
id and summary, so every API process listening on the channel fans the same event out to its SSE
subscribers; ``Last-Event-ID`` resumes from the journal. Tickets belong to 0001 and get their
trigger here. ``work_orders`` and ``latest_positions`` belong to another branch (0003_field): the
function ``live_attach()`` attaches their triggers only to the tables that exist, is called here,
and must be called again by the merge revision (it is idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_live"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "aftersales_live"

FUNCTIONS = f"""
CREATE FUNCTION live_publish(p_topic text, p_kind text, p_subject uuid, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event_id bigint;
    event_at timestamptz := clock_timestamp();
BEGIN
    INSERT INTO live_events (topic, kind, subject, data, at)
    VALUES (p_topic, p_kind, p_subject, p_data, event_at) RETURNING live_events.id INTO event_id;
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'id', event_id, 'topic', p_topic, 'kind', p_kind, 'subject', p_subject, 'at', event_at,
        'data', p_data)::text);
    -- keep the journal short: about one insert in 500 removes what is older than a day
    IF random() < 0.002 THEN
        DELETE FROM live_events WHERE at < now() - interval '1 day';
    END IF;
END $$;

CREATE FUNCTION live_ticket_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_publish('tickets',
        CASE WHEN TG_OP = 'INSERT' THEN 'ticket.created' ELSE 'ticket.updated' END,
        NEW.id,
        jsonb_build_object(
            'id', NEW.id, 'number', NEW.number, 'plant_id', NEW.plant_id, 'outlet_id', NEW.outlet_id,
            'status', NEW.status, 'urgency', NEW.urgency, 'mode', NEW.mode,
            'fault_type', NEW.fault_type,
            'lon', ST_X(NEW.site::geometry), 'lat', ST_Y(NEW.site::geometry),
            'reported_at', NEW.reported_at, 'arrival_deadline', NEW.arrival_deadline,
            'previous_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END));
    RETURN NULL;
END $$;

CREATE FUNCTION live_work_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_publish('work_orders',
        CASE WHEN TG_OP = 'INSERT' THEN 'work_order.created' ELSE 'work_order.updated' END,
        NEW.id,
        jsonb_build_object(
            'id', NEW.id, 'ticket_id', NEW.ticket_id, 'technician_id', NEW.technician_id,
            'state', NEW.state, 'arrived_at', NEW.arrived_at, 'completed_at', NEW.completed_at));
    RETURN NULL;
END $$;

CREATE FUNCTION live_position_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_publish('positions', 'position', NEW.technician_id,
        jsonb_build_object(
            'technician_id', NEW.technician_id, 'lon', NEW.lon, 'lat', NEW.lat,
            'heading', NEW.heading, 'speed_mps', NEW.speed_mps, 'fix_time', NEW.fix_time));
    RETURN NULL;
END $$;

CREATE FUNCTION live_attach() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('public.work_orders') IS NOT NULL THEN
        DROP TRIGGER IF EXISTS work_orders_live ON work_orders;
        CREATE TRIGGER work_orders_live AFTER INSERT OR UPDATE OF state, technician_id, arrived_at,
            completed_at ON work_orders FOR EACH ROW EXECUTE FUNCTION live_work_order_event();
    END IF;
    IF to_regclass('public.latest_positions') IS NOT NULL THEN
        DROP TRIGGER IF EXISTS latest_positions_live ON latest_positions;
        CREATE TRIGGER latest_positions_live AFTER INSERT OR UPDATE ON latest_positions
            FOR EACH ROW EXECUTE FUNCTION live_position_event();
    END IF;
END $$;
"""

TICKET_TRIGGERS = """
CREATE TRIGGER tickets_live_insert AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION live_ticket_event();
CREATE TRIGGER tickets_live_update AFTER UPDATE ON tickets
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status
        OR OLD.arrival_deadline IS DISTINCT FROM NEW.arrival_deadline
        OR OLD.outlet_id IS DISTINCT FROM NEW.outlet_id
        OR OLD.mode IS DISTINCT FROM NEW.mode
        OR OLD.urgency IS DISTINCT FROM NEW.urgency)
    EXECUTE FUNCTION live_ticket_event();
"""


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Uuid(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_events")),
    )
    op.create_index(op.f("ix_live_events_at"), "live_events", ["at"], unique=False)
    op.execute(FUNCTIONS)
    op.execute(TICKET_TRIGGERS)
    op.execute("SELECT live_attach()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS tickets_live_update ON tickets")
    op.execute("DROP TRIGGER IF EXISTS tickets_live_insert ON tickets")
    op.execute(
        "DO $$ BEGIN "
        "IF to_regclass('public.work_orders') IS NOT NULL THEN "
        "DROP TRIGGER IF EXISTS work_orders_live ON work_orders; END IF; "
        "IF to_regclass('public.latest_positions') IS NOT NULL THEN "
        "DROP TRIGGER IF EXISTS latest_positions_live ON latest_positions; END IF; "
        "END $$"
    )
    for name in ("live_attach()", "live_position_event()", "live_work_order_event()", "live_ticket_event()"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS live_publish(text, text, uuid, jsonb)")
    op.drop_index(op.f("ix_live_events_at"), table_name="live_events")
    op.drop_table("live_events")
