"""Vectorised local search for the classic case: one depot, identical vehicles, one window each.

A solution is a list of routes, each a list of customer nodes (1..n; node 0 is the depot). After
every change the *layout* is rebuilt: for each edge (i → j) of every route, the departure time
from i (earliest schedule) and the latest feasible service start at j (backward pass, the
"latest start" slack of Savelsbergh), the load up to i and from j. With those, each inter-route
move is checked in O(1) and numpy prices all of them at once:

* relocate: customer u moved onto edge (i → j) of another route (or into an empty vehicle);
* swap: customers u and v exchange places across routes;
* 2-opt*: the tails after i and after j of two routes are exchanged (includes splitting a route
  when one edge is an empty vehicle's);
* or-opt (strings of 1–3 customers) and 2-opt inside a route: candidates priced by cost, the
  cheapest checked by a forward pass.

Each pass applies the improving moves in best-first order as long as they touch routes no
earlier move of the pass touched, so one pass does the work of many. Travel time and cost are
separate matrices (equal in the DIMACS mode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dispatch.planning.routing.model import BoolArray, IntArray

Routes = list[list[int]]
_BIG = 1 << 50


@dataclass(frozen=True, slots=True, eq=False)
class Core:
    """The classic instance in arrays; index 0 is the depot (its window is the working day)."""

    cost: IntArray
    time: IntArray
    ready: IntArray
    due: IntArray
    service: IntArray
    demand: IntArray
    capacity: int
    fleet: int
    lists: tuple[list[list[int]], list[int], list[int], list[int], list[int]]
    blocks: dict[tuple[int, ...], tuple[list[int], ...]]
    cost_t: IntArray
    time_t: IntArray

    @classmethod
    def of(
        cls,
        cost: IntArray,
        time: IntArray,
        ready: IntArray,
        due: IntArray,
        service: IntArray,
        demand: IntArray,
        capacity: int,
        fleet: int,
    ) -> Core:
        """Build a core; Python-list copies serve the per-route loops (faster than numpy scalars)."""
        lists = (time.tolist(), ready.tolist(), due.tolist(), service.tolist(), demand.tolist())
        ct, tt = np.ascontiguousarray(cost.T), np.ascontiguousarray(time.T)
        return cls(cost, time, ready, due, service, demand, capacity, fleet, lists, {}, ct, tt)

    @property
    def n(self) -> int:
        """Number of customers."""
        return int(self.ready.shape[0]) - 1


@dataclass(slots=True)
class Layout:
    """Edge and customer arrays of one solution (see the module docstring)."""

    ef: IntArray
    et: IntArray
    edep: IntArray
    ez: IntArray
    epre: IntArray
    esuf: IntArray
    er: IntArray
    prev: IntArray
    nxt: IntArray
    pdep: IntArray
    nz: IntArray
    route: IntArray
    load: IntArray


def _block(c: Core, seq: tuple[int, ...]) -> tuple[list[int], ...]:
    """Edge lists of one non-empty route: from, to, departure, latest start, load before/after."""
    tl, ready, due, service, demand = c.lists
    e0, l0 = ready[0], due[0]
    path = [0, *seq, 0]
    m = len(path)
    dep = [e0] * (m - 1)
    pre = [0] * (m - 1)
    t, q, here = e0, 0, 0
    for k in range(1, m - 1):
        node = path[k]
        t = max(ready[node], t + tl[here][node]) + service[node]
        q += demand[node]
        dep[k] = t
        pre[k] = q
        here = node
    z = [l0] * m
    for k in range(m - 2, 0, -1):
        node = path[k]
        z[k] = min(due[node], z[k + 1] - tl[node][path[k + 1]] - service[node])
    return path[:-1], path[1:], dep, z[1:], pre, [q - p for p in pre]


def block_of(c: Core, seq: tuple[int, ...]) -> tuple[list[int], ...]:
    """The edge lists of a non-empty route, from the cache ``c.blocks`` when it was seen before."""
    block = c.blocks.get(seq)
    if block is None:
        if len(c.blocks) > 20_000:
            c.blocks.clear()
        block = c.blocks[seq] = _block(c, seq)
    return block


def layout(c: Core, routes: Routes) -> Layout:
    """The arrays of ``routes``; an empty vehicle is one extra edge 0 → 0 (route −1).

    ``c.blocks`` maps a route (as a tuple) to its edge lists, so unchanged routes cost nothing.
    """
    cache = c.blocks
    if len(cache) > 20_000:
        cache.clear()
    cols: list[list[int]] = [[], [], [], [], [], [], []]
    load = np.zeros(len(routes), dtype=np.int64)
    used = 0
    for r, seq in enumerate(routes):
        if not seq:
            continue
        used += 1
        key = tuple(seq)
        block = cache.get(key)
        if block is None:
            block = cache[key] = _block(c, key)
        for col, part in zip(cols, block, strict=False):
            col += part
        cols[6] += [r] * len(block[0])
        load[r] = block[5][0]
    if used < c.fleet:
        for col, value in zip(cols, (0, 0, c.lists[1][0], c.lists[2][0], 0, 0, -1), strict=True):
            col.append(value)
    ef, et, edep, ez, epre, esuf, er = (np.asarray(col, dtype=np.int64) for col in cols)
    n1 = c.n + 1
    prev = np.zeros(n1, dtype=np.int64)
    nxt = np.zeros(n1, dtype=np.int64)
    pdep = np.zeros(n1, dtype=np.int64)
    nz = np.zeros(n1, dtype=np.int64)
    route = np.full(n1, -1, dtype=np.int64)
    into = et > 0
    prev[et[into]] = ef[into]
    pdep[et[into]] = edep[into]
    out = ef > 0
    nxt[ef[out]] = et[out]
    nz[ef[out]] = ez[out]
    route[ef[out]] = er[out]
    return Layout(ef, et, edep, ez, epre, esuf, er, prev, nxt, pdep, nz, route, load)


def cost_of(c: Core, routes: Routes) -> int:
    """Total cost of the routes."""
    total = 0
    for seq in routes:
        if seq:
            path = np.asarray([0, *seq, 0])
            total += int(c.cost[path[:-1], path[1:]].sum())
    return total


def feasible(c: Core, seq: list[int]) -> bool:
    """Forward check of one route: windows, return by the depot's due time, capacity."""
    tl, ready, due, service, demand = c.lists
    t = ready[0]
    here = 0
    load = 0
    for node in seq:
        t = max(ready[node], t + tl[here][node])
        if t > due[node]:
            return False
        t += service[node]
        load += demand[node]
        here = node
    return load <= c.capacity and t + tl[here][0] <= due[0]


