"""A ticket's clocks over HTTP, judged by the app's injected clock (never the day the suite runs):
response (R-IN-3), forwarding (R-IN-4), arrival (R-DI-2) and the engineer's report (R-FU-3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.composition import build_components
from api.settings import Settings
from tests.conftest import Auth
from tests.integration.field_work.helpers import HYDRAULIC_CHECKLIST, create_technician
from tests.integration.helpers import call, create_plant, site_at

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """The app's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = datetime.fromisoformat(text)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 20, 16, 5, tzinfo=SHANGHAI))


@pytest.fixture
def clocked(settings: Settings, clock: Clock) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(settings, build_components(settings, clock=clock))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _ticket(client: TestClient, headers: dict[str, str], reported_at: str, **extra: Any) -> tuple[str, str]:  # type: ignore[type-arg]
    plant = create_plant(client, headers)
    body = call(plant["id"], site_at(120), reported_at=reported_at, urgency="urgent", **extra)
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"]), str(plant["id"])


def _clocks(client: TestClient, ticket: str, headers: dict[str, str]) -> dict[str, dict[str, Any]]:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/tickets/{ticket}/clocks", headers=headers)
    assert response.status_code == 200, response.text
    return {clock["name"]: clock for clock in response.json()["clocks"]}


def _states(client: TestClient, ticket: str, headers: dict[str, str]) -> dict[str, str]:  # type: ignore[type-arg]
    return {name: clock["state"] for name, clock in _clocks(client, ticket, headers).items()}


def test_clocks_of_an_urgent_call_run_and_are_kept_r_in_3_r_in_4_r_di_2(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    clock: Clock,
) -> None:
    office = auth("dispatcher")
    ticket, plant = _ticket(clocked, office, "2026-11-20T16:00:00+08:00")  # a Friday afternoon
    clocks = _clocks(clocked, ticket, office)
    assert clocks["response"] == {
        "name": "response",
        "rule": "R-IN-3",
        "currency": "wall",
        "started_at": "2026-11-20T16:00:00+08:00",
        "due_at": "2026-11-20T16:30:00+08:00",
        "state": "running",
        "responsible": "dispatcher",
        "estimated": False,
        "kept_at": None,
        "paused_by": None,
    }
    forwarding = clocks["forwarding"]
    assert (forwarding["rule"], forwarding["currency"]) == ("R-IN-4", "working")
    assert forwarding["due_at"] == "2026-11-23T11:00:00+08:00"  # 1.5 h Friday + 2.5 h Monday
    assert forwarding["responsible"] == "dispatcher:dev"
    assert clocks["arrival"]["due_at"] == "2026-11-21T16:00:00+08:00"  # 24 h within 500 km
    assert clocks["arrival"]["rule"] == "R-DI-2"
    assert clocks["arrival"]["responsible"] == f"plant:{plant}"

    clock.set("2026-11-20T16:25:00+08:00")  # 5 of 30 minutes left
    assert _states(clocked, ticket, office)["response"] == "at_risk"

    technician = create_technician(clocked, office, plant)
    clock.set("2026-11-20T16:28:00+08:00")
    order = clocked.post(
        "/api/v1/work-orders", json={"ticket_id": ticket, "technician_id": technician}, headers=office
    )
    assert order.status_code == 201, order.text
    detail = clocked.get(f"/api/v1/tickets/{ticket}", headers=office).json()
    assert detail["responded_at"] == detail["forwarded_at"] == "2026-11-20T16:28:00+08:00"

    clock.set("2026-11-21T17:00:00+08:00")  # an hour past the arrival deadline, nobody on site
    states = _states(clocked, ticket, office)
    assert states == {"response": "met", "forwarding": "met", "arrival": "breached"}
    arrival = _clocks(clocked, ticket, office)["arrival"]
    assert arrival["responsible"] == f"technician:{technician}"


