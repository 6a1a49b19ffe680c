"""One plan solve in its own process, talking back over a pipe: progress while it searches, then
the outcome.

The search is CPU-bound Python and C++ for up to minutes; in the job worker's process it would
starve the event loop, and with it the worker's heartbeat (the queue would think the worker dead
and hand the job to another). So each solve gets a process of its own, forked from a
``forkserver`` that preloaded the solver (fast to start, and never a fork of a threaded process
holding connections). The process dies with the worker, even on ``kill -9``
(``dispatch/planning/lifeline.py``), and the worker kills it when the solve overruns its limit.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

from anyio import to_thread

from dispatch.planning.lifeline import die_with_parent, name_process
from dispatch.planning.snapshot import Snapshot
from dispatch.planning.worker import PlanOutcome, SearchProgress, run_plan

PROCESS_NAME = "plan-solve"
"""What ``ps -o comm`` shows for a running solve."""
PRELOAD = ["dispatch.planning.lifeline", "dispatch.planning.worker"]
"""The forkserver imports these once (lifeline first: it then dies with its parent)."""


@dataclass(frozen=True, slots=True)
class SolveFailed:
    """The solve raised: the exception's type and text (the traceback is in the worker's log)."""

    detail: str


Message = SearchProgress | PlanOutcome | SolveFailed


def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _solve(
    pipe: Connection,
    worker_pid: int,
    snapshot: Snapshot,
    time_limit_s: float,
    initial_routes: Mapping[str, Sequence[str]] | None,
) -> None:
    """The child: solve and send every message over the pipe."""
    die_with_parent(worker_pid)
    name_process(PROCESS_NAME)
    try:
        outcome = run_plan(snapshot, time_limit_s, initial_routes, progress=pipe.send)
    except Exception as error:  # the parent turns it into the plan's failure
        pipe.send(SolveFailed(f"{type(error).__name__}: {error}"))
        raise
    pipe.send(outcome)


class SolveProcess:
    """A running solve: ``receive`` its messages, ``stop`` it."""

    def __init__(self, process: BaseProcess, pipe: Connection) -> None:
        self.process = process
        self.pipe = pipe

    @classmethod
    def start(
        cls,
        snapshot: Snapshot,
        time_limit_s: float,
        initial_routes: Mapping[str, Sequence[str]] | None,
    ) -> SolveProcess:
        mine, theirs = multiprocessing.Pipe(duplex=False)
        process = _context().Process(
            target=_solve,
            args=(theirs, os.getpid(), snapshot, time_limit_s, initial_routes),
            name="aftersales-solve",
            daemon=True,
        )
        process.start()
        theirs.close()  # only the child writes: end-of-file once it is gone
        return cls(process, mine)

    async def receive(self, timeout_s: float) -> Message | None:
        """The next message, or None when none came within ``timeout_s``.

        Raises ``EOFError`` when the process ended without a last word (killed, out of memory)."""
        if not await to_thread.run_sync(self.pipe.poll, timeout_s):
            return None
        message: Message = self.pipe.recv()
        return message

    def stop(self) -> None:
        """Kill the process if it still runs and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.pipe.close()
