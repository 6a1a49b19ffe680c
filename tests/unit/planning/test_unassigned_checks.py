"""The field-plan benchmark's checker verifies each unassigned ticket's reason on its own (R-DI-6
skills, R-DI-2 deadlines), and counts capacity only as far as the lower bound proves it."""

from __future__ import annotations

from collections import Counter

from bench.field_instances import generate
from bench.unassigned_checks import check_unassigned
from dispatch.planning.worker import run_plan


def test_every_reason_is_verified_or_reported_unproven() -> None:
    snapshot = generate(300, 40, 20, 7)
    outcome = run_plan(snapshot, 2.0, solution_limit=50)
    unassigned = outcome.result["unassigned"]
    given = Counter(u["reason"] for u in unassigned)
    checked = check_unassigned(snapshot, unassigned)

    assert given["no_skill"] > 0, "the generator gives some outlets engineers without a fault's skill"
    assert checked.verified["no_skill"] == given["no_skill"] and not checked.unproven["no_skill"]
    for reason, count in given.items():
        assert checked.verified[reason] + checked.unproven[reason] == count
    assert checked.verified["capacity"] <= checked.capacity_bound


def test_a_wrong_reason_is_not_verified() -> None:
    snapshot = generate(300, 40, 20, 7)
    outcome = run_plan(snapshot, 2.0, solution_limit=50)
    planned = [s["ticket_id"] for r in outcome.result["routes"] for s in r["stops"]][:3]
    claimed = [{"ticket_id": t, "reason": "no_skill"} for t in planned]  # they were planned: false
    checked = check_unassigned(snapshot, claimed)
    assert checked.unproven["no_skill"] == 3 and not checked.verified["no_skill"]
