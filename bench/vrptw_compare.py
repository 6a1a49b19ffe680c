"""Our search beside PyVRP (and VROOM) on the same VRPTW instances, interleaved in one run.

Usage: ``python -m bench.vrptw_compare FILE… --time-limit S [--seed N] [--solver ours|pyvrp|vroom]…
[--workers N]``. The default solvers are ours and PyVRP. For every instance each solver runs in
turn, so all of them see the same machine load (a time-limited search gives worse answers on a
loaded machine; running them one after the other in the same process is the only fair
comparison on shared cores). With ``--workers N`` (N > 1) ours also runs with N worker processes,
printed as ``ours×N`` beside the single-core figure.

Prints the same JSON lines as ``bench.vrptw`` plus ``solver`` and ``load`` (the one-minute load
average when the solver finished), then a table on stderr: per instance, each solver's vehicles /
distance / gap %, and per solver the median / mean / max gap. Benchmark-only dependencies
(``pip install pyvrp pyvroom``; measured with pyvrp 0.14.1 and pyvroom 1.15.2), imported lazily
so the project never needs them. Both read the instance through our own reader so the distances
are the same DIMACS integers (floor(10·euclid), tenths) and the routes are re-costed and checked
by our validator, not taken on the solver's word. Each runs on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.vrptw import load_bks, parser, with_gap
from dispatch.planning.routing import Solution, SolveParams, solve
from dispatch.planning.routing.schedule import Infeasible, schedule
from dispatch.planning.routing.validate import validate
from dispatch.planning.routing.vrplib import Instance, read_instance, route_distance, tenths


def _pyvrp(path: Path, seconds: float, seed: int) -> list[list[int]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    # PyVRP's own reader with its DIMACS rounding (floor of 10·euclid): the same integers.
    data = pyvrp.read(path, round_func="dimacs")
    res = pyvrp.Model.from_data(data).solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    # A client activity's ``idx`` counts clients only; its location is ``num_depots + idx``,
    # which for one depot is the .sol customer id (file node id - 1).
    return [[data.num_depots + a.idx for a in r.schedule() if a.is_client()] for r in res.best.routes()]


def _vroom(inst: Instance, seconds: float) -> list[list[int]]:
    import vroom

    p = inst.problem
    shift = p.vehicles[0].shifts[0]
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=np.asarray(p.matrix.seconds))
    for k, veh in enumerate(p.vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=0,
                end=0,
                capacity=[veh.capacity or 0],
                time_window=vroom.TimeWindow(shift.start_s, shift.end_s),
            )
        )
    for v in p.visits:
        w = v.windows[0]
        problem.add_job(
            vroom.Job(
                id=int(v.id),
                location=v.location,
                default_service=v.service_s,
                delivery=[v.demand],
                time_windows=[vroom.TimeWindow(w.start_s, w.end_s)],
            )
        )
    sol: Any = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=seconds))
    routes: dict[int, list[int]] = {}
    for step in sol.to_dict()["routes"]:
        for s in step["steps"]:
            if s["type"] == "job":
                routes.setdefault(step["vehicle"], []).append(int(s["id"]))
    return list(routes.values())


def check(inst: Instance, routes: list[list[int]]) -> bool:
    """Our validator's verdict on routes given as customer ids."""
    p = inst.problem
    by_id = {v.id: v for v in p.visits}
    if len(routes) > len(p.vehicles):
        return False
    try:
        planned = [
            schedule(p, veh, [by_id[str(c)] for c in r]) for veh, r in zip(p.vehicles, routes, strict=False)
        ]
    except (Infeasible, KeyError):
        return False
    planned += [schedule(p, veh, []) for veh in p.vehicles[len(routes) :]]
    plan = Solution(tuple(planned), (), sum(r.distance for r in planned), sum(r.travel_s for r in planned))
    return not validate(p, plan)


