"""Dispatch previews over HTTP: throughput and latency of `POST /api/v1/dispatch/preview`.

    aftersales bench http_preview [--outlets 10000] [--workers 2] [--seconds 20] [--connections 8]
                                  [--server granian|uvicorn]

Starts a real `aftersales serve` process (N workers; `--server` picks the ASGI server, else
serve's default) on a free loopback port against a benchmark database with N outlets in the
embedded cluster, then loads it with `wrk` (Debian package `wrk`; installed on demand when we
are root) using a different random site per request. Prints one JSON line: the rate and
latencies, and the CPU each preview cost — the served processes' and the PostgreSQL cluster's
CPU time during the run (``bench/cpu.py``, from /proc) divided by the requests — beside the
machine's load average. On a shared machine the rate depends on the neighbours; the CPU per
preview hardly does. Target (2 cores): ≤ 0.5 ms of CPU per preview in total, i.e. ≥ 3,000/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from api.auth import issue_token
from api.serving import served
from bench.cpu import CpuMeter, load_average, postmaster_pid
from bench.network_seed import prepare, random_site
from dispatch.access.principal import Role
from storage.embedded import ClusterLayout

LUA = """
local bodies = {}
local n = 0
for line in io.lines("%(sites)s") do n = n + 1; bodies[n] = line end
local i = 0
request = function()
  i = i %% n + 1
  return wrk.format("POST", "/api/v1/dispatch/preview", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(token)s"}, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status, summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftersales bench http_preview", description=__doc__)
    parser.add_argument("--outlets", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["granian", "uvicorn"], default=None, help="serve's default")
    parser.add_argument(
        "--log-level", default="warning", help="serve's; at info every request is in the access log"
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--home", type=Path, default=Path("var"))
    parser.add_argument("--database", default="bench", help="database in the embedded cluster")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    url, plant_id = prepare(args.home, args.database, args.outlets)
    secret = "bench-secret-0123456789-0123456789-0123456789"
    token = issue_token(secret, Role.DISPATCHER, subject="bench")
    work = Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
    rng = random.Random(3)
    with (work / "sites.jsonl").open("w") as sites:
        for _ in range(5000):
            lon, lat = random_site(rng)
            sites.write(json.dumps({"plant_id": str(plant_id), "site": {"lon": lon, "lat": lat}}) + "\n")
    (work / "preview.lua").write_text(LUA % {"sites": work / "sites.jsonl", "token": token})

    env = {
        "AFTERSALES_DATABASE_URL": url,
        "AFTERSALES_SECRET_KEY": secret,
        "AFTERSALES_HOME": str(args.home),
    }
    postmaster = postmaster_pid(ClusterLayout.under(args.home).data_dir)
    load_before = load_average()
    try:
        with served(
            env, workers=args.workers, stop_timeout_s=30, server=args.server, log_level=args.log_level
        ) as server:
            base = server.base_url
            warm = [wrk, "-t1", "-c8", "-d3s", "-s", str(work / "preview.lua"), base]
            subprocess.run(warm, check=True, capture_output=True)
            run = [
                wrk,
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                "-s",
                str(work / "preview.lua"),
                base,
            ]
            meter = CpuMeter({"api": server.process.pid, "postgres": postmaster})
            meter.start()
            output = subprocess.run(run, check=True, capture_output=True, text=True).stdout
            meter.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    requests, duration_us, p50_us, p99_us, status_errors, timeouts = map(int, match.groups())
    print(
        json.dumps(
            {
                "measure": "POST /api/v1/dispatch/preview over HTTP",
                "outlets": args.outlets,
                "server": args.server or "default",
                "workers": args.workers,
                "log_level": args.log_level,
                "connections": args.connections,
                "seconds": round(duration_us / 1e6, 1),
                "requests": requests,
                "previews_per_s": round(requests / (duration_us / 1e6)),
                "p50_ms": round(p50_us / 1000, 2),
                "p99_ms": round(p99_us / 1000, 2),
                "non_2xx": status_errors,
                "timeouts": timeouts,
                "cpu_ms_per_request": meter.per_request_ms(requests),
                "load_average_before": load_before,
                "load_average": load_average(),
            }
        )
    )
    return 0