def insertion_matrix(
    c: Core, lay: Layout, us: IntArray, edges: IntArray | None = None
) -> tuple[IntArray, IntArray]:
    """Added cost of each customer in ``us`` on each edge (or on ``edges``), and feasibility
    (own route excluded)."""
    ef, et, er, edep, ez = lay.ef, lay.et, lay.er, lay.edep, lay.ez
    if edges is not None:
        ef, et, er, edep, ez = ef[edges], et[edges], er[edges], edep[edges], ez[edges]
    into = c.time_t[us].take(ef, axis=1)  # time[i, u] for edge (i → j)
    arr = np.maximum(c.ready[us][:, None], into + edep)
    ok = arr <= c.due[us][:, None]
    ok &= arr + c.time[us].take(et, axis=1) <= ez - c.service[us][:, None]
    rl = lay.load.take(er) * (er >= 0)
    ok &= rl + c.demand[us][:, None] <= c.capacity
    ok &= (er != lay.route[us][:, None]) | (er < 0)
    add = c.cost_t[us].take(ef, axis=1) + c.cost[us].take(et, axis=1) - c.cost[ef, et]
    return add, ok


def _position(seq: list[int], after: int) -> int:
    """Index in ``seq`` right after node ``after`` (0 = the depot: the front)."""
    return 0 if after == 0 else seq.index(after) + 1


Move = tuple[int, int, int, int, int, int]


