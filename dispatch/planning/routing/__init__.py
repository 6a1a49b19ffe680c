"""Route optimisation core: pure functions of frozen dataclasses, no database and no HTTP.

``solve`` builds an OR-Tools routing model, ``validate`` re-checks any plan from the travel
matrix alone, ``insert_urgent`` puts one extra visit into a committed plan, and ``vrplib`` reads
the classic VRPTW benchmark files into the same model (see ``dispatch.planning.routing.model`` for the
modelling choices).
"""

from dispatch.planning.routing.errors import InvalidRoutingInput, RoutingError
from dispatch.planning.routing.insertion import NoInsertion, insert_urgent, with_visit
from dispatch.planning.routing.model import (
    BreakRule,
    Problem,
    Route,
    RoutingMatrix,
    Shift,
    Solution,
    SolveParams,
    Stop,
    TimeWindow,
    Unassigned,
    UnassignedReason,
    Vehicle,
    Visit,
)
from dispatch.planning.routing.solver import solve
from dispatch.planning.routing.validate import Violation, validate

__all__ = [
    "BreakRule",
    "InvalidRoutingInput",
    "NoInsertion",
    "Problem",
    "Route",
    "RoutingError",
    "RoutingMatrix",
    "Shift",
    "Solution",
    "SolveParams",
    "Stop",
    "TimeWindow",
    "Unassigned",
    "UnassignedReason",
    "Vehicle",
    "Violation",
    "Visit",
    "insert_urgent",
    "solve",
    "validate",
    "with_visit",
]
