"""The same VRPTW instances through PyVRP and VROOM, for a reproducible comparison.

Usage: ``python -m bench.vrptw_compare FILE… --time-limit S [--seed N] [--solver pyvrp|vroom]``.
Prints the same JSON lines as ``bench.vrptw`` plus ``solver``. Benchmark-only dependencies
(``pip install pyvrp pyvroom``; measured with pyvrp 0.14.1 and pyvroom 1.15.2), imported lazily
so the project never needs them. Both read the instance through our own reader so the distances
are the same DIMACS integers (floor(10·euclid), tenths) and the routes are re-costed and checked
by our validator, not taken on the solver's word. Each runs on one thread.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.vrptw import load_bks, parser, with_gap
from dispatch.planning.routing import Solution
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


def main(argv: list[str]) -> int:
    """Run the chosen solvers on each file; one JSON line per (solver, instance)."""
    ap = parser("python -m bench.vrptw_compare")
    ap.add_argument("--solver", choices=("pyvrp", "vroom"), action="append")
    args = ap.parse_args(argv)
    bks = load_bks(args.bks, args.files)
    gaps: dict[str, list[float]] = {}
    for path in args.files:
        inst = read_instance(path)
        for name in args.solver or ["pyvrp", "vroom"]:
            started = time.perf_counter()
            if name == "pyvrp":
                routes = _pyvrp(path, args.time_limit, args.seed)
            else:
                routes = _vroom(inst, args.time_limit)
            routes = [r for r in routes if r]
            row = with_gap(
                {
                    "solver": name,
                    "instance": inst.name,
                    "vehicles": len(routes),
                    "distance": tenths(route_distance(inst, routes)),
                    "routes": routes,
                    "seconds": round(time.perf_counter() - started, 2),
                    "feasible": check(inst, routes),
                },
                bks,
            )
            if "gap_pct" in row:
                gaps.setdefault(name, []).append(float(row["gap_pct"]))  # type: ignore[arg-type]
            print(json.dumps(row), flush=True)
    for name, g in gaps.items():
        print(f"{name}: median gap {statistics.median(g):.2f} % over {len(g)} instances", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
