"""Route plans through the API: plan → poll → routes with GeoJSON → commit → work orders."""

from __future__ import annotations

from datetime import datetime

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.planning.helpers import plan_and_wait, small_world, ticket


def test_plan_commit_creates_work_orders_in_planned_order_r_di_2_r_di_6(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world = small_world(client, office)
    plan = plan_and_wait(client, office, {"plant_id": world["plant"]["id"]})
    assert plan["status"] == "done", plan
    assert plan["progress"] == 1.0
    routes = {r["technician_id"]: r for r in plan["routes"]}
    # skills (R-DI-6): the electrical ticket goes to Li, the hydraulic ones to Wang
    electrical = world["tickets"][2]["id"]
    assert [s["ticket_id"] for s in routes[world["li"]]["stops"]] == [electrical]
    assert sorted(s["ticket_id"] for s in routes[world["wang"]]["stops"]) == sorted(
        t["id"] for t in world["tickets"][:2]
    )
    for route in plan["routes"]:
        assert route["geometry"]["type"] == "LineString"
        assert len(route["geometry"]["coordinates"]) == len(route["stops"]) + 1
        for stop in route["stops"]:
            # R-DI-2: every arrival before its promised deadline, slack reported
            assert datetime.fromisoformat(stop["arrival"]) <= datetime.fromisoformat(stop["deadline"])
            assert stop["slack_s"] > 0 and not stop["late"]
    assert plan["totals"]["deadlines_met"] == 3 and plan["totals"]["deadlines_missed"] == 0
    assert plan["unassigned"] == []

    committed = client.post(f"/api/v1/plans/{plan['id']}/commit", headers=office)
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    for route in committed.json()["routes"]:
        for stop in route["stops"]:
            wo = client.get(f"/api/v1/work-orders/{stop['work_order_id']}", headers=office)
            assert wo.status_code == 200, wo.text
            assert wo.json()["technician_id"] == route["technician_id"]
            assert wo.json()["ticket_id"] == stop["ticket_id"]
        events = client.get(f"/api/v1/tickets/{route['stops'][0]['ticket_id']}", headers=office).json()[
            "events"
        ]
        assert any(e["kind"] == "planned" for e in events)

    again = client.post(f"/api/v1/plans/{plan['id']}/commit", headers=office)
    assert again.status_code == 409
    assert again.json()["error"] == "plan_not_committable"


def test_commit_after_the_world_changed_is_a_conflict(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world = small_world(client, office)
    plan = plan_and_wait(client, office, {"plant_id": world["plant"]["id"]})
    assert plan["status"] == "done", plan
    # a new ticket arrives after planning: the plan no longer describes the world
    ticket(client, office, world["plant"]["id"], 30)
    stale = client.post(f"/api/v1/plans/{plan['id']}/commit", headers=office)
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"] == "plan_stale"
    assert any("is new" in change for change in stale.json()["changed"])
