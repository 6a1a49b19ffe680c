"""Independent reasons why a visit cannot be planned, and the route repair that uses them.

A reason must be true of the *problem*, not of one search run: ``no_skill`` when no vehicle has
the skills (and part, and is the pinned one); ``unreachable`` when no eligible vehicle can drive
there at all; ``deadline_unreachable`` when every eligible vehicle, sent to this visit alone from
its start within its shifts, misses the deadline or windows; ``capacity`` when the visit could be
served alone but not together with the others (shift time, load).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dispatch.planning.routing.model import Problem, Route, UnassignedReason, Vehicle, Visit
from dispatch.planning.routing.schedule import Infeasible, schedule


def eligible(problem: Problem, visit: Visit) -> list[Vehicle]:
    """Vehicles allowed to take the visit, nearest start first."""
    vehicles = [v for v in problem.vehicles if v.can_serve(visit) and visit.pinned_vehicle in (None, v.id)]
    if len(vehicles) > 1:
        starts = np.array([v.start for v in vehicles], dtype=np.int64)
        order = np.argsort(problem.matrix.seconds[starts, visit.location], kind="stable")
        vehicles = [vehicles[int(i)] for i in order]
    return vehicles


def alone_reason(problem: Problem, visit: Visit) -> UnassignedReason | None:
    """Why no vehicle could serve this visit even alone; None if one can."""
    vehicles = eligible(problem, visit)
    if not vehicles:
        return "no_skill"
    whys: set[str] = set()
    for veh in vehicles:
        try:
            schedule(problem, veh, [visit])
        except Infeasible as exc:
            whys.add(exc.why)
            continue
        return None
    if whys == {"unreachable"}:
        return "unreachable"
    if whys == {"capacity"}:
        return "capacity"
    return "deadline_unreachable"


def schedule_or_repair(
    problem: Problem, vehicle: Vehicle, sequence: Sequence[Visit]
) -> tuple[Route, list[Visit]]:
    """Schedule a sequence; drop the first stop that cannot be kept until the rest fits.

    The OR-Tools model approximates a few rules (the per-shift driving cap, overtime on inner
    days); this is where the exact scheduler has the last word. Returns the route and the
    visits dropped from it.
    """
    seq = list(sequence)
    dropped: list[Visit] = []
    while True:
        try:
            return schedule(problem, vehicle, seq), dropped
        except Infeasible as exc:
            pos = min(exc.position, len(seq) - 1)
            if pos < 0:
                return schedule(problem, vehicle, []), dropped + seq
            dropped.append(seq.pop(pos))