def _ours(
    inst: Instance, seconds: float, seed: int, workers: int
) -> tuple[list[list[int]], dict[str, object]]:
    """Our solver (own search, then OR-Tools) with ``workers`` processes; routes and what our
    own search alone reached (``own_distance``), to show what OR-Tools' last seconds add."""
    params = SolveParams(time_limit_s=seconds, seed=seed, workers=workers)
    plan = solve(inst.problem, params)
    extra: dict[str, object] = {}
    if "own_distance" in plan.stats:
        extra["own_distance"] = tenths(int(plan.stats["own_distance"]))
    return [[int(s.visit_id) for s in r.stops] for r in plan.routes if r.stops], extra


def _run(
    name: str, path: Path, inst: Instance, args: argparse.Namespace
) -> tuple[list[list[int]], dict[str, object]]:
    """Routes (customer ids) of one solver on one instance, and solver-specific extras."""
    if name == "pyvrp":
        return _pyvrp(path, args.time_limit, args.seed), {}
    if name == "vroom":
        return _vroom(inst, args.time_limit), {}
    workers = int(name.partition("×")[2] or 1)
    return _ours(inst, args.time_limit, args.seed, workers)


def _fmt(row: dict[str, object] | None) -> str:
    if row is None:
        return "–"
    gap = row.get("gap_pct", "?")
    mark = "" if row["feasible"] else " INFEASIBLE"
    return f"{row['vehicles']} / {row['distance']} / {gap}{mark}"


def table(rows: list[dict[str, object]], solvers: list[str]) -> str:
    """Markdown table: per instance each solver's vehicles / distance / gap %, then statistics."""
    by: dict[str, dict[str, dict[str, object]]] = {}
    for r in rows:
        by.setdefault(str(r["instance"]), {})[str(r["solver"])] = r
    head = "| instance | BKS | " + " | ".join(f"{s} (veh / dist / gap %) | load" for s in solvers) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(solvers))]
    for inst, got in by.items():
        first = next(iter(got.values()))
        cells = [f"{_fmt(got.get(s))} | {got[s]['load'] if s in got else '–'}" for s in solvers]
        lines.append(f"| {inst} | {first.get('bks', '?')} | " + " | ".join(cells) + " |")
    stats = []
    for s in solvers:
        gaps = [float(g) for r in rows if r["solver"] == s and isinstance(g := r.get("gap_pct"), float)]
        loads = [float(r["load"]) for r in rows if r["solver"] == s]  # type: ignore[arg-type]
        if gaps:
            stats.append(
                f"**{statistics.median(gaps):.2f}** (mean {statistics.mean(gaps):.2f}, max {max(gaps):.2f})"
                f" | {statistics.mean(loads):.1f}"
            )
        else:
            stats.append("– | –")
    lines.append("| **median** (mean, max); mean load | | " + " | ".join(stats) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the chosen solvers on each file in turn; one JSON line per (solver, instance)."""
    ap = parser("python -m bench.vrptw_compare")
    ap.add_argument("--solver", choices=("ours", "pyvrp", "vroom"), action="append")
    args = ap.parse_args(argv)
    solvers: list[str] = list(args.solver or ["ours", "pyvrp"])
    if args.workers > 1 and "ours" in solvers:
        solvers.insert(solvers.index("ours") + 1, f"ours×{args.workers}")
    bks = load_bks(args.bks, args.files)
    rows: list[dict[str, object]] = []
    for path in args.files:
        inst = read_instance(path)
        for name in solvers:
            started = time.perf_counter()
            found, extra = _run(name, path, inst, args)
            routes = [r for r in found if r]
            row = with_gap(
                {
                    "solver": name,
                    "instance": inst.name,
                    "vehicles": len(routes),
                    "distance": tenths(route_distance(inst, routes)),
                    "routes": routes,
                    "seconds": round(time.perf_counter() - started, 2),
                    "feasible": check(inst, routes),
                    "load": round(os.getloadavg()[0], 2),
                    **extra,
                },
                bks,
            )
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(table(rows, solvers), file=sys.stderr)
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
