"""Classic VRPTW benchmark files (VRPLIB/CVRPLIB ``.vrp`` and ``.sol``) into the same model.

DIMACS convention, as in ``bench/data/vrptw/README.md``: d(i, j) = floor(10 · euclid) / 10 and
travel time = distance. We keep *integer tenths* everywhere (times and windows are multiplied by
10 too), so the model stays integral and ``distance / 10`` is the figure compared with BKS. Each
of the ``VEHICLES`` vehicles is one shift from the depot's ready time to its due time with no
break, starting and ending at the depot; capacity and demands as given. Customer ids follow the
``.sol`` files: file node id − 1 (the depot, node 1, is 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from dispatch.planning.routing.errors import InvalidRoutingInput
from dispatch.planning.routing.model import Problem, RoutingMatrix, Shift, TimeWindow, Vehicle, Visit

SCALE = 10


@dataclass(frozen=True, slots=True)
class Instance:
    """A parsed instance: the routing problem plus what the benchmark needs to print."""

    name: str
    problem: Problem
    fleet: int


def _sections(text: str, path: str) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("_SECTION"):
            current = line
            sections[current] = []
        elif ":" in line and current is None:
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()
        elif current is not None:
            sections[current].append(line.split())
    for need in ("NODE_COORD_SECTION", "DEMAND_SECTION", "TIME_WINDOW_SECTION"):
        if need not in sections:
            raise InvalidRoutingInput(path, f"missing {need}")
    return header, sections


def distance_matrix(coords: np.ndarray) -> np.ndarray:
    """floor(10 · euclid) as int64: the DIMACS distance in tenths."""
    diff = coords[:, None, :] - coords[None, :, :]
    euclid = np.sqrt((diff.astype(np.float64) ** 2).sum(axis=2))
    # IEEE sqrt is correctly rounded, so exact distances (5.0) stay exact: plain floor, as PyVRP.
    out: np.ndarray = np.floor(euclid * SCALE).astype(np.int64)
    return out


def read_instance(path: str | Path) -> Instance:
    """Parse a VRPLIB CVRPTW file into a pure-VRPTW ``Problem`` (distances in tenths)."""
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as exc:
        raise InvalidRoutingInput(str(p), f"cannot read: {exc}") from None
    header, sec = _sections(text, str(p))
    try:
        coords = np.array([[float(r[1]), float(r[2])] for r in sec["NODE_COORD_SECTION"]])
        demand = [int(r[1]) for r in sec["DEMAND_SECTION"]]
        windows = [(int(r[1]), int(r[2])) for r in sec["TIME_WINDOW_SECTION"]]
        service = int(header.get("SERVICE_TIME", "0"))
        fleet = int(header.get("VEHICLES", str(len(coords))))
        capacity = int(header["CAPACITY"])
    except (KeyError, ValueError, IndexError) as exc:
        raise InvalidRoutingInput(str(p), f"malformed: {exc}") from None
    if service_section := sec.get("SERVICE_TIME_SECTION"):
        services = [int(r[1]) for r in service_section]
    else:
        services = [0] + [service] * (len(coords) - 1)
    n = len(coords)
    if not (len(demand) == len(windows) == len(services) == n) or n < 2:
        raise InvalidRoutingInput(str(p), "sections disagree on the number of nodes")
    dist = distance_matrix(coords)
    matrix = RoutingMatrix(dist, dist.copy(), np.ones((n, n), dtype=np.bool_))
    ready, due = windows[0]
    shift = Shift(ready * SCALE, due * SCALE)
    vehicles = tuple(Vehicle(f"v{k}", 0, 0, (shift,), capacity=capacity) for k in range(fleet))
    visits = tuple(
        Visit(
            str(i),
            i,
            services[i] * SCALE,
            (TimeWindow(windows[i][0] * SCALE, windows[i][1] * SCALE),),
            demand=demand[i],
        )
        for i in range(1, n)
    )
    problem = Problem(vehicles, visits, matrix, due * SCALE + 1, cost="distance")
    return Instance(header.get("NAME", p.stem), problem, fleet)


def read_solution(path: str | Path) -> tuple[list[list[int]], float | None]:
    """Routes (customer ids, depot = 0 convention) and the stated cost of a ``.sol`` file."""
    routes: list[list[int]] = []
    cost: float | None = None
    for line in Path(path).read_text().splitlines():
        if line.startswith("Route"):
            routes.append([int(x) for x in line.split(":", 1)[1].split()])
        elif line.startswith("Cost"):
            cost = float(line.split()[1])
    return routes, cost


def route_distance(instance: Instance, routes: list[list[int]]) -> int:
    """Total distance in tenths of routes given as customer ids (depot 0)."""
    d = instance.problem.matrix.meters
    total = 0
    for r in routes:
        path = [0, *r, 0]
        total += int(sum(d[a, b] for a, b in pairwise(path)))
    return total


def tenths(value: int) -> float:
    """A distance in tenths as the decimal the benchmark tables use."""
    return round(value / SCALE, 1)
