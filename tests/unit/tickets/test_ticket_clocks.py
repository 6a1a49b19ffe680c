"""Ticket clocks: which promises a ticket runs against and how each is judged at an injected
instant (R-IN-3 response, R-IN-4 forwarding, R-DI-2 arrival, R-FU-3 report)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.calendar import china_calendar, default_hours, working_time_between
from dispatch.tickets.clocks import (
    ClockState,
    Currency,
    Promise,
    TicketFacts,
    Visit,
    judge,
    ticket_promises,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = china_calendar()
HOURS = default_hours()
PLANT = uuid.uuid4()
TECH = uuid.uuid4()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def wall(start: datetime, end: datetime) -> timedelta:
    return end - start


def promise(due: str, kept: str | None = None, paused_by: str | None = None) -> Promise:
    return Promise(
        "response",
        "R-IN-3",
        Currency.WALL,
        at("2026-11-23 09:00"),
        at(due),
        at(kept) if kept else None,
        "dispatcher",
        paused_by=paused_by,
    )


@pytest.mark.parametrize(
    ("kept", "now", "state"),
    [
        (None, "2026-11-23 09:10", ClockState.RUNNING),
        (None, "2026-11-23 09:22:30", ClockState.RUNNING),  # 7.5 of 30 minutes left: exactly 25 %
        (None, "2026-11-23 09:22:31", ClockState.AT_RISK),  # less than 25 % left
        (None, "2026-11-23 09:30", ClockState.AT_RISK),  # due now: not yet passed
        (None, "2026-11-23 09:30:01", ClockState.BREACHED),  # due passed, never kept
        ("2026-11-23 09:20", "2026-11-23 09:25", ClockState.MET),
        ("2026-11-23 09:30", "2026-11-23 12:00", ClockState.MET),  # kept exactly on time
        ("2026-11-23 09:31", "2026-11-23 12:00", ClockState.BREACHED),  # kept late
        (None, "2026-11-23 08:00", ClockState.RUNNING),  # judged before it started
    ],
)
def test_states_by_the_injected_instant_r_in_3(kept: str | None, now: str, state: ClockState) -> None:
    assert judge(promise("2026-11-23 09:30", kept), at(now), 0.25, wall) is state


def test_paused_stands_still_but_a_kept_promise_is_judged() -> None:
    assert judge(
        promise("2026-11-23 09:30", paused_by="needs_deadline"), at("2026-11-24 00:00"), 0.25, wall
    ) is (ClockState.PAUSED)
    kept = promise("2026-11-23 09:30", "2026-11-23 09:20", paused_by="ticket_closed")
    assert judge(kept, at("2026-11-24 00:00"), 0.25, wall) is ClockState.MET


def test_the_at_risk_share_is_the_policys() -> None:
    running = promise("2026-11-23 09:30")
    assert judge(running, at("2026-11-23 09:20"), 0.25, wall) is ClockState.RUNNING
    assert judge(running, at("2026-11-23 09:20"), 0.5, wall) is ClockState.AT_RISK


def facts(**changes: object) -> TicketFacts:
    base = TicketFacts(
        plant_id=PLANT,
        status="new",
        reported_at=at("2026-11-20 16:00"),  # a Friday afternoon
        response_deadline=at("2026-11-20 16:30"),
        arrival_deadline=at("2026-11-21 16:00"),
        responded_at=None,
        forwarded_at=None,
        outlet_id=None,
        created_by="dispatcher:hotline",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def by_name(found: list[Promise]) -> dict[str, Promise]:
    return {p.name: p for p in found}


def test_forwarding_is_4_working_hours_across_the_weekend_r_in_4() -> None:
    clocks = by_name(ticket_promises(facts(), CAL, HOURS))
    forwarding = clocks["forwarding"]
    assert forwarding.currency is Currency.WORKING
    assert forwarding.rule == "R-IN-4"
    assert forwarding.due_at == at("2026-11-23 11:00")  # 1.5 h on Friday, 2.5 h on Monday
    assert forwarding.responsible == "dispatcher:hotline"
    assert not forwarding.estimated
    assert forwarding.due_at is not None and forwarding.due_at.utcoffset() == timedelta(hours=8)


def test_forwarding_into_an_estimated_year_says_so_r_in_4() -> None:
    clocks = by_name(ticket_promises(facts(reported_at=at("2026-12-31 16:00")), CAL, HOURS))
    assert clocks["forwarding"].due_at == at("2027-01-04 11:00")  # 1.5 h, 元旦 and weekend, 2.5 h
    assert clocks["forwarding"].estimated


def test_working_time_at_risk_is_measured_in_working_time_r_in_4() -> None:
    """Friday 16:00 + 4 working hours = Monday 11:00. On Monday 08:30, 2.5 of 4 working hours are
    left (running) though 90 % of the wall-clock window has passed; at 10:15, 0.75 h (at risk)."""
    forwarding = by_name(ticket_promises(facts(), CAL, HOURS))["forwarding"]

    def working(a: datetime, b: datetime) -> timedelta:
        return working_time_between(a, b, CAL, HOURS).working

    assert judge(forwarding, at("2026-11-23 08:30"), 0.25, working) is ClockState.RUNNING
    assert judge(forwarding, at("2026-11-23 10:15"), 0.25, working) is ClockState.AT_RISK
    assert judge(forwarding, at("2026-11-23 11:01"), 0.25, working) is ClockState.BREACHED


def test_arrival_is_kept_by_the_first_arrival_on_site_r_di_2() -> None:
    visits = (
        Visit(TECH, at("2026-11-21 15:00"), None, None, ended=True),
        Visit(uuid.uuid4(), at("2026-11-21 17:00"), None, None),
    )
    arrival = by_name(ticket_promises(facts(visits=visits), CAL, HOURS))["arrival"]
    assert arrival.kept_at == at("2026-11-21 15:00")
    assert arrival.rule == "R-DI-2"
    assert arrival.responsible == f"technician:{visits[1].technician_id}"  # the one still on the job


def test_arrival_pauses_without_a_deadline_or_while_a_quote_waits_r_di_3() -> None:
    gap = by_name(ticket_promises(facts(arrival_deadline=None), CAL, HOURS))["arrival"]
    assert gap.paused_by == "needs_deadline"
    quote = by_name(ticket_promises(facts(blocked_by=("quote_unconfirmed",)), CAL, HOURS))["arrival"]
    assert quote.paused_by == "quote_unconfirmed"


def test_no_response_clock_when_the_policy_gives_none_r_in_3() -> None:
    assert "response" not in by_name(ticket_promises(facts(response_deadline=None), CAL, HOURS))


def test_report_is_due_by_the_end_of_the_third_working_day_r_fu_3() -> None:
    visits = (Visit(TECH, at("2026-12-29 10:00"), at("2026-12-30 15:00"), None),)
    report = by_name(ticket_promises(facts(visits=visits), CAL, HOURS))["report"]
    assert report.started_at == at("2026-12-30 15:00")
    assert report.due_at == at("2027-01-06 00:00")  # 31 Dec, (元旦, weekend), 4 and 5 January
    assert report.estimated
    assert report.responsible == f"technician:{TECH}"
    assert report.currency is Currency.WORKING


def test_a_cancelled_ticket_pauses_what_was_not_kept() -> None:
    clocks = ticket_promises(facts(status="cancelled", responded_at=at("2026-11-20 16:10")), CAL, HOURS)
    states = {p.name: judge(p, at("2026-11-30 09:00"), 0.25, wall) for p in clocks}
    assert states == {
        "response": ClockState.MET,
        "forwarding": ClockState.PAUSED,
        "arrival": ClockState.PAUSED,
    }
