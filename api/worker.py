"""The job worker: ``aftersales worker`` runs the queue's jobs with the composition root's parts.

Every piece of background work is a job on procrastinate's PostgreSQL queue (ADR 0014): plan
solves (each in a process of its own), thumbnails, webhook deliveries, and the periodic maintenance — retention of
positions, evidence and finished jobs, next month's position partition, and the sweep that hands
a dead worker's jobs to a live one. Workers run on any machine that reaches the database; add
processes (``--concurrency``) or machines to scale, choose what each runs with ``--queues``.

Failure model: a job that raises is retried with exponential backoff; a worker that dies
(``kill -9``, a lost machine) stops its heartbeat, and after ``AFTERSALES_WORKER_STALLED_AFTER_S``
any live worker's sweep puts its running jobs back in the queue; on SIGTERM a worker stops taking
jobs, lets running ones finish for ``--graceful-timeout`` seconds, then aborts them for a retry.
Jobs sharing a lock (a plan's scope) never run at the same time.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import httpx
from procrastinate import App, JobContext, RetryStrategy

from api.composition import Components, build_components, database_url, running, ticket_clock_service
from api.settings import Settings
from dispatch.evidence.cleanup import remove_orphans
from dispatch.evidence.thumbnails import EVIDENCE_QUEUE, THUMBNAIL_TASK, make_stored_thumbnail
from dispatch.notifications.channels import Channels, EmailChannel, WebhookChannel, WeComChannel
from dispatch.notifications.service import (
    DELIVER_TASK,
    FAN_OUT_TASK,
    NOTIFICATIONS_QUEUE,
    deliver,
    fan_out,
)
from dispatch.planning.lifeline import die_with_parent
from dispatch.planning.runner import SOLVE_QUEUE, SOLVE_TASK, PlanRunner
from dispatch.positions.service import remove_old_positions
from dispatch.tickets.sweep import SWEEP_TASK, ClockSweep
from storage.job_queue import connector
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.positions import PositionRepository
from storage.unit_of_work import unit_of_work

logger = logging.getLogger("aftersales.worker")

MAINTENANCE_QUEUE = "maintenance"
QUEUES = (SOLVE_QUEUE, EVIDENCE_QUEUE, NOTIFICATIONS_QUEUE, MAINTENANCE_QUEUE)
"""Every queue a worker serves unless ``--queues`` narrows it."""

RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
"""2, 4, 8, 16, 32 s between attempts: a database restart or a full disk gets a minute."""
WEBHOOK_RETRY = RetryStrategy(max_attempts=8, exponential_wait=3)
"""3 s … 36 min between attempts (about 55 min in all): a receiver's deploy or outage is waited out."""
EVIDENCE_CLEANUP_GRACE = timedelta(hours=24)
"""An object nobody references and younger than this may still be an upload in flight."""
STALLED_SWEEP_CRON = "* * * * * */5"
"""Every five seconds (procrastinate's sixth cron column is seconds)."""


def _at(timestamp: int) -> datetime:
    """A periodic job's own scheduled time: its "now", whatever the wall clock says when it runs."""
    return datetime.fromtimestamp(timestamp, UTC)


