"""Small field-service problems on a line: location i is ``km[i]`` kilometres from the origin.

Speed is 1 km per minute (60 km/h) so expected times are easy to check by hand: with an
08:00–18:00 shift and a 12:00–13:00 break an engineer drives 540 km a day.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dispatch.planning.routing import BreakRule, Problem, RoutingMatrix, Shift, Vehicle, Visit

H = 3600
DAY = 24 * H


def line_matrix(km: Sequence[int]) -> RoutingMatrix:
    x = np.asarray(km, dtype=np.int64)
    d = np.abs(x[:, None] - x[None, :])
    return RoutingMatrix(d * 1000, d * 60, np.ones(d.shape, dtype=np.bool_))


def shifts(days: int = 3, *, lunch: bool = True, overtime_s: int = 0) -> tuple[Shift, ...]:
    out = []
    for d in range(days):
        b = BreakRule(d * DAY + 12 * H, d * DAY + 13 * H, H) if lunch else None
        out.append(Shift(d * DAY + 8 * H, d * DAY + 18 * H, overtime_s, b))
    return tuple(out)


def engineer(
    vid: str,
    start: int = 0,
    *,
    end: int | None = 0,
    days: int = 3,
    skills: Sequence[str] = (),
    lunch: bool = True,
    **kw: object,
) -> Vehicle:
    return Vehicle(vid, start, end, shifts(days, lunch=lunch), frozenset(skills), **kw)  # type: ignore[arg-type]


def problem(
    km: Sequence[int], vehicles: Sequence[Vehicle], visits: Sequence[Visit], days: int = 3
) -> Problem:
    return Problem(tuple(vehicles), tuple(visits), line_matrix(km), days * DAY)
