"""Classic VRPTW benchmark through the routing core's pure mode.

Usage: ``aftersales bench vrptw [FILE…] [--time-limit S] [--seed N] [--workers N] [--bks bks.csv]`` (or
``python -m bench.vrptw``). One JSON line per instance: ``instance``, ``vehicles``, ``distance``
(DIMACS: floor(10·euclid)/10, minimise distance, fleet ≤ VEHICLES), ``routes`` (customer ids as
in the ``.sol`` files), ``seconds``, ``feasible`` (our independent validator), and ``bks`` /
``gap_pct`` when ``bks.csv`` (looked up next to the files or given) has the DIMACS row. The run is
single-threaded unless ``--workers`` gives our own search more processes (OR-Tools' routing
search uses one core). To compare with PyVRP on the same machine load, use
``python -m bench.vrptw_compare``.

``SOLOMON_12`` is the fixed 12-instance set our routing figures are reported on: instances 01
and 05 of each Solomon class (C1, C2, R1, R2, RC1, RC2), tight and loose windows alike.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

from dispatch.planning.routing import InvalidRoutingInput, SolveParams, solve, validate
from dispatch.planning.routing.vrplib import read_instance, tenths

DATA_DIR = Path(__file__).resolve().parent / "data" / "vrptw"
"""Solomon and Gehring–Homberger (200) instances with best-known solutions (``README.md`` there)."""
SOLOMON_DIR = DATA_DIR / "solomon"
HOMBERGER_200_DIR = DATA_DIR / "homberger" / "200"

SOLOMON_12 = (
    "C101",
    "C105",
    "C201",
    "C205",
    "R101",
    "R105",
    "R201",
    "R205",
    "RC101",
    "RC105",
    "RC201",
    "RC205",
)


def load_bks(path: Path | None, files: list[Path]) -> dict[str, float]:
    """DIMACS best-known distances by instance name (empty when no ``bks.csv`` is found)."""
    candidates = [path] if path else [d / "bks.csv" for f in files for d in f.resolve().parents]
    for c in candidates:
        if c is not None and c.is_file():
            with c.open(newline="") as fh:
                return {
                    r["instance"]: float(r["distance"])
                    for r in csv.DictReader(fh)
                    if r["source"].startswith("DIMACS")
                }
    return {}


def with_gap(row: dict[str, object], bks: dict[str, float]) -> dict[str, object]:
    """Add ``bks`` and ``gap_pct`` to a result row when the instance has a best-known value."""
    best = bks.get(str(row["instance"]))
    if best is not None and isinstance(row.get("distance"), float):
        row["bks"] = best
        row["gap_pct"] = round(100.0 * (float(row["distance"]) - best) / best, 2)  # type: ignore[arg-type]
    return row


def parser(prog: str) -> argparse.ArgumentParser:
    """Command-line flags shared with ``bench.vrptw_compare``."""
    p = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0] if __doc__ else "")
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        default=[SOLOMON_DIR / f"{name}.vrp" for name in SOLOMON_12],
        help="VRPLIB .vrp files (default: the SOLOMON_12 set in bench/data/vrptw/solomon)",
    )
    p.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bks", type=Path, default=None, help="bks.csv (default: next to the files)")
    p.add_argument(
        "--workers", type=int, default=1, help="processes for our own search (SolveParams.workers)"
    )
    return p


def main(argv: list[str]) -> int:
    """Solve each file, print one JSON line each, then a summary line on stderr."""
    args = parser("aftersales bench vrptw").parse_args(argv)
    bks = load_bks(args.bks, args.files)
    gaps: list[float] = []
    ok = True
    for path in args.files:
        try:
            inst = read_instance(path)
            params = SolveParams(time_limit_s=args.time_limit, seed=args.seed, workers=args.workers)
        except InvalidRoutingInput as exc:
            print(
                json.dumps({"error": "invalid_input", "field": exc.field, "detail": str(exc)}),
                file=sys.stderr,
            )
            return 2
        started = time.perf_counter()
        plan = solve(inst.problem, params)
        seconds = time.perf_counter() - started
        feasible = not validate(inst.problem, plan) and not plan.unassigned
        routes = [[int(s.visit_id) for s in r.stops] for r in plan.routes if r.stops]
        row = with_gap(
            {
                "instance": inst.name,
                "vehicles": len(routes),
                "distance": tenths(plan.distance),
                "routes": routes,
                "seconds": round(seconds, 2),
                "feasible": feasible,
                "unassigned": len(plan.unassigned),
            },
            bks,
        )
        ok &= feasible
        if "gap_pct" in row:
            gaps.append(float(row["gap_pct"]))  # type: ignore[arg-type]
        print(json.dumps(row), flush=True)
    if gaps:
        print(f"median gap {statistics.median(gaps):.2f} % over {len(gaps)} instances", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
