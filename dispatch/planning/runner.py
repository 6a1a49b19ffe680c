"""A plan's solve as a job on the queue: claim the plan, solve in a process of its own, report
progress to the plan row, write the result.

The job (``planning.solve``, run by ``aftersales worker``) carries only the plan's id: the
snapshot it solves was saved with the plan when it was queued. Each write is its own short unit of
work (``storage/unit_of_work.py``) and is fenced by the attempt number the claim returned, so when
the queue hands a stalled worker's job to another worker, only the newer solve can write. A job
killed with its worker is retried by the queue (``api/worker.py``); a retried job of a plan that
already ended does nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch.planning.snapshot import from_json
from dispatch.planning.solve_process import SolveFailed, SolveProcess
from dispatch.planning.worker import PlanOutcome, SearchProgress
from storage.repositories.planning import PlanRepository
from storage.unit_of_work import unit_of_work

logger = logging.getLogger("aftersales.planning")

SOLVE_TASK = "planning.solve"
SOLVE_QUEUE = "plans"
GRACE_S = 30.0
"""How long past its time limit a solve may run before the job gives up on it."""
LISTEN_S = 1.0
"""How often the job looks at the solve when it has nothing to say (time limit checks)."""


def scope_lock(plant_id: uuid.UUID, outlet_id: uuid.UUID | None) -> str:
    """The queue lock of a scope: two solves of one scope never run at the same time."""
    return f"plan-scope:{plant_id}:{outlet_id or ''}"


class PlanRunner:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]) -> None:
        self.sessions = sessions
        self.clock = clock

    async def _claim(self, plan_id: uuid.UUID) -> tuple[dict[str, Any], float, int] | None:
        async with unit_of_work(self.sessions) as session:
            claimed = await PlanRepository(session).claim(plan_id, self.clock())
            if claimed is None:
                return None
            plan, attempt = claimed
            return dict(plan.inputs), float(plan.time_limit_s), attempt

    async def _write(self, plan_id: uuid.UUID, attempt: int, **values: Any) -> bool:
        async with unit_of_work(self.sessions) as session:
            return await PlanRepository(session).write_attempt(plan_id, attempt, **values)

    async def fail(self, plan_id: uuid.UUID, attempt: int, reason: str, detail: str) -> None:
        await self._write(
            plan_id,
            attempt,
            status="failed",
            stage=reason,
            error={"reason": reason, "detail": detail},
            finished_at=self.clock(),
        )

    async def give_up(self, plan_id: uuid.UUID, detail: str) -> None:
        """The job failed for the last time: the plan ends as failed, whoever claimed it."""
        async with unit_of_work(self.sessions) as session:
            await PlanRepository(session).end_unfinished(
                plan_id,
                status="failed",
                stage="job_failed",
                error={"reason": "job_failed", "detail": detail},
                finished_at=self.clock(),
            )

    async def run(self, plan_id: uuid.UUID) -> None:
        """Solve the plan unless it has ended; errors of the infrastructure propagate (the queue
        retries the job), the solve's own outcome — even a failure — ends the plan."""
        claimed = await self._claim(plan_id)
        if claimed is None:
            logger.info("plan %s has ended already: nothing to solve", plan_id)
            return
        inputs, time_limit_s, attempt = claimed
        snapshot = from_json(inputs["snapshot"])
        seeds = inputs.get("initial_routes")
        process = SolveProcess.start(snapshot, time_limit_s, seeds)
        try:
            await self._follow(plan_id, attempt, process, time_limit_s)
        finally:
            process.stop()

    async def _follow(self, plan_id: uuid.UUID, attempt: int, process: SolveProcess, limit_s: float) -> None:
        started = time.monotonic()
        while True:
            try:
                message = await process.receive(LISTEN_S)
            except EOFError:
                await self.fail(plan_id, attempt, "worker_lost", "the solver process died (memory?)")
                return
            if isinstance(message, PlanOutcome):
                await self._finish(plan_id, attempt, message)
                return
            if isinstance(message, SolveFailed):
                await self.fail(plan_id, attempt, "internal_error", message.detail)
                return
            if isinstance(message, SearchProgress):
                written = await self._write(
                    plan_id, attempt, progress=message.fraction, search=asdict(message)
                )
                if not written:  # another worker holds the plan now, or it was ended
                    logger.warning("plan %s attempt %s was taken over: stopping", plan_id, attempt)
                    return
            if time.monotonic() - started > limit_s + GRACE_S:
                await self.fail(plan_id, attempt, "timeout", f"no answer {GRACE_S:g} s after the time limit")
                return

    async def _finish(self, plan_id: uuid.UUID, attempt: int, outcome: PlanOutcome) -> None:
        if outcome.violations:
            # The validator gates publishing: a plan it rejects is never shown as a plan.
            await self.fail(plan_id, attempt, "validation_failed", "; ".join(outcome.violations[:10]))
            return
        outcome.result["stats"]["seconds"] = round(outcome.seconds, 3)
        outcome.result["stats"]["worker_peak_rss_mb"] = round(outcome.peak_rss_mb, 1)
        outcome.result["stats"]["attempt"] = attempt
        await self._write(
            plan_id,
            attempt,
            status="done",
            stage="done",
            progress=1.0,
            result=outcome.result,
            finished_at=self.clock(),
        )