def test_clocks_read_as_the_ticket_reads(clocked: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Same access as the ticket: a stranger outlet or engineer finds no such ticket."""
    ticket, _ = _ticket(clocked, auth("admin"), "2026-11-20T16:00:00+08:00")
    assert clocked.get(f"/api/v1/tickets/{ticket}/clocks", headers=auth("executive")).status_code == 200
    assert clocked.get(f"/api/v1/tickets/{ticket}/clocks", headers=auth("outlet")).status_code == 404
    assert clocked.get(f"/api/v1/tickets/{ticket}/clocks", headers=auth("engineer")).status_code == 404
    assert clocked.get(f"/api/v1/tickets/{uuid.uuid4()}/clocks", headers=auth("admin")).status_code == 404


def test_a_deadline_set_by_hand_answers_the_call_and_unpauses_arrival_r_di_3(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    clock: Clock,
) -> None:
    office = auth("dispatcher")
    plant = create_plant(clocked, office, policy="military-300km")
    body = call(plant["id"], site_at(1200), reported_at="2026-11-20T16:00:00+08:00")  # the 1000-1500 km gap
    ticket = clocked.post("/api/v1/tickets", json=body, headers=office).json()["id"]
    arrival = _clocks(clocked, ticket, office)["arrival"]
    assert (arrival["state"], arrival["paused_by"], arrival["due_at"]) == ("paused", "needs_deadline", None)
    clock.set("2026-11-20T16:20:00+08:00")
    deadline = {"arrival_deadline": "2026-11-23T16:00:00+08:00", "reason": "agreed with the customer"}
    assert (
        clocked.post(f"/api/v1/tickets/{ticket}/deadline", json=deadline, headers=office).status_code == 200
    )
    clocks = _clocks(clocked, ticket, office)
    assert clocks["arrival"]["state"] == "running"
    assert clocks["arrival"]["rule"] == "R-DI-3"
    assert clocks["forwarding"]["state"] == "running"  # a deadline is a response, not a hand-over


def _send(client: TestClient, order: str, headers: dict[str, str], type_: str, **data: Any) -> str:  # type: ignore[type-arg]
    body = {"id": str(uuid.uuid4()), "type": type_, "data": data}
    response = client.post(f"/api/v1/work-orders/{order}/events", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


def test_a_job_completed_in_an_estimated_year_gets_its_report_deadline_r_fu_3(
    clocked: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    clock: Clock,
) -> None:
    """Completed on Thursday 4 February 2027 (no published notice yet): 除夕 … 初三 are off,
    so the report is due by the end of Thursday 11 February, and the deadline says it is estimated.
    Before, such a job stored no deadline at all."""
    clock.set("2027-02-03T09:00:00+08:00")
    office = auth("dispatcher")
    ticket, plant = _ticket(clocked, office, "2027-02-03T08:45:00+08:00")
    technician = create_technician(clocked, office, plant)
    order = clocked.post(
        "/api/v1/work-orders", json={"ticket_id": ticket, "technician_id": technician}, headers=office
    ).json()["id"]
    engineer = auth("engineer", technician=technician)
    clock.set("2027-02-03T10:00:00+08:00")
    for step in ("accept", "depart"):
        _send(clocked, order, engineer, step)
    clock.set("2027-02-03T15:00:00+08:00")
    assert _send(clocked, order, engineer, "arrive") == "on_site"
    _send(clocked, order, engineer, "checklist_done", items=HYDRAULIC_CHECKLIST)
    _send(clocked, order, engineer, "start_work")
    _send(clocked, order, engineer, "test_run_done")
    _send(clocked, order, engineer, "product_check_done")
    _send(clocked, order, engineer, "customer_signed", signature_ref="sig/1.png", rating=5)
    approved = clocked.post(f"/api/v1/work-orders/{order}/approve-return", headers=auth("qa"))
    assert approved.status_code == 200, approved.text
    clock.set("2027-02-04T15:00:00+08:00")
    assert _send(clocked, order, engineer, "complete") == "completed"

    assert clocked.get(f"/api/v1/work-orders/{order}", headers=office).json()["report_due"] == "2027-02-11"
    clock.set("2027-02-10T12:00:00+08:00")
    clocks = _clocks(clocked, ticket, office)
    assert clocks["arrival"]["state"] == "met"
    report = clocks["report"]
    assert (report["rule"], report["currency"], report["estimated"]) == ("R-FU-3", "working", True)
    assert report["started_at"] == "2027-02-04T15:00:00+08:00"
    assert report["due_at"] == "2027-02-12T00:00:00+08:00"
    # the window holds 2.5 + 3 × 7.5 = 25 working hours; 13 are left on 10 February at noon
    assert report["state"] == "running"
    clock.set("2027-02-11T14:00:00+08:00")  # 3.5 left: less than a quarter
    assert _clocks(clocked, ticket, office)["report"]["state"] == "at_risk"
    clock.set("2027-02-11T16:00:00+08:00")
    _send(clocked, order, engineer, "report_filed", expenses=[], returned_material=[])
    assert _clocks(clocked, ticket, office)["report"]["state"] == "met"
