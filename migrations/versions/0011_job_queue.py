"""job queue: procrastinate's schema, and plans that record their solve attempts and progress

Revision ID: 0011_job_queue
Revises: 0010_tracking_link_lifetime
Create Date: 2026-12-06 15:00:00

Background work runs on procrastinate's PostgreSQL queue (ADR 0014). Its schema is the SQL the
pinned procrastinate release ships (``procrastinate/sql/schema.sql``); a later release's upgrade
is a new revision applying that release's files from ``procrastinate/sql/migrations``.

``plans.attempts`` is the fencing token of a solve: a worker claims the plan by incrementing it
and every write of that solve is conditional on the number it claimed, so a worker that lost its
job to another (it stalled, the job was retried elsewhere) can no longer write.
``plans.search`` is the running search's progress (best cost, unassigned, teams done); a
trigger streams each plan's progress and end on the live channel (topic ``plans``) so the
console's progress bar moves without polling.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.job_queue import queue_schema_sql

revision: str = "0011_job_queue"
down_revision: str | None = "0010_tracking_link_lifetime"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROP_QUEUE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                WHERE p.proname LIKE 'procrastinate\\_%' LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
    END LOOP;
    FOR item IN SELECT t.typname FROM pg_type t
                WHERE t.typname LIKE 'procrastinate\\_%' AND t.typtype IN ('e', 'c') LOOP
        EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(item.typname) || ' CASCADE';
    END LOOP;
END $$;
"""


PLAN_EVENTS = """
CREATE FUNCTION live_plan_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM live_publish('plans',
        CASE WHEN TG_OP = 'INSERT' THEN 'plan.created' ELSE 'plan.updated' END,
        NEW.id,
        jsonb_build_object(
            'id', NEW.id, 'scope_type', NEW.scope_type, 'plant_id', NEW.plant_id,
            'outlet_id', NEW.outlet_id, 'status', NEW.status, 'stage', NEW.stage,
            'progress', NEW.progress, 'search', NEW.search, 'attempts', NEW.attempts,
            'time_limit_s', NEW.time_limit_s));
    RETURN NULL;
END $$;

CREATE TRIGGER plans_live AFTER INSERT OR UPDATE OF status, stage, progress, search ON plans
    FOR EACH ROW EXECUTE FUNCTION live_plan_event();
"""


def upgrade() -> None:
    op.execute(queue_schema_sql())
    op.add_column("plans", sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    op.add_column("plans", sa.Column("search", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute(PLAN_EVENTS)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS plans_live ON plans")
    op.execute("DROP FUNCTION IF EXISTS live_plan_event()")
    op.drop_column("plans", "search")
    op.drop_column("plans", "attempts")
    op.execute(DROP_QUEUE)