def job_app(components: Components, http: httpx.AsyncClient) -> App:
    """The queue with every task this service runs, bound to ``components``; ``http`` is the
    worker's one client for notification deliveries (its connections are reused)."""
    settings = components.settings
    private = settings.webhook_allow_private
    channels = Channels(
        WebhookChannel(http, private), EmailChannel(settings.smtp()), WeComChannel(http, private)
    )
    app = App(connector=connector(database_url(settings), max_size=settings.worker_concurrency + 3))
    plans = PlanRunner(components.sessions, components.clock)

    @app.task(name=SOLVE_TASK, queue=SOLVE_QUEUE, retry=RETRY, pass_context=True)
    async def solve_plan(context: JobContext, plan_id: str) -> None:
        try:
            await plans.run(uuid.UUID(plan_id))
        except Exception as error:
            if context.job.attempts + 1 >= (RETRY.max_attempts or 1):
                await plans.give_up(uuid.UUID(plan_id), f"{type(error).__name__}: {error}")
            raise

    @app.task(name=THUMBNAIL_TASK, queue=EVIDENCE_QUEUE, retry=RETRY)
    async def thumbnail(evidence_id: str) -> None:
        await make_stored_thumbnail(
            uuid.UUID(evidence_id),
            components.sessions,
            components.object_store,
            components.evidence_config.max_bytes,
        )

    @app.task(name=FAN_OUT_TASK, queue=NOTIFICATIONS_QUEUE, retry=RETRY)
    async def notify(event_id: int) -> None:
        await fan_out(event_id, components.sessions)

    @app.task(name=DELIVER_TASK, queue=NOTIFICATIONS_QUEUE, retry=WEBHOOK_RETRY, pass_context=True)
    async def deliver_notification(context: JobContext, delivery_id: str) -> None:
        await deliver(
            uuid.UUID(delivery_id),
            components.sessions,
            channels,
            components.clock,
            last_attempt=context.job.attempts + 1 >= (WEBHOOK_RETRY.max_attempts or 1),
        )

    @app.periodic(cron=STALLED_SWEEP_CRON)
    @app.task(name="queue.retry_stalled", queue=MAINTENANCE_QUEUE)
    async def retry_stalled(timestamp: int) -> None:
        """Jobs of workers without a heartbeat go back to the queue, for a live worker."""
        manager = app.job_manager
        after = settings.worker_stalled_after_s
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=after):
            logger.warning("job %s (%s) lost its worker: queued again", job.id, job.task_name)
            await manager.retry_job(job)
        await manager.prune_stalled_workers(seconds_since_heartbeat=after)

    @app.periodic(cron="* * * * *")
    @app.task(name=SWEEP_TASK, queue=MAINTENANCE_QUEUE, retry=RETRY)
    async def clock_sweep(timestamp: int) -> None:
        """Every minute: open tickets' clocks judged, changes told, escalations climbed."""
        sweep = ClockSweep(components.sessions, lambda session: ticket_clock_service(session, components))
        report = await sweep.run(_at(timestamp))
        logger.info(
            "clock sweep: %d tickets, %d changes, %d escalations",
            report.tickets,
            report.changes,
            report.escalations,
        )

    @app.periodic(cron="7 0 * * *")
    @app.task(name="maintenance.position_partitions", queue=MAINTENANCE_QUEUE, retry=RETRY)
    async def position_partitions(timestamp: int) -> None:
        """This month's and next month's partitions exist before the first fix needs them."""
        now = _at(timestamp)
        async with unit_of_work(components.sessions) as session:
            await PositionRepository(session).ensure_partitions([now, now + timedelta(days=32)])

    @app.periodic(cron="17 3 * * *")
    @app.task(name="maintenance.position_retention", queue=MAINTENANCE_QUEUE, retry=RETRY)
    async def position_retention(timestamp: int) -> None:
        async with unit_of_work(components.sessions) as session:
            dropped, deleted = await remove_old_positions(
                PositionRepository(session), timedelta(days=settings.position_retention_days), _at(timestamp)
            )
        logger.info("position retention: %d partitions dropped, %d rows deleted", len(dropped), deleted)

    @app.periodic(cron="37 3 * * *")
    @app.task(name="maintenance.evidence_cleanup", queue=MAINTENANCE_QUEUE, retry=RETRY)
    async def evidence_cleanup(timestamp: int) -> None:
        async with unit_of_work(components.sessions) as session:
            report = await remove_orphans(
                EvidenceRepository(session),
                components.object_store,
                grace=EVIDENCE_CLEANUP_GRACE,
                now=_at(timestamp),
            )
        logger.info(
            "evidence cleanup: %d orphans removed, %d pending expired",
            len(report.removed),
            len(report.expired_rows),
        )

    @app.periodic(cron="47 3 * * *")
    @app.task(name="maintenance.job_retention", queue=MAINTENANCE_QUEUE, retry=RETRY)
    async def job_retention(timestamp: int) -> None:
        """Finished jobs are kept for inspection, then removed (failed ones too)."""
        await app.job_manager.delete_old_jobs(
            nb_hours=settings.job_retention_days * 24, include_failed=True, include_aborted=True
        )

    return app


def worker_name() -> str:
    """Host and pid: what an operator needs to find the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_worker(
    settings: Settings,
    *,
    concurrency: int | None = None,
    queues: Iterable[str] | None = None,
    graceful_timeout_s: float = 30.0,
    wait: bool = True,
    install_signal_handlers: bool = True,
) -> None:
    """Run jobs until stopped (SIGTERM/SIGINT), or with ``wait=False`` until the queues are empty."""
    components = build_components(settings)
    async with (
        httpx.AsyncClient(follow_redirects=False) as http,
        running(components),
        job_app(components, http).open_async() as app,
    ):
        await app.run_worker_async(
            queues=list(queues) if queues else list(QUEUES),
            concurrency=concurrency or settings.worker_concurrency,
            name=worker_name(),
            wait=wait,
            install_signal_handlers=install_signal_handlers,
            update_heartbeat_interval=settings.worker_heartbeat_s,
            stalled_worker_timeout=settings.worker_stalled_after_s,
            shutdown_graceful_timeout=graceful_timeout_s,
            fetch_job_polling_interval=5.0,
        )


def spawn(count: int, environ: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes beside ``serve`` (``--job-workers``), dying with it even on
    ``kill -9`` (the kernel's parent-death signal); ``environ`` names the database and secret."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            env=environ,
            preexec_fn=die_with_parent,
        )
        for _ in range(count)
    ]


def stop(processes: list[subprocess.Popen[bytes]], timeout_s: float) -> None:
    """SIGTERM (running jobs get ``timeout_s`` to finish), then SIGKILL what is left."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout_s + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
