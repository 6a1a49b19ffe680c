"""Field-service scale benchmark: plan, validate, insert one urgent ticket.

Usage: ``aftersales bench field_plan [--tickets 1000] [--engineers 100] [--outlets 40]
[--time-limit 60] [--seed 7]``. Runs the same worker function the API's process pool runs
(``dispatch.planning.worker.run_plan``: build + solve + independent validation + report) in this
process and prints one JSON line: sizes, seconds, peak memory (``resource.getrusage``), validated,
deadlines met / missed, unassigned by reason, the share of "feasible alone" visits planned on time,
the time to insert one extra-urgent ticket into the plan (``run_insert``), and the checker's
verdict on every unassigned ticket's reason (``bench/unassigned_checks.py``: verified or unproven;
capacity against a lower bound no plan can beat).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from bench.field_instances import generate
from bench.unassigned_checks import check_unassigned
from dispatch.planning.build import build
from dispatch.planning.report import sequences_of
from dispatch.planning.snapshot import Snapshot
from dispatch.planning.worker import peak_rss_mb, run_insert, run_plan


def _reference(snapshot: Snapshot, seconds: float, on_time: set[str]) -> dict[str, object]:
    """The same snapshot planned for ``seconds``: how many stops on time, and how many of them the
    timed plan also has (the timed plan's share of what a long search can do)."""
    outcome = run_plan(snapshot, seconds)
    theirs = {s["ticket_id"] for r in outcome.result["routes"] for s in r["stops"] if not s["late"]}
    return {
        "time_limit_s": seconds,
        "on_time": len(theirs),
        "timed_plan_on_time": len(on_time),
        "share_pct": round(100 * len(on_time) / len(theirs), 2) if theirs else None,
        "unassigned": dict(Counter(u["reason"] for u in outcome.result["unassigned"])),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftersales bench field_plan", description=__doc__)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--engineers", type=int, default=100)
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reference",
        type=float,
        metavar="SECONDS",
        help="also plan with this longer limit (e.g. 600) and print the share of its on-time stops "
        "that the timed plan reaches: sizing the fleet so the reference assigns every feasible "
        "deadline ticket tells search shortfall from real capacity",
    )
    args = parser.parse_args(argv)
    snapshot = generate(args.tickets, args.engineers, args.outlets, args.seed)
    started = time.monotonic()
    outcome = run_plan(snapshot, args.time_limit)
    total = time.monotonic() - started
    result = outcome.result
    reasons = Counter(u["reason"] for u in result["unassigned"])
    late_alone = build(snapshot).late  # visits nobody could reach in time even alone
    never = {u["ticket_id"] for u in result["unassigned"] if u["reason"] != "capacity"}
    feasible = [j.ticket_id for j in snapshot.jobs if j.ticket_id not in late_alone | never]
    on_time = {s["ticket_id"] for r in result["routes"] for s in r["stops"] if not s["late"]}
    met_feasible = sum(1 for t in feasible if t in on_time)
    # one extra-urgent call at the busiest team's base, inserted into the plan just made
    seqs = sequences_of(result)
    urgent = replace(
        snapshot.jobs[0],
        ticket_id="urgent",
        number=9999,
        urgency="extra_urgent",
        deadline=snapshot.now + timedelta(hours=24),
    )
    planned = {t for seq in seqs.values() for t in seq}
    insert_snapshot = replace(snapshot, jobs=(*(j for j in snapshot.jobs if j.ticket_id in planned), urgent))
    t0 = time.monotonic()
    inserted = run_insert(insert_snapshot, seqs, "urgent")
    insert_s = time.monotonic() - t0
    checked = check_unassigned(snapshot, result["unassigned"])
    reference = _reference(snapshot, args.reference, on_time) if args.reference else None
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "engineers": args.engineers,
                "outlets": args.outlets,
                "time_limit_s": args.time_limit,
                "seconds": round(total, 2),
                "build_s": result["stats"]["build_s"],
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "validated": not outcome.violations,
                "planned": result["totals"]["stops"],
                "deadlines_met": result["totals"]["deadlines_met"],
                "deadlines_missed": result["totals"]["deadlines_missed"],
                "late_flagged_unreachable_alone": len(late_alone),
                "feasible_alone": len(feasible),
                "feasible_alone_met": met_feasible,
                "unassigned": dict(reasons),
                "unassigned_checked": checked.as_dict(),
                "reference": reference,
                "engineers_used": result["totals"]["engineers_used"],
                "drive_h": round(result["totals"]["drive_s"] / 3600, 1),
                "overtime_h": round(result["totals"]["overtime_s"] / 3600, 1),
                "insert_urgent_s": round(insert_s, 3),
                "insert_result": inserted.refused
                or f"inserted at {inserted.position} of {inserted.technician_id}",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
