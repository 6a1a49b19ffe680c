"""Lower bounds that tell "no plan can serve these" from "this search did not find the plan".

A plan that leaves a visit unassigned for ``capacity`` claims that the team's working time is
taken. That claim is checked here against a bound no plan can beat: for every deadline level
``t``, the visits that must be reached by ``t`` need at least their service time plus the cheapest
way into each of them; the team has at most the working time of all its engineers before ``t``
(overtime included, breaks not subtracted: an over-estimate keeps the bound valid). If even the
cheapest ``k`` of those visits do not fit, at least ``n − k`` of them cannot be served by any plan.
Visits the plan drops beyond that number are the search's shortfall (or a weak bound), and the
benchmark says so instead of calling them capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.planning.routing.model import Problem, Visit


@dataclass(frozen=True, slots=True)
class CapacityBound:
    """One deadline level: what the visits due by ``cutoff_s`` need against what is available."""

    cutoff_s: int
    visits: int
    need_s: int
    """Service plus the cheapest travel into each visit, summed."""
    available_s: int
    """All engineers' working time before the cutoff (overtime included), plus the service time
    that may run past it (each engineer's last arrival may be just before the cutoff)."""
    must_drop: int
    """At least this many of the visits cannot be served by any plan."""


_NEVER = np.iinfo(np.int64).max // 4


def _travel_in(problem: Problem, visits: Sequence[Visit]) -> np.ndarray:
    """For each of ``visits``, the cheapest travel into it from any other visit of the problem or
    any engineer's start: a route reaches a visit from one of those, whatever the plan."""
    seconds = problem.matrix.seconds
    everyone = [v.location for v in problem.visits] + [veh.start for veh in problem.vehicles]
    sources = np.array(everyone, dtype=np.int64)
    targets = np.array([v.location for v in visits], dtype=np.int64)
    into = seconds[np.ix_(sources, targets)].astype(np.int64)
    into = np.where(problem.matrix.reachable[np.ix_(sources, targets)], into, _NEVER)
    row_of = {v.id: k for k, v in enumerate(problem.visits)}
    for column, visit in enumerate(visits):  # a visit is not reached from itself
        if visit.id in row_of:
            into[row_of[visit.id], column] = _NEVER
    return np.asarray(into.min(axis=0))


def _working_before(problem: Problem, cutoff_s: int) -> int:
    total = 0
    for vehicle in problem.vehicles:
        for shift in vehicle.shifts:
            total += max(0, min(shift.work_end_s, cutoff_s) - max(shift.start_s, 0))
    return total


def capacity_bounds(problem: Problem, visits: Sequence[Visit]) -> list[CapacityBound]:
    """A bound per deadline level, over ``visits`` (those each engineer could serve alone)."""
    due = [v for v in visits if v.deadline_s is not None]
    if not due or not problem.vehicles:
        return []
    need = _travel_in(problem, due) + np.array([v.service_s for v in due], dtype=np.int64)
    bounds = []
    for cutoff in sorted({int(v.deadline_s) for v in due if v.deadline_s is not None}):
        members = [i for i, v in enumerate(due) if v.deadline_s is not None and v.deadline_s <= cutoff]
        services = sorted((due[i].service_s for i in members), reverse=True)
        spill = sum(services[: len(problem.vehicles)])
        available = _working_before(problem, cutoff) + spill
        cheapest = np.sort(need[members])
        fits = int(np.searchsorted(np.cumsum(cheapest), available, side="right"))
        bounds.append(
            CapacityBound(cutoff, len(members), int(cheapest.sum()), available, len(members) - fits)
        )
    return bounds


def must_drop(problem: Problem, visits: Sequence[Visit]) -> int:
    """How many of ``visits`` no plan can serve by their deadlines (0: capacity is not proven)."""
    return max((b.must_drop for b in capacity_bounds(problem, visits)), default=0)