def _relocations(c: Core, lay: Layout, us: IntArray, edges: IntArray) -> list[Move]:
    """Improving relocations of customers ``us`` onto ``edges`` (kind 0)."""
    if not len(us) or not len(edges):
        return []
    p, q = lay.prev[us], lay.nxt[us]
    cst = c.cost
    gain = cst[p, us] + cst[us, q] - cst[p, q]
    removable = lay.pdep[us] + c.time[p, q] <= lay.nz[us]
    add, ok = insertion_matrix(c, lay, us, edges)
    delta = np.where(ok & removable[:, None], add - gain[:, None], _BIG)
    rows, cols = np.nonzero(delta < 0)
    ks = edges[cols]
    return [
        (int(d), 0, int(u), int(k), int(r1), int(r2))
        for d, u, k, r1, r2 in zip(
            delta[rows, cols].tolist(),
            us[rows].tolist(),
            ks.tolist(),
            lay.route[us[rows]].tolist(),
            lay.er[ks].tolist(),
            strict=True,
        )
    ]


def _swaps(c: Core, lay: Layout, a: IntArray, b: IntArray, ordered: bool) -> list[Move]:
    """Improving exchanges of a customer in ``a`` with one in ``b`` on another route (kind 1).

    ``ordered`` keeps each unordered pair once (route of a < route of b) when ``a`` and ``b``
    overlap.
    """
    if not len(a) or not len(b):
        return []
    cst, tm = c.cost, c.time

    def fit(x: IntArray, y: IntArray) -> BoolArray:
        """x[i] can take y[j]'s place (window and the slack after y[j])."""
        py, qy = lay.prev[y], lay.nxt[y]
        arr = np.maximum(c.ready[x][:, None], lay.pdep[y][None, :] + c.time_t[x].take(py, axis=1))
        out: BoolArray = (arr <= c.due[x][:, None]) & (
            arr + c.service[x][:, None] + tm[x].take(qy, axis=1) <= lay.nz[y][None, :]
        )
        return out

    def put(x: IntArray, y: IntArray) -> IntArray:
        """Cost change of y[j]'s two edges when x[i] takes its place."""
        py, qy = lay.prev[y], lay.nxt[y]
        held = cst[py, y] + cst[y, qy]
        out: IntArray = c.cost_t[x].take(py, axis=1) + cst[x].take(qy, axis=1) - held[None, :]
        return out

    ra, rb = lay.route[a], lay.route[b]
    dq = c.demand[a][:, None] - c.demand[b][None, :]
    ok = fit(a, b) & fit(b, a).T
    ok &= (ra[:, None] < rb[None, :]) if ordered else (ra[:, None] != rb[None, :])
    ok &= (lay.load[rb][None, :] + dq <= c.capacity) & (lay.load[ra][:, None] - dq <= c.capacity)
    sw = np.where(ok, put(a, b) + put(b, a).T, _BIG)
    rows, cols = np.nonzero(sw < 0)
    return [
        (int(d), 1, int(u), int(v), int(r1), int(r2))
        for d, u, v, r1, r2 in zip(
            sw[rows, cols].tolist(),
            a[rows].tolist(),
            b[cols].tolist(),
            ra[rows].tolist(),
            rb[cols].tolist(),
            strict=True,
        )
    ]


def _tails(c: Core, lay: Layout, a: IntArray, b: IntArray, ordered: bool) -> list[Move]:
    """Improving 2-opt* moves between edges ``a`` and ``b`` (kind 2; an empty vehicle's edge
    always comes first, which ``apply_move`` relies on)."""
    if not len(a) or not len(b):
        return []
    cst, tm = c.cost, c.time
    ef, et, er = lay.ef, lay.et, lay.er
    fa, ta, fb, tb = ef[a], et[a], ef[b], et[b]
    ok = lay.edep[a][:, None] + tm[fa].take(tb, axis=1) <= lay.ez[b][None, :]
    ok &= (lay.edep[b][:, None] + tm[fb].take(ta, axis=1) <= lay.ez[a][None, :]).T
    ok &= (er[a][:, None] < er[b][None, :]) if ordered else (er[a][:, None] != er[b][None, :])
    ok &= lay.epre[a][:, None] + lay.esuf[b][None, :] <= c.capacity
    ok &= lay.epre[b][None, :] + lay.esuf[a][:, None] <= c.capacity
    d2 = cst[fa].take(tb, axis=1) + cst[fb].take(ta, axis=1).T - cst[fa, ta][:, None] - cst[fb, tb][None, :]
    d2 = np.where(ok, d2, _BIG)
    rows, cols = np.nonzero(d2 < 0)
    out: list[Move] = []
    for d, x, y in zip(d2[rows, cols].tolist(), a[rows].tolist(), b[cols].tolist(), strict=True):
        if er[y] < 0:
            x, y = y, x
        out.append((int(d), 2, x, y, int(er[x]), int(er[y])))
    return out


