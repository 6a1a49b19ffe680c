"""Position ingest over HTTP: batches of 100 on `POST /api/v1/positions`, and OsmAnd one by one.

    aftersales bench positions [--workers 2] [--seconds 15] [--connections 16] [--technicians 50]
                               [--only batch|osmand] [--server granian|uvicorn]

Starts a real `aftersales serve` process (its default server, N workers) on a free loopback port
against a benchmark database in the embedded cluster, registers technicians and OsmAnd devices over HTTP,
then loads it with `wrk` (Debian package `wrk`): first batches of 100 positions with distinct
fix times, then single OsmAnd query-string requests. The stored row count is read back from the
database, so the figure is positions *stored*, not requests sent. Prints one JSON line per run.
Target (2 cores, `wrk` on the same machine): ≥ 30,000 positions/s batched with p99 ≤ 100 ms per
batch; ≥ 2,000 positions/s one by one over OsmAnd.

Beside each figure: the CPU the server's processes and PostgreSQL's spent per request
(``bench/cpu.py``; the figure that does not depend on what else runs: two cores serve about
2,000 ms / ``total`` requests a second, less what `wrk` takes), and the machine's load average
(1 minute) just before the run and just after it.
"Before" is what other work on the machine was doing; "after" includes the benchmark itself
(server, database and `wrk`), so on two idle cores it ends near 2. Compare figures only at
similar "before" loads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from api.auth import issue_token
from api.serving import served
from bench.cpu import CpuMeter, load_average, postmaster_pid
from bench.http_preview import ensure_wrk
from bench.network_seed import prepare
from dispatch.access.principal import Role
from storage.embedded import ClusterLayout

BATCH_LUA = """
local technicians = {%(technicians)s}
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
request = function()
  local items = {}
  for i = 1, 100 do
    counter = counter + 1
    local tech = technicians[(counter %% #technicians) + 1]
    local at = %(base_ms)d + counter * 16 + thread_id
    local lon = 121.0 + (counter %% 1000) / 100000
    items[i] = string.format(
      '{"technician_id":"%%s","lon":%%.6f,"lat":37.4,"fix_time":%%d,"speed_mps":12.5,"accuracy_m":8}',
      tech, lon, at)
  end
  return wrk.format("POST", "/api/v1/positions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(token)s"}, '{"positions":[' .. table.concat(items, ",") .. ']}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status, summary.errors.timeout))
end
"""

OSMAND_LUA = """
local secrets = {%(secrets)s}
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
request = function()
  counter = counter + 1
  local secret = secrets[(counter %% #secrets) + 1]
  local at = %(base_ms)d + counter * 16 + thread_id
  local path = string.format(
    "/track/osmand/%%s?id=bench&lat=37.4&lon=%%.6f&timestamp=%%d&speed=20&accuracy=8&batt=80",
    secret, 121.0 + (counter %% 1000) / 100000, at)
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status, summary.errors.timeout))
end
"""


def count_positions(url: str) -> int:
    with psycopg.connect(url.replace("postgresql+asyncpg://", "postgresql://")) as connection:
        row = connection.execute("SELECT count(*) FROM positions").fetchone()
        return int(row[0]) if row else 0


def register(base: str, token: str, plant_id: str, technicians: int) -> tuple[list[str], list[str]]:
    """Technicians and one OsmAnd device each (device secrets = the tail of their ingest URLs)."""
    headers = {"Authorization": f"Bearer {token}"}
    ids: list[str] = []
    secrets: list[str] = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for n in range(technicians):
            tech = http.post(
                "/api/v1/technicians",
                json={"name": f"bench {n}", "plant_id": plant_id, "home": {"lon": 121.4, "lat": 37.4}},
            )
            tech.raise_for_status()
            ids.append(tech.json()["id"])
            device = http.post(
                "/api/v1/devices", json={"technician_id": ids[-1], "protocol": "osmand", "speed_unit": "kmh"}
            )
            device.raise_for_status()
            secrets.append(device.json()["ingest_url"].rsplit("/", 1)[1])
    return ids, secrets


def run_wrk(wrk: str, script: Path, base: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        wrk,
        "-t2",
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    requests, duration_us, p50_us, p99_us, status_errors, timeouts = map(int, match.groups())
    return {
        "requests": requests,
        "seconds": duration_us / 1e6,
        "p50_ms": round(p50_us / 1000, 2),
        "p99_ms": round(p99_us / 1000, 2),
        "non_2xx": status_errors,
        "timeouts": timeouts,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftersales bench positions", description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["granian", "uvicorn"], default=None, help="serve's default")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--technicians", type=int, default=50)
    parser.add_argument("--home", type=Path, default=Path("var"))
    parser.add_argument("--only", choices=("batch", "osmand"), help="run one of the two loads")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    url, plant_id = prepare(args.home, "bench_positions", 0)
    secret = "bench-secret-0123456789-0123456789-0123456789"
    token = issue_token(secret, Role.ADMIN, subject="bench")
    work = Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
    env = {
        "AFTERSALES_DATABASE_URL": url,
        "AFTERSALES_SECRET_KEY": secret,
        "AFTERSALES_HOME": str(args.home),
        "AFTERSALES_RATE_LIMIT_INGEST_IP": "0",  # the load generator is one address: no abuse limit
    }
    try:
        postmaster = postmaster_pid(ClusterLayout.under(args.home).data_dir)
        with served(env, workers=args.workers, stop_timeout_s=30, server=args.server) as server:
            base = server.base_url
            technicians, secrets = register(base, token, str(plant_id), args.technicians)
            # Distinct fix times per run, in the past (fix times may not be more than a day ahead).
            base_ms = int((datetime.now(UTC) - timedelta(days=2)).timestamp() * 1000)
            quoted = ",".join(f'"{t}"' for t in technicians)
            batch_script = work / "batch.lua"
            batch_script.write_text(BATCH_LUA % {"technicians": quoted, "token": token, "base_ms": base_ms})
            osmand_script = work / "osmand.lua"
            osmand_script.write_text(
                OSMAND_LUA % {"secrets": ",".join(f'"{s}"' for s in secrets), "base_ms": base_ms + 1}
            )
            results = []
            runs = (
                ("batch", "batch of 100", batch_script, 100),
                ("osmand", "OsmAnd one by one", osmand_script, 1),
            )
            for key, name, script, per_request in runs:
                if args.only not in (None, key):
                    continue
                before = count_positions(url)
                load_before = load_average()
                meter = CpuMeter({"api": server.process.pid, "postgres": postmaster})
                meter.start()
                figures = run_wrk(wrk, script, base, args)
                meter.stop()
                load_after = load_average()
                time.sleep(0.5)
                stored = count_positions(url) - before
                results.append(
                    {
                        "measure": f"positions over HTTP, {name}",
                        "server": args.server or "default",
                        "workers": args.workers,
                        "connections": args.connections,
                        "positions_per_s": round(stored / figures["seconds"]),
                        "sent": figures["requests"] * per_request,
                        "stored": stored,
                        **{k: v for k, v in figures.items() if k != "requests"},
                        "seconds": round(figures["seconds"], 1),
                        "cpu_ms_per_request": meter.per_request_ms(figures["requests"]),
                        "load_before": load_before,
                        "load_after": load_after,
                        "cpus": os.cpu_count(),
                    }
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for result in results:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
