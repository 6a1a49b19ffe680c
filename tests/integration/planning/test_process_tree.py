"""No process of ours outlives ``aftersales serve``: its job workers and their solves die with it.

``serve --job-workers 1`` starts a job worker (``api/worker.py``); a plan solve runs in a process
forked from the worker's forkserver (``dispatch/planning/solve_process.py``), beside
multiprocessing's resource tracker. After ``kill -9`` of ``serve`` (an OOM kill, a supervisor's
hard stop) none of them may live on as an orphan holding memory and database connections.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from tests.conftest import Auth
from tests.integration.console.server import serve
from tests.integration.helpers import YANTAI, call, site_at
from tests.processes import descendants, survivors


def _busy_solver(base_url: str, office: dict[str, str]) -> None:
    """A plan with a 60 s limit: its worker is mid-solve when ``serve`` is killed."""

    def post(path: str, body: dict[str, object]) -> dict[str, object]:
        response = httpx.post(f"{base_url}{path}", json=body, headers=office, timeout=10)
        assert response.status_code in (201, 202), response.text
        return dict(response.json())

    plant = post("/api/v1/plants", {"name": "Yantai", "location": YANTAI, "policy": "vehicle-500km"})
    for name in ("Wang", "Li"):
        home = site_at(5, azimuth=90)
        post(
            "/api/v1/technicians",
            {"name": name, "plant_id": plant["id"], "skills": ["hydraulic"], "home": home},
        )
    for km in (40, 60, 80, 100, 120, 140):
        post("/api/v1/tickets", call(str(plant["id"]), site_at(km, azimuth=200 + km)))
    post("/api/v1/plans", {"scope": {"plant_id": plant["id"]}, "time_limit_s": 60})


def test_kill_9_of_serve_leaves_no_process_behind(module_database: str, tmp_path: Path, auth: Auth) -> None:
    with serve(module_database, tmp_path / "home", job_workers=1) as served:
        _busy_solver(served.base_url, auth("dispatcher"))
        deadline = time.monotonic() + 30
        tree = descendants(served.process.pid)
        while len(tree) < 3 and time.monotonic() < deadline:  # job worker, forkserver, solve
            time.sleep(0.2)
            tree = descendants(served.process.pid)
        assert len(tree) >= 3, f"the job worker's solve did not start: {tree}"
        os.kill(served.process.pid, signal.SIGKILL)
        served.process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while survivors(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert survivors(tree) == [], "orphans after kill -9 of serve"