def inter_moves(c: Core, lay: Layout, dirty: BoolArray | None = None) -> list[Move]:
    """Improving inter-route moves as (delta, kind, a, b, route1, route2), best first.

    ``dirty`` (one flag per route) limits the search to moves touching a flagged route: after a
    ruin-and-recreate or a pass of moves only those routes changed, and every move between two
    unchanged routes was already found not to improve. None prices every move.
    """
    us = np.arange(1, c.n + 1)
    edges = np.arange(len(lay.ef))
    if dirty is None:
        return sorted(
            _relocations(c, lay, us, edges)
            + _swaps(c, lay, us, us, True)
            + _tails(c, lay, edges, edges, True)
        )
    hot_u = dirty[lay.route[us]]
    hot_e = (lay.er >= 0) & dirty[lay.er]
    du, cu = us[hot_u], us[~hot_u]
    de, ce = edges[hot_e], edges[~hot_e]
    return sorted(
        _relocations(c, lay, du, edges)
        + _relocations(c, lay, cu, de)
        + _swaps(c, lay, du, du, True)
        + _swaps(c, lay, du, cu, False)
        + _tails(c, lay, de, de, True)
        + _tails(c, lay, de, ce, False)
    )


def apply_move(routes: Routes, lay: Layout, kind: int, a: int, b: int) -> None:
    """Apply one move of ``inter_moves`` (kind 0 relocate, 1 swap, 2 2-opt*) in place."""
    if kind == 0:
        r1 = int(lay.route[a])
        routes[r1].remove(a)
        r2 = int(lay.er[b])
        if r2 < 0:
            r2 = next(i for i, s in enumerate(routes) if not s and i != r1)
        seq = routes[r2]
        seq.insert(_position(seq, int(lay.ef[b])), a)
    elif kind == 1:
        s1, s2 = routes[int(lay.route[a])], routes[int(lay.route[b])]
        i, j = s1.index(a), s2.index(b)
        s1[i], s2[j] = b, a
    else:
        ra, rb = int(lay.er[a]), int(lay.er[b])
        if ra < 0:
            ra = next(i for i, s in enumerate(routes) if not s and i != rb)
        sa, sb = routes[ra], routes[rb]
        ia, ib = _position(sa, int(lay.ef[a])), _position(sb, int(lay.ef[b]))
        routes[ra], routes[rb] = sa[:ia] + sb[ib:], sb[:ib] + sa[ia:]


_SEGMENTS = (1, 2, 3)
"""Lengths of the strings or-opt moves inside a route."""
_TRIES = 16
"""Cheapest intra-route candidates checked for time-window feasibility per route and pass."""


def _oropt(cst: IntArray, path: IntArray, seq: list[int]) -> list[tuple[int, list[int]]]:
    """Improving or-opt moves of one route (a string of 1–3 customers moved elsewhere in it,
    same orientation) as (cost change, new sequence), priced by cost only."""
    m = len(seq)
    out: list[tuple[int, list[int]]] = []
    ks = np.arange(m + 1)
    for length in _SEGMENTS:
        if m < length + 1:
            break
        i = np.arange(1, m - length + 2)
        first, last = path[i], path[i + length - 1]
        before, after = path[i - 1], path[i + length]
        gain = cst[before, first] + cst[last, after] - cst[before, after]
        add = cst[path[ks][None, :], first[:, None]] + cst[last[:, None], path[ks + 1][None, :]]
        add -= cst[path[ks], path[ks + 1]][None, :]
        delta = add - gain[:, None]
        delta[(ks[None, :] > i[:, None] - 2) & (ks[None, :] < i[:, None] + length)] = _BIG
        for a, k in np.argwhere(delta < 0).tolist():
            start = int(i[a]) - 1
            seg = seq[start : start + length]
            rest = seq[:start] + seq[start + length :]
            pos = k if k <= start - 1 else k - length
            out.append((int(delta[a, k]), rest[:pos] + seg + rest[pos:]))
    return out


