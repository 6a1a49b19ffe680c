"""Memory of the served process under parallel evidence uploads (filesystem object store, R-NW-1).

    aftersales bench uploads [--parallel 8] [--megabytes 19]

Starts a real ``aftersales serve`` (one worker) on a free loopback port against a benchmark
database in the embedded cluster and samples its resident memory (VmRSS of the process tree,
every 20 ms) while

1. ``--parallel`` clients PUT ``--megabytes`` MB each to upload URLs with a forged token: the
   token is refused from the headers (403) before any body byte is read;
2. ``--parallel`` clients PUT the same size to real one-time upload URLs: each body is streamed
   to disk in chunks, never held whole in memory.

Prints one JSON line: baseline, peak and settled RSS in MB per phase, and the answers' status
codes. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from api.auth import issue_token
from api.serving import served
from bench.network_seed import YANTAI, prepare
from dispatch.access.principal import Role

SECRET = "bench-secret-0123456789-0123456789-0123456789"
MB = 1024 * 1024


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and its descendants (from /proc), in MB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in family]
        family.update(children)
        frontier.extend(children)
    total_kb = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


class Sampler:
    """Samples ``tree_rss_mb(pid)`` in a thread; ``peak`` since the last ``reset``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> float:
        now = tree_rss_mb(self.pid)
        self.peak = now
        return now


def put(url: str, body: bytes, headers: dict[str, str]) -> str:
    try:
        return str(httpx.put(url, content=body, headers=headers, timeout=120).status_code)
    except httpx.HTTPError as error:  # the server may close a refused upload while we still send
        return type(error).__name__


def phase(
    sampler: Sampler, server: int, jobs: list[tuple[str, dict[str, str]]], body: bytes
) -> dict[str, Any]:
    before = sampler.reset()
    with ThreadPoolExecutor(len(jobs)) as pool:
        answers = list(pool.map(lambda job: put(job[0], body, job[1]), jobs))
    peak = sampler.peak
    time.sleep(1.0)
    return {
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_after_mb": round(tree_rss_mb(server), 1),
        "answers": sorted(set(answers)),
    }


def targets(base: str, plant_id: str, body: bytes, count: int) -> list[tuple[str, dict[str, str]]]:
    office = {"Authorization": f"Bearer {issue_token(SECRET, Role.DISPATCHER, subject='bench')}"}
    found: list[tuple[str, dict[str, str]]] = []
    with httpx.Client(base_url=base, headers=office, timeout=30) as http:
        call = {
            "plant_id": plant_id,
            "site": {"lon": YANTAI[0] + 0.5, "lat": YANTAI[1]},
            "fault": {"description": "hydraulic hose burst", "type": "hydraulic"},
            "urgency": "normal",
            "channel": "phone",
        }
        ticket = http.post("/api/v1/tickets", json=call)
        ticket.raise_for_status()
        for i in range(count):
            announced = http.post(
                f"/api/v1/tickets/{ticket.json()['id']}/evidence",
                json={
                    "kind": "before",
                    "filename": f"bench-{i}.jpg",
                    "content_type": "image/jpeg",
                    "size": len(body),
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "source": "camera",
                },
            )
            announced.raise_for_status()
            target = announced.json()
            found.append((str(target["upload_url"]), dict(target["headers"])))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--megabytes", type=float, default=19.0)
    parser.add_argument("--home", type=Path, default=Path("var"))
    args = parser.parse_args(argv)
    if not 1 <= args.parallel <= 64 or not 0 < args.megabytes < 20:
        raise SystemExit("--parallel must be 1 … 64 and --megabytes below the 20 MB evidence limit")
    url, plant_id = prepare(args.home, "bench_uploads", 0)
    env = {
        "AFTERSALES_DATABASE_URL": url,
        "AFTERSALES_SECRET_KEY": SECRET,
        "AFTERSALES_HOME": str(args.home),
    }
    with served(env) as server:
        base = server.base_url
        body = b"\xff\xd8\xff\xe0" + os.urandom(int(args.megabytes * MB) - 4)
        real = targets(base, str(plant_id), body, args.parallel)
        forged = [
            (f"{base}/api/v1/objects/uploads/forged{i}.AAAA", headers) for i, (_, headers) in enumerate(real)
        ]
        pid = server.process.pid
        with Sampler(pid) as sampler:
            result = {
                "parallel": args.parallel,
                "megabytes": args.megabytes,
                "forged_token": phase(sampler, pid, forged, body),
                "real_uploads": phase(sampler, pid, real, body),
            }
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
