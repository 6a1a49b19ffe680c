"""The distributed shape on one machine: two API processes and two job workers on loopback against
one PostgreSQL, as a deployment runs them on several machines (docs/operations.md).

- a plan solve survives ``kill -9`` of the worker that holds it: the other worker's sweep sees the
  missing heartbeat and the queue hands it the job, which it solves to the end;
- nothing is solved twice at once: a second plan of the same scope waits for the first (the
  queue's scope lock), and at no moment do two solves run;
- live events reach SSE clients of both APIs (plan progress included).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import SECRET, Auth
from tests.integration.console.server import SseReader, serve, sse
from tests.integration.helpers import YANTAI, call, site_at
from tests.processes import descendants, named

SOLVE = "plan-solve"
"""``dispatch/planning/solve_process.py`` names each solve process so."""


@contextlib.contextmanager
def job_workers(count: int, database_url: str, home: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``aftersales worker --concurrency 1`` × ``count``, with a fast heartbeat so that a dead
    worker is noticed in seconds (production: 10 s heartbeat, 30 s to declare it dead)."""
    env = {
        **os.environ,
        "AFTERSALES_HOME": str(home),
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_SECRET_KEY": SECRET,
        "AFTERSALES_DB_POOL_SIZE": "2",
        "AFTERSALES_WORKER_HEARTBEAT_S": "0.5",
        "AFTERSALES_WORKER_STALLED_AFTER_S": "3",
    }
    processes = []
    with contextlib.ExitStack() as logs:
        for number in range(count):
            log = logs.enter_context((home / f"worker-{number}.log").open("wb"))
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "worker", "--concurrency", "1"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        yield processes
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _post(base_url: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(f"{base_url}{path}", json=body, headers=headers, timeout=15)
    assert response.status_code in (201, 202), response.text
    return dict(response.json())


def _plan(base_url: str, plan_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.get(f"{base_url}/api/v1/plans/{plan_id}", headers=headers, timeout=15)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _world(base_url: str, headers: dict[str, str]) -> str:
    """A plant with two engineers and twelve tickets: enough for a solve to run its full limit."""
    plant = _post(
        base_url, "/api/v1/plants", {"name": "Yantai", "location": YANTAI, "policy": "vehicle-500km"}, headers
    )
    for name in ("Wang", "Li"):
        body = {
            "name": name,
            "plant_id": plant["id"],
            "skills": ["hydraulic"],
            "home": site_at(5, azimuth=90),
        }
        _post(base_url, "/api/v1/technicians", body, headers)
    for km in range(30, 150, 10):
        _post(base_url, "/api/v1/tickets", call(str(plant["id"]), site_at(km, azimuth=180 + km)), headers)
    return str(plant["id"])


def _solves(workers: list[subprocess.Popen[bytes]]) -> dict[int, list[int]]:
    """Worker pid → the solve processes running under it."""
    return {w.pid: named(descendants(w.pid), SOLVE) for w in workers}


def _workers_seen(base_url: str, expected: int, timeout: float = 30) -> int:
    """``/health``'s count of live job workers, once it is ``expected`` (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        seen = int(httpx.get(f"{base_url}/health", timeout=5).json()["jobs"]["workers"])
        if seen == expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.2)


def _plan_events(reader: SseReader, plan_id: str, until_status: str, timeout: float) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not seen or seen[-1]["status"] != until_status:
        event = reader.until(lambda e: e.event == "plans", timeout=max(0.1, deadline - time.monotonic()))
        data = json.loads(event.data)["data"]
        if data["id"] == plan_id:
            seen.append(data)
    return seen


def test_a_solve_survives_kill_9_of_its_worker_and_nothing_is_solved_twice(
    database_url: str, tmp_path: Path, auth: Auth
) -> None:
    office = auth("dispatcher")
    with (
        serve(database_url, tmp_path / "api-a") as api_a,
        serve(database_url, tmp_path / "api-b") as api_b,
        job_workers(2, database_url, tmp_path) as workers,
        sse(api_a.base_url, office) as stream_a,
        sse(api_b.base_url, office) as stream_b,
    ):
        assert _workers_seen(api_a.base_url, 2) == 2
        plant_id = _world(api_a.base_url, office)
        first = _post(
            api_a.base_url, "/api/v1/plans", {"scope": {"plant_id": plant_id}, "time_limit_s": 12}, office
        )

        deadline = time.monotonic() + 30
        holders: list[int] = []
        while not holders and time.monotonic() < deadline:
            holders = [pid for pid, solves in _solves(workers).items() if solves]
            time.sleep(0.1)
        assert len(holders) == 1, f"one worker should hold the solve: {_solves(workers)}"
        assert _plan(api_b.base_url, first["id"], office)["status"] == "running"
        os.kill(holders[0], signal.SIGKILL)  # the machine of that worker is gone
        second = _post(
            api_b.base_url, "/api/v1/plans", {"scope": {"plant_id": plant_id}, "time_limit_s": 2}, office
        )

        most_at_once = 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running = sum(len(s) for s in _solves(workers).values())
            most_at_once = max(most_at_once, running)
            done = [_plan(api_b.base_url, p["id"], office) for p in (first, second)]
            if all(p["status"] in ("done", "failed") for p in done):
                break
            time.sleep(0.2)
        survivor = next(w for w in workers if w.pid != holders[0])
        log = (tmp_path / f"worker-{workers.index(survivor)}.log").read_text(errors="replace")[-2000:]
        assert done[0]["status"] == "done", (done[0], log)
        assert done[0]["attempts"] == 2 and done[0]["stats"]["attempt"] == 2, "the other worker finished it"
        assert done[0]["totals"]["stops"] + len(done[0]["unassigned"]) == 12
        assert done[1]["status"] == "done" and done[1]["attempts"] == 1
        assert most_at_once == 1, "two solves ran at once (one scope is solved by one worker at a time)"
        assert survivor.poll() is None, "the surviving worker is still serving"
        assert _workers_seen(api_b.base_url, 1) == 1, "/health counts the live worker only"

        for stream in (stream_a, stream_b):  # both APIs stream the plan to their consoles
            events = _plan_events(stream, first["id"], "done", timeout=10)
            assert events[-1]["progress"] == 1.0
