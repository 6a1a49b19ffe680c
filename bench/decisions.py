"""Decision speed: the pure decision in-process, the nearest-outlet query, the whole preview.

    aftersales bench decisions [--outlets 10000] [--n 20000]

Prints one JSON line per measurement. Targets: ≤ 50 µs per in-process decision.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.network_seed import YANTAI, prepare, random_site
from dispatch.access.principal import Principal, Role
from dispatch.tickets.decision import DecisionInput, OutletCandidate, decide
from dispatch.tickets.intake import Urgency
from dispatch.tickets.policy import DispatchPolicyRegistry
from dispatch.tickets.preview import PlantFactsCache, PreviewService
from dispatch.tickets.service import PreviewRequest
from geo.coordinates import LonLat
from storage.read_pool import ReadPool
from storage.repositories.network import OutletRepository, PreviewReads


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_pure(n: int) -> dict[str, object]:
    policy = DispatchPolicyRegistry.load().get("vehicle-500km")
    rng = random.Random(1)
    plant = LonLat(*YANTAI)
    tz = ZoneInfo("Asia/Shanghai")
    requests = []
    for _ in range(n):
        site = LonLat(*random_site(rng))
        candidates = [
            OutletCandidate(
                uuid.uuid4(), "o", LonLat(site.lon + rng.uniform(-2, 2), site.lat + rng.uniform(-2, 2))
            )
            for _ in range(8)
        ]
        request = DecisionInput(uuid.uuid4(), plant, site, datetime.now(UTC), Urgency.NORMAL, tz)
        requests.append((request, candidates))
    start = time.perf_counter()
    for request, candidates in requests:
        decide(policy, request, candidates)
    elapsed = time.perf_counter() - start
    return {
        "measure": "pure decision (8 outlet candidates)",
        "n": n,
        "us_per_decision": round(elapsed / n * 1e6, 1),
        "decisions_per_s": round(n / elapsed),
    }


async def bench_database(url: str, plant_id: uuid.UUID, n: int, outlets: int) -> list[dict[str, object]]:
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    engine = create_async_engine(url)
    rng = random.Random(2)
    sites = [LonLat(*random_site(rng)) for _ in range(n)]
    knn: list[float] = []
    preview: list[float] = []
    policies = DispatchPolicyRegistry.load()
    caller = Principal("bench", Role.DISPATCHER)
    async with AsyncSession(engine) as session:
        outlets_repo = OutletRepository(session)
        for site in sites[:200]:  # warm-up
            await outlets_repo.serving(plant_id, site)
        for site in sites:
            start = time.perf_counter()
            await outlets_repo.serving(plant_id, site)
            knn.append(time.perf_counter() - start)
    pool = ReadPool.beside(engine, max_size=1)
    service = PreviewService(PreviewReads(pool), policies, PlantFactsCache(ttl_s=0))
    for site in sites:
        start = time.perf_counter()
        await service.preview(caller, PreviewRequest(plant_id, site))
        preview.append(time.perf_counter() - start)
    await pool.close()
    await engine.dispose()

    def summary(name: str, samples: list[float]) -> dict[str, object]:
        return {
            "measure": name,
            "outlets": outlets,
            "n": len(samples),
            "median_ms": round(statistics.median(samples) * 1000, 3),
            "p99_ms": round(percentile(samples, 0.99) * 1000, 3),
            "per_s_one_connection": round(len(samples) / sum(samples)),
        }

    return [
        summary("nearest covering outlets (PostGIS KNN + coverage filter)", knn),
        summary("preview in-process (plant load + KNN + decision)", preview),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftersales bench decisions", description=__doc__)
    parser.add_argument("--outlets", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=20_000, help="pure decisions to time")
    parser.add_argument("--queries", type=int, default=2_000, help="database queries to time")
    parser.add_argument("--home", type=Path, default=Path("var"))
    parser.add_argument("--database", default="bench", help="database in the embedded cluster")
    args = parser.parse_args(argv)
    print(json.dumps(bench_pure(args.n), ensure_ascii=False))
    url, plant_id = prepare(args.home, args.database, args.outlets)
    for line in asyncio.run(bench_database(url, plant_id, args.queries, args.outlets)):
        print(json.dumps(line, ensure_ascii=False))
    return 0
