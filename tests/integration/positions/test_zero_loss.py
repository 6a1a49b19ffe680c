"""Zero loss: every acknowledged position is in the database after the server process
is killed with SIGKILL in the middle of a load (a real ``aftersales serve`` process)."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from api.auth import issue_token
from api.serving import served
from dispatch.access.principal import Role
from storage.migrate import sync_url
from tests.conftest import SECRET


def test_every_acknowledged_position_survives_sigkill(database_url: str, tmp_path: Path) -> None:
    env = {
        "AFTERSALES_DATABASE_URL": database_url,
        "AFTERSALES_SECRET_KEY": SECRET,
        "AFTERSALES_HOME": str(tmp_path),
        "AFTERSALES_DB_POOL_SIZE": "4",
    }
    acknowledged: list[tuple[str, datetime]] = []  # (technician id, fix time)
    with served(env) as instance:
        server, base = instance.process, instance.base_url
        admin = {"Authorization": f"Bearer {issue_token(SECRET, Role.ADMIN)}"}
        with httpx.Client(base_url=base, headers=admin, timeout=10) as http:
            plant = http.post(
                "/api/v1/plants",
                json={"name": "Yantai", "location": {"lon": 121.4, "lat": 37.4}, "policy": "vehicle-500km"},
            ).json()
            technician = http.post(
                "/api/v1/technicians",
                json={"name": "Wang", "plant_id": plant["id"], "home": {"lon": 121.4, "lat": 37.4}},
            ).json()["id"]
        start = datetime.now(UTC) - timedelta(hours=1)
        stop = threading.Event()
        lock = threading.Lock()

        def load(offset: int) -> None:
            """Batches of 100 positions; a batch counts only when the server answered 200."""
            n = 0
            with httpx.Client(base_url=base, headers=admin, timeout=10) as http:
                while not stop.is_set():
                    times = [start + timedelta(milliseconds=offset + 7 * (n + i)) for i in range(100)]
                    body: dict[str, Any] = {
                        "positions": [
                            {
                                "technician_id": technician,
                                "lon": 121.4,
                                "lat": 37.4,
                                "fix_time": t.isoformat(),
                            }
                            for t in times
                        ]
                    }
                    n += 100
                    try:
                        answer = http.post("/api/v1/positions", json=body)
                    except httpx.HTTPError:
                        return  # the server is gone: this batch was never acknowledged
                    if answer.status_code == 200:
                        with lock:
                            acknowledged.extend((technician, t) for t in times)

        threads = [threading.Thread(target=load, args=(k,)) for k in range(3)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 1500 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    assert len(acknowledged) >= 1500, "the load did not get going before the kill"
    url = sync_url(database_url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        stored = {
            (str(tech), fix)
            for tech, fix in connection.execute("SELECT technician_id, fix_time FROM positions").fetchall()
        }
    missing = [key for key in acknowledged if key not in stored]
    assert missing == [], f"{len(missing)} acknowledged positions lost"