def _reversals(cst: IntArray, path: IntArray, seq: list[int]) -> list[tuple[int, list[int]]]:
    """Improving 2-opt moves inside a route (a stretch of it driven backwards), exact for
    asymmetric costs: the stretch's own edges are re-priced in the other direction."""
    m = len(seq)
    if m < 3:
        return []
    fwd = np.concatenate([[0], np.cumsum(cst[path[:-1], path[1:]])])
    bwd = np.concatenate([[0], np.cumsum(cst[path[1:], path[:-1]])])
    i = np.arange(1, m + 1)[:, None]
    j = np.arange(1, m + 1)[None, :]
    jj = np.minimum(j, m)
    delta = cst[path[i - 1], path[jj]] + cst[path[i], path[jj + 1]]
    delta -= cst[path[i - 1], path[i]] + cst[path[jj], path[jj + 1]]
    delta += (bwd[jj] - bwd[i]) - (fwd[jj] - fwd[i])
    delta = np.where(j > i, delta, _BIG)
    out: list[tuple[int, list[int]]] = []
    for a, b in np.argwhere(delta < 0).tolist():
        out.append((int(delta[a, b]), seq[:a] + seq[a : b + 1][::-1] + seq[b + 1 :]))
    return out


def _intra(c: Core, routes: Routes, only: set[int] | None = None) -> set[int]:
    """One pass of or-opt (strings of 1–3) and 2-opt inside each route in ``only`` (all when
    None): the cheapest candidates by cost are checked for feasibility and the first feasible one
    is applied. Returns the routes it improved."""
    improved: set[int] = set()
    for r, seq in enumerate(routes):
        if len(seq) < 2 or (only is not None and r not in only):
            continue
        path = np.asarray([0, *seq, 0])
        cand = _oropt(c.cost, path, seq) + _reversals(c.cost, path, seq)
        cand.sort(key=lambda x: x[0])
        for _, trial in cand[:_TRIES]:
            if feasible(c, trial):
                routes[r] = trial
                improved.add(r)
                break
    return improved


def changed(before: Routes, after: Routes) -> set[int]:
    """Indices of the routes that differ between two solutions of the same fleet."""
    return {r for r, (x, y) in enumerate(zip(before, after, strict=True)) if x != y}


def descend(c: Core, routes: Routes, dirty: set[int] | None = None) -> Routes:
    """Apply improving moves until none is left; returns the (modified) routes.

    ``dirty`` names the routes changed since ``routes`` was last a local optimum (None: all of
    them); only moves touching a dirty route are priced, and each pass narrows the set to the
    routes it changed plus those of the improving moves it had to skip.
    """
    fleet = len(routes)
    inter = None if dirty is None else set(dirty)
    intra = None if dirty is None else set(dirty)
    while True:
        lay = layout(c, routes)
        flags = None
        if inter is not None:
            flags = np.zeros(fleet, dtype=np.bool_)
            flags[list(inter)] = True
        moves = inter_moves(c, lay, flags)
        before = [list(r) for r in routes]
        touched: set[int] = set()
        skipped: set[int] = set()
        for _, kind, a, b, r1, r2 in moves:
            if r1 in touched or r2 in touched or (r1 < 0 and -1 in touched) or (r2 < 0 and -1 in touched):
                skipped.update((r1, r2))
                continue
            apply_move(routes, lay, kind, a, b)
            touched.update((r1, r2))
        if touched:
            moved = changed(before, routes)
            inter = moved | (skipped - {-1})
            intra = None if intra is None else intra | moved
            continue
        better = _intra(c, routes, intra)
        if not better:
            return routes
        inter, intra = better, set()
