"""What runs in the worker process: build, solve, validate independently, report.

Inputs and outputs are plain frozen data (they pickle); nothing here touches the database.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dispatch.planning.build import BuiltProblem, build
from dispatch.planning.report import report
from dispatch.planning.routing import NoInsertion, SolveParams, insert_urgent, solve, validate
from dispatch.planning.routing.solver import finalize
from dispatch.planning.snapshot import Snapshot

MIN_SOLVE_S = 0.1
"""Each team's search gets at least this long, even when the budget is spent."""


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """The plan's JSON (``report``) and whether the independent validator passed it."""

    result: dict[str, Any]
    violations: tuple[str, ...]
    seconds: float
    peak_rss_mb: float


@dataclass(frozen=True, slots=True)
class SearchProgress:
    """How far a solve is, sent while it runs: teams are solved one after the other, and inside a
    team the search reports each better solution it finds.

    ``distance_m``, ``stops`` and ``unassigned`` sum the teams already solved; ``objective`` is
    the current team's best objective (travel plus penalties) while it searches."""

    fraction: float
    elapsed_s: float
    teams_done: int
    teams: int
    stops: int
    unassigned: int
    distance_m: int
    objective: int | None = None


Progress = Callable[[SearchProgress], None]


def _teams(snapshot: Snapshot) -> list[Snapshot]:
    """The snapshot split by team: a job only ever goes to an engineer of its deciding team
    (R-DI-1), so each team is an independent problem — 41 small solves instead of one large."""
    names = sorted({e.team for e in snapshot.engineers} | {j.team for j in snapshot.jobs})
    return [
        replace(
            snapshot,
            engineers=tuple(e for e in snapshot.engineers if e.team == team),
            jobs=tuple(j for j in snapshot.jobs if j.team == team),
        )
        for team in names
    ]


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, int] = {}
    for part in parts:
        for key, value in part["totals"].items():
            totals[key] = totals.get(key, 0) + value
    return {
        "epoch": parts[0]["epoch"],
        "routes": [r for p in parts for r in p["routes"]],
        "totals": totals,
        "unassigned": [u for p in parts for u in p["unassigned"]],
        "excluded_engineers": [x for p in parts for x in p["excluded_engineers"]],
        "violations": [v for p in parts for v in p["violations"]],
    }


def run_plan(
    snapshot: Snapshot,
    time_limit_s: float,
    initial_routes: Mapping[str, Sequence[str]] | None = None,
    solution_limit: int | None = None,
    progress: Progress | None = None,
) -> PlanOutcome:
    """Plan a snapshot within ``time_limit_s`` (build included), team by team, each solution
    checked by the independent validator against its own problem. ``progress`` hears of each
    better solution and of each team solved."""
    started = time.monotonic()
    teams = _teams(snapshot)
    left = len(snapshot.jobs)
    parts: list[dict[str, Any]] = []
    built_s = 0.0
    late = 0

    def tell(objective: int | None = None) -> None:
        if progress is None:
            return
        elapsed = time.monotonic() - started
        totals = [p["totals"] for p in parts]
        progress(
            SearchProgress(
                fraction=round(min(0.95, 0.05 + 0.9 * elapsed / time_limit_s), 3) if time_limit_s else 0.5,
                elapsed_s=round(elapsed, 2),
                teams_done=len(parts),
                teams=len(teams),
                stops=sum(t["stops"] for t in totals),
                unassigned=sum(t["unassigned"] for t in totals),
                distance_m=sum(t["distance_m"] for t in totals),
                objective=objective,
            )
        )

    for team in sorted(teams, key=lambda t: -len(t.jobs)):
        t0 = time.monotonic()
        built = build(team)
        built_s += time.monotonic() - t0
        late += len(built.late)
        remaining = time_limit_s - (time.monotonic() - started)
        share = remaining * len(team.jobs) / left if left else 0.0
        left -= len(team.jobs)
        params = SolveParams(time_limit_s=max(MIN_SOLVE_S, share), solution_limit=solution_limit)
        seeds = None
        if initial_routes and team.jobs and built.problem.vehicles:
            known = {v.id for v in built.problem.visits}
            mine = {v.id for v in built.problem.vehicles}
            seeds = {k: [t for t in v if t in known] for k, v in initial_routes.items() if k in mine}
        solution = solve(built.problem, params, seeds, on_solution=tell if progress else None)
        parts.append(report(built, solution, validate(built.problem, solution)))
        tell()
    if not parts:  # no engineer and no job: an empty plan
        empty = build(snapshot)
        parts.append(report(empty, solve(empty.problem, SolveParams(time_limit_s=MIN_SOLVE_S))))
    result = _merge(parts)
    seconds = time.monotonic() - started
    result["stats"] = {
        "build_s": round(built_s, 3),
        "solve_s": round(seconds - built_s, 3),
        "visits": len(snapshot.jobs),
        "vehicles": len(snapshot.engineers),
        "teams": len(teams),
        "late_flagged": late,
    }
    return PlanOutcome(result, tuple(result["violations"]), seconds, peak_rss_mb())


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass(frozen=True, slots=True)
class InsertOutcome:
    """An urgent insertion: the re-timed committed plan with the ticket, or why not."""

    result: dict[str, Any] | None
    technician_id: str | None
    position: int | None
    refused: str | None
    seconds: float


def run_insert(snapshot: Snapshot, sequences: Mapping[str, Sequence[str]], ticket_id: str) -> InsertOutcome:
    """Re-time the committed routes from now, then insert ``ticket_id`` cheapest-first.

    ``snapshot`` holds the committed plan's open jobs plus the new ticket; the sparse matrix keeps
    this O(stops) so it answers within a second even for a large committed plan."""
    started = time.monotonic()
    built = build(snapshot, sequences=sequences)
    problem = built.problem
    new = next(v for v in problem.visits if v.id == ticket_id)
    base = replace(problem, visits=tuple(v for v in problem.visits if v.id != ticket_id))
    by_id = {v.id: v for v in base.visits}
    seqs = {veh.id: [by_id[t] for t in sequences.get(veh.id, ()) if t in by_id] for veh in base.vehicles}
    planned = {v.id for seq in seqs.values() for v in seq}
    committed = finalize(base, seqs, [v for v in base.visits if v.id not in planned], {})
    found = insert_urgent(base, committed, new)
    if isinstance(found, NoInsertion):
        return InsertOutcome(None, None, None, found.reason, time.monotonic() - started)
    if validate(problem, found):  # the independent gate, as for every published plan
        return InsertOutcome(None, None, None, "capacity", time.monotonic() - started)
    route = next(r for r in found.routes if any(s.visit_id == ticket_id for s in r.stops))
    position = [s.visit_id for s in route.stops].index(ticket_id)
    result = report(built, found)
    return InsertOutcome(result, route.vehicle_id, position, None, time.monotonic() - started)


def built_for(snapshot: Snapshot) -> BuiltProblem:
    """The problem a snapshot gives (for benchmarks and tests)."""
    return build(snapshot)
