"""Snapshot → routing problem: shifts, breaks, absences, teams, late deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.planning.build import build, plan_epoch
from dispatch.planning.routing import SolveParams, solve, validate
from dispatch.planning.snapshot import (
    Engineer,
    Interval,
    Job,
    Snapshot,
    changes,
    fingerprint,
    from_json,
    to_json,
)
from dispatch.planning.worker import run_insert, run_plan

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday, 09:00 in Yantai
YANTAI = (121.447, 37.464)


def eng(name: str = "wang", skills: tuple[str, ...] = ("hydraulic",), **kw: object) -> Engineer:
    base: dict[str, object] = {
        "id": name,
        "name": name,
        "team": "plant:p",
        "lon": YANTAI[0],
        "lat": YANTAI[1],
        "start_source": "home",
        "skills": frozenset(skills),
    }
    base.update(kw)
    return Engineer(**base)  # type: ignore[arg-type]


def job(tid: str, dlon: float, hours: float, **kw: object) -> Job:
    base: dict[str, object] = {
        "ticket_id": tid,
        "number": 1000 + len(tid),
        "team": "plant:p",
        "lon": YANTAI[0] - dlon,
        "lat": YANTAI[1],
        "urgency": "normal",
        "fault_type": "hydraulic",
        "deadline": NOW + timedelta(hours=hours),
    }
    base.update(kw)
    return Job(**base)  # type: ignore[arg-type]


def snap(engineers: tuple[Engineer, ...], jobs: tuple[Job, ...], now: datetime = NOW) -> Snapshot:
    return Snapshot("plant", "p", "Asia/Shanghai", now, 72, engineers, jobs)


def test_shifts_start_now_carry_the_lunch_break_and_overtime() -> None:
    built = build(snap((eng(),), ()))
    shifts = built.problem.vehicles[0].shifts
    assert built.epoch == plan_epoch(NOW, "Asia/Shanghai") == datetime(2026, 11, 23, tzinfo=TZ)
    assert shifts[0].start_s == 9 * 3600 and shifts[0].end_s == 18 * 3600
    assert shifts[0].overtime_max_s == 7200
    assert shifts[0].break_rule is not None and shifts[0].break_rule.earliest_start_s == 12 * 3600
    assert [s.start_s // 86400 for s in shifts] == [0, 1, 2, 3]  # 72 h from 09:00 reaches day 3's morning
    assert shifts[-1].work_end_s <= built.problem.horizon_s


def test_now_inside_the_lunch_break_starts_after_it() -> None:
    built = build(snap((eng(),), (), now=NOW.replace(hour=12, minute=30)))
    first = built.problem.vehicles[0].shifts[0]
    assert first.start_s == 13 * 3600 and first.break_rule is None


def test_an_absence_cuts_shifts_and_a_whole_horizon_absence_excludes() -> None:
    ill = Interval(NOW, NOW + timedelta(days=1, hours=3))  # until Tuesday 12:00
    built = build(
        snap((eng(unavailable=(ill,)), eng("li", unavailable=(Interval(NOW, NOW + timedelta(days=9)),))), ())
    )
    shifts = built.problem.vehicles[0].shifts
    assert shifts[0].start_s == 86400 + 13 * 3600  # Tuesday after lunch
    assert [e.id for e in built.engineers] == ["wang"]
    assert [(x.engineer_id, x.reason) for x in built.excluded] == [("li", "unavailable")]


def test_engineer_without_location_is_left_out_with_a_reason() -> None:
    built = build(snap((eng(lon=None, lat=None),), (job("a", 0.5, 24),)))
    assert built.problem.vehicles == ()
    assert [(x.engineer_id, x.reason) for x in built.excluded] == [("wang", "no_location")]
    outcome = run_plan(snap((eng(lon=None, lat=None),), (job("a", 0.5, 24),)), 1.0)
    assert outcome.result["unassigned"][0]["reason"] == "no_engineer"


def test_team_and_skills_restrict_who_goes_r_di_1_r_di_6() -> None:
    outlet_job = job("o", 0.3, 24, team="outlet:x")
    built = build(snap((eng(),), (outlet_job, job("e", 0.3, 24, fault_type="electrical"))))
    veh = built.problem.vehicles[0]
    assert all(not veh.can_serve(v) for v in built.problem.visits)
    outcome = run_plan(snap((eng(),), (outlet_job,)), 1.0)
    assert outcome.result["unassigned"][0]["reason"] == "no_engineer"
    assert "outlet:x" in outcome.result["unassigned"][0]["detail"]
    electrical = run_plan(snap((eng(),), (job("e", 0.3, 24, fault_type="electrical"),)), 1.0)
    assert electrical.result["unassigned"][0]["reason"] == "no_skill"


def test_deadlines_at_24_48_72_h_are_met_including_an_overnight_trip_r_di_2() -> None:
    jobs = (job("near", 2.0, 24), job("mid", 8.0, 48), job("far", 13.0, 72))  # ~180, 700, 1150 km west
    outcome = run_plan(snap((eng(), eng("li")), jobs), 2.0)
    result = outcome.result
    assert result["unassigned"] == [] and result["violations"] == []
    stops = [s for r in result["routes"] for s in r["stops"]]
    assert {s["ticket_id"] for s in stops} == {"near", "mid", "far"}
    assert all(s["slack_s"] >= 0 and not s["late"] for s in stops)
    far = next(s for s in stops if s["ticket_id"] == "far")
    assert datetime.fromisoformat(far["arrival"]).date() > NOW.date()  # driven over more than one day


def test_a_deadline_no_one_can_meet_is_planned_late_and_flagged() -> None:
    impossible = job("late", 10.0, 2)  # ~880 km in 2 h
    built = build(snap((eng(),), (impossible,)))
    assert built.late == {"late"} and built.problem.visits[0].deadline_s is None
    outcome = run_plan(snap((eng(),), (impossible,)), 1.0)
    stop = outcome.result["routes"][0]["stops"][0]
    assert stop["late"] and stop["slack_s"] < 0
    assert outcome.result["totals"]["deadlines_missed"] == 1


def test_pinned_en_route_job_stays_with_its_engineer() -> None:
    pinned = job("p", 0.2, 24, technician_id="li", work_order_state="en_route", pinned=True)
    outcome = run_plan(snap((eng(), eng("li")), (pinned,)), 1.0)
    routes = {r["technician_id"]: r for r in outcome.result["routes"]}
    assert [s["ticket_id"] for s in routes["li"]["stops"]] == ["p"]


def test_fingerprint_sees_work_orders_deadlines_and_absences_not_positions() -> None:
    base = snap((eng(),), (job("a", 0.5, 24),))
    moved = snap((eng(lon=120.0),), (job("a", 0.5, 24),))
    assert fingerprint(base) == fingerprint(moved)
    later = snap((eng(),), (job("a", 0.5, 30),))
    assert fingerprint(base) != fingerprint(later)
    assert changes(base, later) == ["ticket a: arrival deadline changed"]
    sick = snap((eng(unavailable=(Interval(NOW, NOW + timedelta(hours=5)),)),), (job("a", 0.5, 24),))
    assert fingerprint(base) != fingerprint(sick)
    assert from_json(to_json(sick)) == sick


def test_urgent_insertion_keeps_every_promise_and_uses_a_sparse_matrix() -> None:
    jobs = (job("a", 0.5, 24), job("b", 1.0, 30))
    plan = run_plan(snap((eng(), eng("li")), jobs), 1.0).result
    seqs = {r["technician_id"]: [s["ticket_id"] for s in r["stops"]] for r in plan["routes"]}
    urgent = job("u", 0.7, 6, urgency="extra_urgent")
    world = snap((eng(), eng("li")), (*jobs, urgent))
    outcome = run_insert(world, seqs, "u")
    assert outcome.refused is None and outcome.result is not None
    built = build(world, sequences=seqs)
    assert not built.problem.matrix.reachable.all()  # only route legs and the new visit's pairs
    stops = [s for r in outcome.result["routes"] for s in r["stops"]]
    assert {s["ticket_id"] for s in stops} == {"a", "b", "u"}
    assert all(not s["late"] for s in stops)


def test_the_validator_gates_a_broken_plan() -> None:
    built = build(snap((eng(),), (job("a", 0.5, 24),)))
    solution = solve(built.problem, SolveParams(time_limit_s=None, solution_limit=1))
    route = solution.routes[0]
    early = replace(route.stops[0], arrival_s=route.stops[0].arrival_s - 3 * 3600)  # impossible drive
    broken = replace(solution, routes=(replace(route, stops=(early,)),))
    assert validate(built.problem, solution) == []
    assert validate(built.problem, broken)
