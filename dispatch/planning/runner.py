"""Background plan jobs: the solve runs in the app's process pool, progress goes to the plan row.

A job is an asyncio task owned by the runner (not by the request), so it survives the request
that queued it; the CPU-bound work runs in a worker process, off the event loop. The runner
writes with its own short units of work (``storage/unit_of_work.py``). The composition root
builds it once (``api/composition.py``) and closes it with the app.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.planning.snapshot import Snapshot
from dispatch.planning.worker import PlanOutcome, run_plan
from storage.repositories.planning import PlanRepository
from storage.unit_of_work import unit_of_work

logger = logging.getLogger("aftersales.planning")

GRACE_S = 30.0
"""How long past its time limit a solve may run before the job gives up on it."""
PROGRESS_EVERY_S = 1.0


class PlanRunner:
    def __init__(self, pool: Executor, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.pool = pool
        self.sessions = sessions
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(
        self,
        plan_id: uuid.UUID,
        snapshot: Snapshot,
        time_limit_s: float,
        initial_routes: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """Queue the job (called after the request committed the plan row)."""
        task = asyncio.create_task(self.run(plan_id, snapshot, time_limit_s, initial_routes))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _write(self, plan_id: uuid.UUID, **values: Any) -> None:
        async with unit_of_work(self.sessions) as session:
            plan = await PlanRepository(session).get(plan_id, lock=True)
            for key, value in values.items():
                setattr(plan, key, value)

    async def run(
        self,
        plan_id: uuid.UUID,
        snapshot: Snapshot,
        time_limit_s: float,
        initial_routes: Mapping[str, Sequence[str]] | None,
    ) -> None:
        try:
            await self._run(plan_id, snapshot, time_limit_s, initial_routes)
        except asyncio.CancelledError:
            await asyncio.shield(self._fail(plan_id, "interrupted", "the service stopped during the solve"))
            raise
        except Exception as error:  # a job must end in a state, whatever happened
            logger.exception("plan %s failed", plan_id)
            await self._fail(plan_id, "internal_error", f"{type(error).__name__}: {error}")

    async def _fail(self, plan_id: uuid.UUID, reason: str, detail: str) -> None:
        await self._write(
            plan_id,
            status="failed",
            stage=reason,
            error={"reason": reason, "detail": detail},
            finished_at=datetime.now(UTC),
        )

    async def _run(
        self,
        plan_id: uuid.UUID,
        snapshot: Snapshot,
        time_limit_s: float,
        initial_routes: Mapping[str, Sequence[str]] | None,
    ) -> None:
        await self._write(
            plan_id, status="running", stage="solving", progress=0.05, started_at=datetime.now(UTC)
        )
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        future = loop.run_in_executor(self.pool, run_plan, snapshot, time_limit_s, initial_routes)
        while True:
            done, _ = await asyncio.wait({future}, timeout=PROGRESS_EVERY_S)
            if done:
                break
            elapsed = time.monotonic() - started
            if elapsed > time_limit_s + GRACE_S:
                future.cancel()
                await self._fail(plan_id, "timeout", f"no answer {GRACE_S:g} s after the time limit")
                return
            await self._write(plan_id, progress=round(min(0.95, 0.05 + 0.9 * elapsed / time_limit_s), 3))
        try:
            outcome: PlanOutcome = future.result()
        except BrokenProcessPool:
            await self._fail(plan_id, "worker_lost", "the worker process died (memory?)")
            return
        if outcome.violations:
            # The validator gates publishing: a plan it rejects is never shown as a plan.
            await self._fail(plan_id, "validation_failed", "; ".join(outcome.violations[:10]))
            return
        outcome.result["stats"]["seconds"] = round(outcome.seconds, 3)
        outcome.result["stats"]["worker_peak_rss_mb"] = round(outcome.peak_rss_mb, 1)
        await self._write(
            plan_id,
            status="done",
            stage="done",
            progress=1.0,
            result=outcome.result,
            finished_at=datetime.now(UTC),
        )
