"""1,000 customer tracking pages on SSE: how fast a posted position reaches all of them.

    aftersales bench track_sse [--subscribers 1000] [--rounds 5] [--workers 2]

Starts a real ``aftersales serve`` (uvicorn, N workers) on a free loopback port against a
benchmark database in the embedded cluster, sets up one engineer en route to one ticket and a
tracking link over HTTP, opens N concurrent ``GET /api/v1/track/{token}/events`` streams (raw
asyncio sockets, at most 100 connecting at once), then posts one position per round and times
until every stream has received the pushed ``track`` event. Prints one JSON line: p50/p99/max
delivery latency over all (subscriber, round) pairs and how many deliveries were missed.
Target (2 cores): p99 ≤ 1 s. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pyproj import Geod

from api.auth import issue_token
from api.serving import served
from bench.network_seed import YANTAI, prepare
from dispatch.access.principal import Role

MARK = b"event: track"
GEOD = Geod(ellps="WGS84")
SECRET = "bench-secret-0123456789-0123456789-0123456789"


def point(km: float) -> dict[str, float]:
    lon, lat, _ = GEOD.fwd(YANTAI[0], YANTAI[1], 240.0, km * 1000.0)
    return {"lon": lon, "lat": lat}


class Subscriber:
    def __init__(self) -> None:
        self.seen = 0
        self.arrivals: list[float] = []

    async def run(self, port: int, path: str, gate: asyncio.Semaphore) -> None:
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            await writer.drain()
        tail = b""
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                data = tail + chunk
                count = data.count(MARK) - tail.count(MARK)
                tail = data[-len(MARK) :]
                for _ in range(count):
                    self.seen += 1
                    self.arrivals.append(now)
        finally:
            writer.close()


async def load(args: argparse.Namespace, port: int, path: str, job: dict[str, Any]) -> dict[str, Any]:
    gate = asyncio.Semaphore(100)
    subscribers = [Subscriber() for _ in range(args.subscribers)]
    tasks = [asyncio.create_task(s.run(port, path, gate)) for s in subscribers]
    deadline = time.monotonic() + 120
    while sum(1 for s in subscribers if s.seen >= 1) < len(subscribers):  # each got its snapshot
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    connected = sum(1 for s in subscribers if s.seen >= 1)
    latencies: list[float] = []
    missed = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        for round_ in range(args.rounds):
            expected = [s.seen + 1 for s in subscribers]
            fix = {
                "technician_id": job["technician_id"],
                **point(100 - 0.5 * (round_ + 1)),
                "fix_time": (job["departed"] + timedelta(seconds=30 * (round_ + 1))).isoformat(),
            }
            started = time.perf_counter()
            answer = await http.post("/api/v1/positions", json={"positions": [fix]}, headers=job["engineer"])
            answer.raise_for_status()
            end = time.monotonic() + 10
            while time.monotonic() < end and any(  # noqa: ASYNC110 - a 10 ms poll bounds the timing error
                s.seen < want for s, want in zip(subscribers, expected, strict=True)
            ):
                await asyncio.sleep(0.01)
            for s, want in zip(subscribers, expected, strict=True):
                if s.seen >= want:
                    latencies.append(s.arrivals[want - 1] - started)
                else:
                    missed += 1
            await asyncio.sleep(1.0)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else None

    return {
        "suite": "track_sse",
        "subscribers": args.subscribers,
        "connected": connected,
        "rounds": args.rounds,
        "deliveries": len(latencies),
        "missed": missed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
        "workers": args.workers,
        "cpus": os.cpu_count(),
    }


def setup(base: str, plant_id: str) -> tuple[str, dict[str, Any]]:
    office = {"Authorization": f"Bearer {issue_token(SECRET, Role.DISPATCHER, subject='bench')}"}
    with httpx.Client(base_url=base, headers=office, timeout=30) as http:

        def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
            response = http.post(path, json=body, headers=headers)
            response.raise_for_status()
            return dict(response.json())

        call = {
            "plant_id": plant_id,
            "site": point(100),
            "fault": {"description": "hydraulic hose burst", "type": "hydraulic"},
            "urgency": "urgent",
            "channel": "phone",
        }
        ticket = post("/api/v1/tickets", call)
        tech = post("/api/v1/technicians", {"name": "Bench Zhang", "plant_id": plant_id, "home": point(0)})
        order = post("/api/v1/work-orders", {"ticket_id": ticket["id"], "technician_id": tech["id"]})
        engineer = {
            "Authorization": f"Bearer {issue_token(SECRET, Role.ENGINEER, technician_id=uuid.UUID(tech['id']))}"
        }
        departed = datetime.now(UTC) - timedelta(hours=1)
        for kind in ("accept", "depart"):
            body: dict[str, object] = {
                "id": str(uuid.uuid4()),
                "type": kind,
                "at": departed.isoformat(),
                "data": {},
            }
            post(f"/api/v1/work-orders/{order['id']}/events", body, engineer)
        token = post(f"/api/v1/tickets/{ticket['id']}/tracking-links", {})["token"]
    return token, {"technician_id": tech["id"], "engineer": engineer, "departed": departed}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftersales bench track_sse", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", type=Path, default=Path("var"))
    args = parser.parse_args(argv)
    if not 1 <= args.subscribers <= 5000:
        raise SystemExit("--subscribers must be 1 … 5000")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.subscribers + 256)), hard))

    url, plant_id = prepare(args.home, "bench_track", 0)
    env = {
        "AFTERSALES_DATABASE_URL": url,
        "AFTERSALES_SECRET_KEY": SECRET,
        "AFTERSALES_HOME": str(args.home),
        "AFTERSALES_RATE_LIMIT_TRACKING_IP": "0",  # N subscribers from one address: no abuse limit
        "AFTERSALES_RATE_LIMIT_TRACKING_TOKEN": "0",
    }
    with served(env, workers=args.workers) as server:
        base = server.base_url
        port = server.port
        token, job = setup(base, str(plant_id))
        result = asyncio.run(load(args, port, f"/api/v1/track/{token}/events", job))
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
