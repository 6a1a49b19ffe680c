"""A real job worker (``api/worker.py``, as ``aftersales worker`` runs it) on a thread of the test
process, for tests whose requests queue background work (plan solves, thumbnails)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from api.settings import Settings
from api.worker import run_worker

STOP_TIMEOUT_S = 30.0


@contextmanager
def job_worker(settings: Settings, concurrency: int = 2) -> Iterator[None]:
    """Run jobs until the block ends; then stop the worker as SIGTERM would (running jobs get a
    few seconds, then are aborted for a retry)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.Task[None]] = {}
    failure: list[BaseException] = []

    def main() -> None:
        asyncio.set_event_loop(loop)
        task = loop.create_task(
            run_worker(
                settings, concurrency=concurrency, graceful_timeout_s=3.0, install_signal_handlers=False
            )
        )
        holder["task"] = task
        started.set()
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass
        except BaseException as error:  # reported by the test that owns the worker
            failure.append(error)
        finally:
            loop.close()

    thread = threading.Thread(target=main, name="test-job-worker", daemon=True)
    thread.start()
    started.wait()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(holder["task"].cancel)
        thread.join(STOP_TIMEOUT_S)
        assert not thread.is_alive(), "the job worker did not stop"
        assert not failure, f"the job worker failed: {failure[0]!r}"
