"""The durable job queue on PostgreSQL: procrastinate's tables, deferring a job inside a unit of
work, and what the queue tells about its workers (ADR 0014).

A job is deferred with the same transaction as the row it works on (a plan, an evidence item):
``JobQueue.defer`` calls procrastinate's own SQL function on the caller's session, so the job
exists exactly when the row does — no job for a rolled-back plan, no plan without its job. Workers
(``aftersales worker``) run the jobs through procrastinate's worker, on any machine that reaches
the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from procrastinate import PsycopgConnector
from procrastinate.schema import SchemaManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.migrate import sync_url

TABLE_PREFIX = "procrastinate_"
"""procrastinate's tables: created by migration 0011 from the pinned release, not by our models."""

_DEFER = text(
    """
    SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[
        ROW(:queue, :task, :priority, :lock, :queueing_lock, CAST(:args AS jsonb), :at)
    ]::procrastinate_job_to_defer_v1[])) AS id
    """
)


def queue_schema_sql() -> str:
    """The schema of the installed (pinned) procrastinate release, for the migration."""
    return SchemaManager.get_schema()


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+asyncpg://…``) as a plain libpq one for psycopg."""
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def connector(url: str, *, max_size: int = 4) -> PsycopgConnector:
    """procrastinate's connection pool for a worker (nothing connects before it is opened).

    ``max_size``: a worker holds one connection to LISTEN and one per job that talks to the queue
    at a time; the jobs' own database work goes through the service's engine."""
    return PsycopgConnector(conninfo=libpq_url(url), min_size=1, max_size=max_size)


class JobQueue:
    """Defers jobs on the unit of work's session: committed or rolled back with it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def defer(
        self,
        task: str,
        args: Mapping[str, Any],
        *,
        queue: str,
        lock: str | None = None,
        queueing_lock: str | None = None,
        priority: int = 0,
        at: datetime | None = None,
    ) -> int:
        """Queue ``task(**args)``; ``lock``: jobs sharing it never run at the same time."""
        row = await self.session.execute(
            _DEFER,
            {
                "queue": queue,
                "task": task,
                "priority": priority,
                "lock": lock,
                "queueing_lock": queueing_lock,
                "args": json.dumps(dict(args)),
                "at": at,
            },
        )
        return int(row.scalar_one())


@dataclass(frozen=True, slots=True)
class QueueHealth:
    """Workers with a recent heartbeat, and jobs waiting or running per queue."""

    workers: int
    waiting: dict[str, int]
    running: dict[str, int]


_HEALTH = text(
    """
    SELECT (SELECT count(*) FROM procrastinate_workers
             WHERE last_heartbeat > now() - make_interval(secs => :fresh_s)) AS workers,
           coalesce((SELECT json_object_agg(queue_name, n) FROM (
                SELECT queue_name, count(*) AS n FROM procrastinate_jobs
                 WHERE status = 'todo' GROUP BY queue_name) w), '{}') AS waiting,
           coalesce((SELECT json_object_agg(queue_name, n) FROM (
                SELECT queue_name, count(*) AS n FROM procrastinate_jobs
                 WHERE status = 'doing' GROUP BY queue_name) r), '{}') AS running
    """
)


async def queue_health(connection: AsyncConnection | AsyncSession, fresh_s: float) -> QueueHealth:
    """``fresh_s``: a heartbeat older than this is a worker that stalled or died."""
    row = (await connection.execute(_HEALTH, {"fresh_s": fresh_s})).one()
    return QueueHealth(int(row.workers), dict(row.waiting), dict(row.running))
