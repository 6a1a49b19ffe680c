"""Earliest-time schedule of one vehicle through a given sequence of visits.

The solver decides *order*; this module decides *times*, the same way for the solver's output,
for urgent insertion and for the "could this visit be served alone?" checks behind unassigned
reasons. It drives as early as possible (waiting happens on site), in pieces across shifts when
a leg is long (the engineer sleeps wherever the shift ends), takes the break as soon as it would
otherwise be missed or during a wait long enough to hold it, and never lets service span a break
or a shift end. Earliest arrival is the right rule for feasibility: with FIFO travel times,
arriving earlier never makes any later promise harder to keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dispatch.planning.routing.model import BreakTaken, Problem, Route, Stop, Vehicle, Visit

_INF = 1 << 62


class Infeasible(Exception):
    """The sequence cannot be scheduled; ``position`` is the failing stop (len = the return)."""

    def __init__(self, position: int, why: str) -> None:
        self.position = position
        self.why = why
        super().__init__(f"stop {position}: {why}")


@dataclass(slots=True)
class _Clock:
    """Where a vehicle is in time: current second, shift index, driving so far, break state."""

    vehicle: Vehicle
    t: int
    k: int = 0
    driven: int = 0
    break_done: bool = False
    breaks: list[BreakTaken] = field(default_factory=list)
    last_work: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.t = max(self.t, self.vehicle.shifts[0].start_s)
        self._sync()

    def _next_shift(self) -> None:
        self.k += 1
        if self.k >= len(self.vehicle.shifts):
            raise Infeasible(-1, "beyond the last shift")
        self.driven = 0
        self.break_done = False
        self.t = max(self.t, self.vehicle.shifts[self.k].start_s)

    def _sync(self) -> None:
        """Move to the shift that contains ``t`` (or the next one), never backwards."""
        while self.t >= self.vehicle.shifts[self.k].work_end_s:
            self._next_shift()
        self.t = max(self.t, self.vehicle.shifts[self.k].start_s)

    def _take_break(self, at: int) -> None:
        rule = self.vehicle.shifts[self.k].break_rule
        assert rule is not None
        start = max(at, rule.earliest_start_s)
        self.breaks.append(BreakTaken(start, start + rule.duration_s))
        self.t = max(self.t, start + rule.duration_s)
        self.break_done = True

    def _break_deadline(self) -> int:
        """Latest start of the pending break in this shift, or infinity."""
        rule = self.vehicle.shifts[self.k].break_rule
        if rule is None or self.break_done:
            return _INF
        return rule.latest_start_s

    def _note_work_until(self, end: int) -> None:
        self.last_work[self.k] = max(self.last_work.get(self.k, 0), end)

    @property
    def overtime(self) -> int:
        """Seconds worked past the regular end, summed over shifts."""
        shifts = self.vehicle.shifts
        return sum(max(0, end - shifts[k].end_s) for k, end in self.last_work.items())

    def drive(self, duration: int) -> None:
        """Drive ``duration`` seconds of working time from now."""
        cap = self.vehicle.max_drive_per_shift_s
        remaining = duration
        while remaining > 0:
            self._sync()
            deadline = self._break_deadline()
            if self.t >= deadline:
                self._take_break(self.t)
                continue
            if cap is not None and self.driven >= cap:
                self._next_shift()
                continue
            limit = min(self.vehicle.shifts[self.k].work_end_s, deadline) - self.t
            chunk = min(remaining, limit, _INF if cap is None else cap - self.driven)
            self._note_work_until(self.t + chunk)
            self.t += chunk
            self.driven += chunk
            remaining -= chunk

    def wait_until(self, target: int) -> None:
        """Idle until ``target``; hold the break meanwhile if it fits or is due."""
        while self.t < target:
            self._sync()
            if self.t >= target:
                return
            shift = self.vehicle.shifts[self.k]
            rule = shift.break_rule
            if rule is not None and not self.break_done:
                start = max(self.t, rule.earliest_start_s)
                if start + rule.duration_s <= target or target > rule.latest_start_s:
                    self._take_break(self.t)
                    continue
            if target >= shift.work_end_s:
                self.t = shift.work_end_s
                if self.k + 1 >= len(self.vehicle.shifts):
                    raise Infeasible(-1, "beyond the last shift")
                continue
            self.t = target

    def serve(self, duration: int) -> None:
        """Place an uninterrupted service of ``duration`` at the earliest second it fits."""
        while True:
            self._sync()
            shift = self.vehicle.shifts[self.k]
            if self.t + duration > shift.work_end_s:
                self._next_shift()
                continue
            deadline = self._break_deadline()
            if duration > 0 and self.t + duration > deadline:
                self._take_break(self.t)
                continue
            if duration == 0 and self.t > deadline:
                self._take_break(self.t)
                continue
            self._note_work_until(self.t + duration)
            return


def _window_start(visit: Visit, t: int) -> tuple[int, int] | None:
    """Earliest window still open at ``t``: (start, end), or None."""
    if not visit.windows:
        return (t, _INF)
    for w in sorted(visit.windows, key=lambda w: w.start_s):
        if w.end_s >= t:
            return (w.start_s, w.end_s)
    return None


def schedule(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> Route:
    """The earliest schedule of ``visits`` in this order, or raise ``Infeasible``."""
    seconds = problem.matrix.seconds
    meters = problem.matrix.meters
    reachable = problem.matrix.reachable
    clock = _Clock(vehicle, vehicle.shifts[0].start_s)
    depart = clock.t
    if not visits:
        return Route(vehicle.id, (), (), depart, depart, 0, 0, 0)
    here = vehicle.start
    stops: list[Stop] = []
    distance = 0
    travel = 0
    load = 0
    for pos, visit in enumerate(visits):
        try:
            if not reachable[here, visit.location]:
                raise Infeasible(pos, "unreachable")
            leg = int(seconds[here, visit.location])
            clock.drive(leg)
            arrival = clock.t
            if visit.deadline_s is not None and arrival > visit.deadline_s:
                raise Infeasible(pos, "deadline")
            while True:
                window = _window_start(visit, clock.t)
                if window is None:
                    raise Infeasible(pos, "window")
                clock.wait_until(window[0])
                clock.serve(visit.service_s)
                if clock.t <= window[1]:
                    break
        except Infeasible as exc:
            raise Infeasible(pos, exc.why) from None
        load += visit.demand
        if vehicle.capacity is not None and load > vehicle.capacity:
            raise Infeasible(pos, "capacity")
        start = clock.t
        clock.t += visit.service_s
        stops.append(Stop(visit.id, arrival, start, clock.t))
        distance += int(meters[here, visit.location])
        travel += leg
        here = visit.location
    if vehicle.end is not None:
        try:
            if not reachable[here, vehicle.end]:
                raise Infeasible(len(visits), "unreachable")
            leg = int(seconds[here, vehicle.end])
            clock.drive(leg)
        except Infeasible as exc:
            raise Infeasible(len(visits), exc.why) from None
        distance += int(meters[here, vehicle.end])
        travel += leg
    return Route(
        vehicle.id,
        tuple(stops),
        tuple(clock.breaks),
        depart,
        clock.t,
        distance,
        travel,
        clock.overtime,
    )
