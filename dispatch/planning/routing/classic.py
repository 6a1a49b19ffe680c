"""Our own search for the classic case, used to give OR-Tools a good start (and kept if better).

The classic case is the benchmark's shape: every vehicle starts and ends at one depot, works one
shift with no break, overtime or driving cap, has the same capacity and serves every visit; each
visit has at most one window and no arrival deadline. ``core_of`` recognises it (anything else
returns None and the solver goes straight to OR-Tools).

The search is a ruin-and-recreate loop in the spirit of SISR (Christiaens & Vanden Berghe, 2020):
remove a few strings of consecutive customers from routes near a random seed customer, re-insert
them at their cheapest feasible places (in a drawn order or by regret-2; each customer's cheapest
place per route is kept in a table and only the changed route is priced again; rare "blinks" skip
a place; sometimes an empty vehicle is priced at half, so that a recreate can open a route),
polish with the vectorised local search of ``local_search`` restricted to the routes that changed,
and accept by simulated annealing. The first solution is a regret-2 insertion, then a descent.
The constants below were chosen by short interleaved runs on the Gehring–Homberger 200 set (one
seed each, loaded machine; see ``docs/routing.md``): a larger ruin and regret insertion helped the
long-route and tight classes, opening routes helped the long-route ones most.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import time as _time
from collections.abc import Sequence

import numpy as np

from dispatch.planning.routing.local_search import (
    Core,
    Routes,
    block_of,
    changed,
    cost_of,
    descend,
    insertion_matrix,
    layout,
)
from dispatch.planning.routing.model import BoolArray, IntArray, Problem, Visit

_BIG = 1 << 50
_COOLING = 10.0
"""The annealing temperature falls by this factor over the budget."""
_REGRET = 0.5
"""Share of recreates that insert by regret-2 rather than in the drawn order."""
_OPEN = 0.3
"""Share of recreates in which an empty vehicle is priced at half its cost. Measured at 25 s on
R2_2_1 (one seed, loaded machine): 0 → 1.84 % gap, 0.1 → 1.11 %, 0.3 → 0.06 %."""
_MAX_STRINGS = 6
"""At most this many routes lose a string in one ruin."""
_MAX_STRING = 15
"""At most this many consecutive customers per removed string."""


def core_of(problem: Problem, visits: Sequence[Visit]) -> Core | None:
    """The arrays of a classic problem over ``visits``, or None if it is not one."""
    vehicles = problem.vehicles
    if not vehicles or not visits:
        return None
    first = vehicles[0]
    depot = first.start
    shift = first.shifts[0]
    for veh in vehicles:
        if (
            veh.start != depot
            or veh.end != depot
            or veh.shifts != first.shifts
            or len(veh.shifts) != 1
            or veh.capacity != first.capacity
            or veh.max_drive_per_shift_s is not None
        ):
            return None
    if shift.break_rule is not None or shift.overtime_max_s:
        return None
    for v in visits:
        if len(v.windows) > 1 or v.deadline_s is not None or v.pinned_vehicle or v.skills or v.part:
            return None
    locs = np.asarray([depot, *(v.location for v in visits)], dtype=np.int64)
    m = problem.matrix
    if not m.reachable[np.ix_(locs, locs)].all():
        return None
    cost = (m.meters if problem.cost == "distance" else m.seconds)[np.ix_(locs, locs)]
    ready = [shift.start_s] + [v.windows[0].start_s if v.windows else 0 for v in visits]
    due = [shift.end_s] + [v.windows[0].end_s if v.windows else shift.end_s for v in visits]
    service = [0] + [v.service_s for v in visits]
    demand = [0] + [v.demand for v in visits]
    cap = first.capacity if first.capacity is not None else sum(demand) + 1
    a = np.asarray
    return Core.of(
        cost,
        m.seconds[np.ix_(locs, locs)],
        a(ready, dtype=np.int64),
        a(due, dtype=np.int64),
        a(service, dtype=np.int64),
        a(demand, dtype=np.int64),
        int(cap),
        len(vehicles),
    )


def _insert(c: Core, routes: Routes, todo: list[int]) -> bool:
    """Insert ``todo`` by regret-2 (the customer whose best and second-best places differ most
    goes first) at cheapest feasible places; False if one fits nowhere."""
    todo = list(todo)
    while todo:
        lay = layout(c, routes)
        us = np.asarray(todo, dtype=np.int64)
        add, ok = insertion_matrix(c, lay, us)
        price = np.where(ok, add, _BIG)
        part = np.partition(price, 1, axis=1) if price.shape[1] > 1 else np.hstack([price, price])
        best, second = part[:, 0], part[:, 1]
        if (best >= _BIG).any():
            return False
        i = int(np.argmax(np.minimum(second, _BIG // 2) - best))
        k = int(np.argmin(price[i]))
        u = int(us[i])
        r = int(lay.er[k])
        if r < 0:
            r = next(j for j, s in enumerate(routes) if not s)
        seq = routes[r]
        after = int(lay.ef[k])
        seq.insert(0 if after == 0 else seq.index(after) + 1, u)
        todo.remove(u)
    return True


def _prices(
    c: Core, seq: list[int], us: IntArray, draws: np.random.Generator | None
) -> tuple[IntArray, IntArray]:
    """Cheapest feasible added cost of each customer in ``us`` in one route (``_BIG`` if none)
    and the position in ``seq`` it goes to. An empty route is the one edge depot → depot.

    With ``draws``, each (customer, position) pair of a non-empty route is skipped with
    probability 2 % (SISR's "blinks"), so the recreate is not fully greedy.
    """
    if seq:
        ef_l, et_l, dep_l, z_l, _, suf = block_of(c, tuple(seq))
        ef, et = np.asarray(ef_l, dtype=np.int64), np.asarray(et_l, dtype=np.int64)
        dep, z, load = np.asarray(dep_l, dtype=np.int64), np.asarray(z_l, dtype=np.int64), suf[0]
    else:
        ef = et = np.zeros(1, dtype=np.int64)
        dep, z, load = c.ready[:1], c.due[:1], 0
    arr = np.maximum(c.ready[us][:, None], dep + c.time_t[us].take(ef, axis=1))
    ok = arr <= c.due[us][:, None]
    ok &= arr + c.service[us][:, None] + c.time[us].take(et, axis=1) <= z
    ok &= (load + c.demand[us] <= c.capacity)[:, None]
    if draws is not None and seq:
        ok &= draws.random(ok.shape) > 0.02
    price = np.where(ok, c.cost_t[us].take(ef, axis=1) + c.cost[us].take(et, axis=1) - c.cost[ef, et], _BIG)
    where = price.argmin(axis=1)
    return price[np.arange(len(us)), where], where


def _recreate(
    c: Core,
    routes: Routes,
    todo: list[int],
    draws: np.random.Generator | None,
    regret: bool = False,
    opening: bool = False,
) -> bool:
    """Insert ``todo`` in order (or, with ``regret``, the customer with the largest regret-2
    first), each at its cheapest feasible place; False if one fits nowhere. With ``opening`` an
    empty vehicle is priced at half its cost, so the recreate may open a route: distance-optimal
    solutions of long-route instances use more vehicles than the greedy insertion wants, and no
    single move opens a route at a profit (the triangle inequality), so only a recreate can.

    Each customer's cheapest place per route is kept in a (customer × route) table, and after an
    insertion only the changed route's column is priced again (and one empty vehicle's, standing
    for all of them), so a recreate costs one numpy pass per insertion over one route only.
    """
    us = np.asarray(todo, dtype=np.int64)
    fleet = len(routes)
    best = np.full((len(todo), fleet), _BIG, dtype=np.int64)
    where = np.zeros((len(todo), fleet), dtype=np.int64)
    empty = next((r for r, s in enumerate(routes) if not s), -1)
    for r, seq in enumerate(routes):
        if seq or r == empty:
            best[:, r], where[:, r] = _prices(c, seq, us, draws)
    if opening and empty >= 0:
        best[:, empty] = _halved(best[:, empty])
    left = np.ones(len(todo), dtype=np.bool_)
    for step in range(len(todo)):
        i = step if not regret else _most_regret(best, left)
        left[i] = False
        r = int(best[i].argmin())
        if best[i, r] >= _BIG:
            return False
        routes[r].insert(int(where[i, r]), todo[i])
        rest = np.flatnonzero(left)
        if not len(rest):
            break
        best[rest, r], where[rest, r] = _prices(c, routes[r], us[rest], draws)
        if r == empty:
            empty = next((k for k, s in enumerate(routes) if not s), -1)
            if empty >= 0:
                best[rest, empty], where[rest, empty] = _prices(c, [], us[rest], draws)
                if opening:
                    best[rest, empty] = _halved(best[rest, empty])
    return True


def _halved(price: IntArray) -> IntArray:
    """Feasible prices halved, infeasible ones left infeasible."""
    out: IntArray = np.where(price < _BIG, price // 2, _BIG)
    return out


def _most_regret(best: IntArray, left: BoolArray) -> int:
    """The customer still to insert whose cheapest route beats its second cheapest by most
    (one with a single feasible route first: waiting would lose it)."""
    rows = np.flatnonzero(left)
    part = np.partition(best[rows], 1, axis=1) if best.shape[1] > 1 else np.hstack([best[rows]] * 2)
    regret = np.minimum(part[:, 1], _BIG // 2) - part[:, 0]
    return int(rows[int(regret.argmax())])


def construct(c: Core, rng: random.Random) -> Routes | None:
    """Regret-2 insertion from empty routes, then a descent; None if not every customer fits."""
    routes: Routes = [[] for _ in range(c.fleet)]
    if not _insert(c, routes, list(range(1, c.n + 1))):
        return None
    return descend(c, routes)


def _ruin(c: Core, routes: Routes, near: list[list[int]], rng: random.Random) -> list[int]:
    """Remove strings of customers from routes around a random seed (SISR's string removal)."""
    where = {u: r for r, seq in enumerate(routes) for u in seq}
    used = sum(1 for s in routes if s)
    max_len = min(_MAX_STRING, max(1, c.n // max(used, 1)))
    strings = rng.randint(1, max(1, min(used, _MAX_STRINGS)))
    seed = rng.randint(1, c.n)
    removed: list[int] = []
    hit: set[int] = set()
    for u in [seed, *near[seed]]:
        if len(hit) >= strings:
            break
        r = where.get(u)
        if r is None or r in hit:
            continue
        seq = routes[r]
        length = rng.randint(1, min(len(seq), max_len))
        pos = seq.index(u)
        lo = rng.randint(max(0, pos - length + 1), min(pos, len(seq) - length))
        removed += seq[lo : lo + length]
        routes[r] = seq[:lo] + seq[lo + length :]
        hit.add(r)
    return removed


def _order(c: Core, todo: list[int], rng: random.Random) -> list[int]:
    key = rng.random()
    if key < 0.4:
        rng.shuffle(todo)
    elif key < 0.6:
        todo.sort(key=lambda u: -int(c.demand[u]))
    elif key < 0.8:
        todo.sort(key=lambda u: -int(c.cost[0, u]))
    else:
        todo.sort(key=lambda u: int(c.due[u]) - int(c.ready[u]))
    return todo


def improve(
    c: Core, budget_s: float, seed: int = 0, start: Routes | None = None, heat: float = 0.3
) -> Routes | None:
    """The best routes found within ``budget_s`` seconds (None if no complete solution).

    ``heat`` sets the annealing start temperature as a share of the mean cost per customer (it
    falls tenfold over the budget). Measured at 8 s on R205, RC101, R201: 0.02 → 3.67/2.43/0.03 %
    gap, 0.1 → 1.33/2.17/0.01 %, 0.3 → 1.27/1.30/0.68 %: a warmer search escapes the deep local
    optima of long-route instances.
    """
    stop = _time.monotonic() + budget_s
    rng = random.Random(seed)
    routes = [list(r) for r in start] if start is not None else construct(c, rng)
    if routes is None:
        return None
    routes += [[] for _ in range(c.fleet - len(routes))]
    cur = best = cost_of(c, routes)
    best_routes = [list(r) for r in routes]
    near = np.argsort(c.cost[1:, 1:] + c.cost[1:, 1:].T, axis=1, kind="stable")[:, 1:21] + 1
    near_l = [[], *near.tolist()]
    t0 = heat * cur / max(c.n, 1)
    t1 = t0 / _COOLING
    began = _time.monotonic()
    while (now := _time.monotonic()) < stop:
        frac = (now - began) / max(stop - began, 1e-9)
        temp = t0 * (t1 / t0) ** frac
        trial = [list(r) for r in routes]
        removed = _ruin(c, trial, near_l, rng)
        draws = np.random.default_rng(rng.getrandbits(64)) if rng.random() < 0.5 else None
        if not _recreate(
            c, trial, _order(c, removed, rng), draws, rng.random() < _REGRET, rng.random() < _OPEN
        ):
            continue
        descend(c, trial, changed(routes, trial))
        value = cost_of(c, trial)
        if value < cur - temp * math.log(rng.random() or 1e-12):
            routes, cur = trial, value
            if value < best:
                best, best_routes = value, [list(r) for r in trial]
    return best_routes


def _improve_until(c: Core, deadline: float, seed: int) -> Routes | None:
    """``improve`` in a worker process, until an absolute ``time.monotonic`` deadline (the clock
    is system-wide, so the time the process took to start is not given twice)."""
    return improve(c, max(deadline - _time.monotonic(), 0.0), seed)


def improve_many(c: Core, budget_s: float, seed: int = 0, workers: int = 1) -> Routes | None:
    """The best of ``workers`` independent searches (seeds ``seed`` …), run side by side.

    This process runs the first search; the others run in fresh ("spawn") processes, so nothing
    of the caller (threads, connections) is inherited. A process that is itself a daemon (the
    job worker's solve process) may not have children: there, and with one worker, it is a single
    ``improve``. A worker that fails or overruns its deadline by more than a second is ignored.
    """
    if workers <= 1 or multiprocessing.current_process().daemon:
        return improve(c, budget_s, seed)
    deadline = _time.monotonic() + budget_s
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers - 1) as pool:
        pending = [pool.apply_async(_improve_until, (c, deadline, seed + k)) for k in range(1, workers)]
        found = [_improve_until(c, deadline, seed)]
        for job in pending:
            try:
                found.append(job.get(timeout=max(deadline - _time.monotonic(), 0.0) + 1.0))
            except Exception:  # a lost worker only costs its share of the search
                continue
    complete = [r for r in found if r is not None]
    return min(complete, key=lambda r: cost_of(c, r)) if complete else None
