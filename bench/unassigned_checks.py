"""A checker for the reasons a plan gives for the tickets it leaves unassigned.

Each reason is verified independently of the solver (``dispatch/planning/routing/bounds.py`` and
plain arithmetic on the built problem), team by team:

- ``no_skill``: no engineer of the ticket's team has every skill it needs;
- ``unreachable`` / ``deadline_unreachable``: from every start of an engineer who has the skills,
  the earliest arrival (first shift start + travel) is after the deadline or the customer's last
  window, or there is no road;
- ``capacity``: the team's lower bound proves at least that many of its deadline tickets cannot
  be served by any plan. Capacity drops beyond the bound are reported as **unproven**: they are
  the search's shortfall (or the bound is weak), not a fact about the fleet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from dispatch.planning.build import BuiltProblem, build
from dispatch.planning.routing.bounds import must_drop
from dispatch.planning.routing.feasibility import alone_reason
from dispatch.planning.routing.model import Problem, Visit
from dispatch.planning.snapshot import Snapshot


@dataclass
class CheckReport:
    verified: Counter[str] = field(default_factory=Counter)
    unproven: Counter[str] = field(default_factory=Counter)
    capacity_bound: int = 0
    """Sum over teams of the visits the bound proves no plan can serve."""

    def as_dict(self) -> dict[str, object]:
        return {
            "verified": dict(self.verified),
            "unproven": dict(self.unproven),
            "capacity_lower_bound": self.capacity_bound,
        }


def _no_skill(problem: Problem, visit: Visit) -> bool:
    return not any(visit.skills <= vehicle.skills for vehicle in problem.vehicles)


def _unreachable(problem: Problem, visit: Visit, deadline_s: int | None) -> bool:
    """``deadline_s``: the ticket's own deadline (the builder drops it from visits nobody can
    reach in time, which are then planned late)."""
    matrix = problem.matrix
    for vehicle in problem.vehicles:
        if not visit.skills <= vehicle.skills or not vehicle.shifts:
            continue
        if not matrix.reachable[vehicle.start, visit.location]:
            continue
        arrival = vehicle.shifts[0].start_s + int(matrix.seconds[vehicle.start, visit.location])
        latest = min(
            deadline_s if deadline_s is not None else problem.horizon_s,
            max((w.end_s for w in visit.windows), default=problem.horizon_s),
        )
        if arrival <= latest:
            return False
    return True


def _team_problem(snapshot: Snapshot, team: str) -> BuiltProblem:
    return build(
        replace(
            snapshot,
            engineers=tuple(e for e in snapshot.engineers if e.team == team),
            jobs=tuple(j for j in snapshot.jobs if j.team == team),
        )
    )


def check_unassigned(snapshot: Snapshot, unassigned: list[dict[str, object]]) -> CheckReport:
    """Verify every unassigned ticket's reason; ``unassigned`` as the plan's report gives it."""
    team_of = {j.ticket_id: j.team for j in snapshot.jobs}
    by_team: dict[str, list[dict[str, object]]] = {}
    for item in unassigned:
        by_team.setdefault(team_of[str(item["ticket_id"])], []).append(item)
    report = CheckReport()
    for team, items in sorted(by_team.items()):
        built = _team_problem(snapshot, team)
        problem = built.problem
        visits = {v.id: v for v in problem.visits}
        deadlines = {
            j.ticket_id: int((j.deadline - built.epoch).total_seconds()) if j.deadline else None
            for j in built.jobs
        }
        capacity = [i for i in items if i["reason"] == "capacity"]
        feasible = [v for v in problem.visits if alone_reason(problem, v) is None]
        bound = must_drop(problem, feasible) if capacity else 0
        report.capacity_bound += bound
        report.verified["capacity"] += min(bound, len(capacity))
        report.unproven["capacity"] += max(0, len(capacity) - bound)
        for item in items:
            reason = str(item["reason"])
            visit = visits.get(str(item["ticket_id"]))
            if reason == "capacity":
                continue
            if visit is None:  # not in the problem: no engineer in the team at all
                holds = reason == "no_engineer" and not problem.vehicles
            elif reason == "no_skill":
                holds = _no_skill(problem, visit)
            elif reason in ("unreachable", "deadline_unreachable"):
                holds = _unreachable(problem, visit, deadlines.get(visit.id))
            else:
                holds = reason == "no_engineer" and not problem.vehicles
            (report.verified if holds else report.unproven)[reason] += 1
    return report
