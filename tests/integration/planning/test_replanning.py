"""Urgent insertion into the committed plan, a sick engineer, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.planning.helpers import engineer, plan_and_wait, small_world, ticket, wait_done


def _committed(client: TestClient, office: dict[str, str]) -> tuple[dict, dict]:  # type: ignore[type-arg]
    world = small_world(client, office)
    plan = plan_and_wait(client, office, {"plant_id": world["plant"]["id"]})
    assert plan["status"] == "done", plan
    committed = client.post(f"/api/v1/plans/{plan['id']}/commit", headers=office)
    assert committed.status_code == 200, committed.text
    return world, committed.json()


def test_extra_urgent_ticket_is_inserted_into_the_committed_plan_r_in_3(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world, plan = _committed(client, office)
    before = {r["technician_id"]: [s["ticket_id"] for s in r["stops"]] for r in plan["routes"]}
    urgent = ticket(client, office, world["plant"]["id"], 40, urgency="extra_urgent", azimuth=230)
    inserted = client.post(
        f"/api/v1/plans/{plan['id']}/insert", json={"ticket_id": urgent["id"]}, headers=office
    )
    assert inserted.status_code == 200, inserted.text
    body = inserted.json()
    assert body["technician_id"] == world["wang"]  # the only hydraulic engineer
    assert body["stop"]["ticket_id"] == urgent["id"] and not body["stop"]["late"]
    assert body["plan_version"] == 2
    wo = client.get(f"/api/v1/work-orders/{body['work_order_id']}", headers=office).json()
    assert wo["technician_id"] == world["wang"]
    after = client.get(f"/api/v1/plans/{plan['id']}", headers=office).json()
    route = next(r for r in after["routes"] if r["technician_id"] == world["wang"])
    order = [s["ticket_id"] for s in route["stops"]]
    # every other promise kept: the committed stops are still there, in the same order
    assert [t for t in order if t != urgent["id"]] == before[world["wang"]]
    assert all(not s["late"] for r in after["routes"] for s in r["stops"])
    twice = client.post(
        f"/api/v1/plans/{plan['id']}/insert", json={"ticket_id": urgent["id"]}, headers=office
    )
    assert twice.status_code == 409, twice.text
    # then a background re-optimisation of the scope, seeded with the committed routes
    again = wait_done(client, office, body["reoptimization_plan_id"])
    assert again["status"] == "done"
    planned = {s["ticket_id"] for r in again["routes"] for s in r["stops"]}
    assert urgent["id"] in planned
    committed = client.post(f"/api/v1/plans/{again['id']}/commit", headers=office)
    assert committed.status_code == 200, committed.text


def test_insertion_refused_names_the_reason(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world, plan = _committed(client, office)
    body = ticket(client, office, world["plant"]["id"], 50, fault="tyre", urgency="extra_urgent")
    refused = client.post(
        f"/api/v1/plans/{plan['id']}/insert", json={"ticket_id": body["id"]}, headers=office
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "insertion_refused"
    assert refused.json()["reason"] == "no_skill"


def test_sick_engineer_visits_are_replanned_and_reassigned_on_commit(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world, plan = _committed(client, office)
    # a second hydraulic engineer joins; Wang falls sick for the whole horizon
    zhao = engineer(client, office, world["plant"]["id"], "Zhao", ["hydraulic"], km=12)
    now = datetime.now(UTC)
    sick = client.post(
        f"/api/v1/technicians/{world['wang']}/unavailable",
        json={"from": now.isoformat(), "to": (now + timedelta(days=5)).isoformat(), "reason": "sick"},
        headers=office,
    )
    assert sick.status_code == 201, sick.text
    assert len(sick.json()["affected"]) == 2
    stale = client.post(f"/api/v1/plans/{plan['id']}/commit", headers=office)
    assert stale.status_code == 409
    replanned = plan_and_wait(client, office, {"plant_id": world["plant"]["id"]})
    assert replanned["status"] == "done", replanned
    assert {"technician_id": world["wang"], "reason": "unavailable"} in replanned["excluded_engineers"]
    routes = {r["technician_id"]: r for r in replanned["routes"]}
    assert len(routes[zhao]["stops"]) == 2
    done = client.post(f"/api/v1/plans/{replanned['id']}/commit", headers=office)
    assert done.status_code == 200, done.text
    for stop in done.json()["routes"][0]["stops"] + done.json()["routes"][1]["stops"]:
        wo = client.get(f"/api/v1/work-orders/{stop['work_order_id']}", headers=office).json()
        assert wo["technician_id"] != world["wang"]
    assert client.get(f"/api/v1/plans/{plan['id']}", headers=office).json()["status"] == "superseded"


def test_bad_input_is_a_4xx_naming_the_field(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world = small_world(client, office)
    plant = world["plant"]["id"]
    cases = [
        ({"scope": {"plant_id": plant}, "horizon_hours": 0}, "horizon_hours"),
        ({"scope": {"plant_id": plant}, "horizon_hours": -5}, "horizon_hours"),
        ({"scope": {"plant_id": plant}, "time_limit_s": 0}, "time_limit_s"),
        ({"scope": {"plant_id": plant}, "time_limit_s": 301}, "time_limit_s"),
        ({"scope": {}}, "scope"),
        ({"scope": {"plant_id": plant, "outlet_id": plant}}, "scope"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/plans", json=body, headers=office)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["field"] == field
    empty = client.post(
        "/api/v1/plants",
        json={"name": "empty", "location": {"lon": 110, "lat": 30}, "policy": "vehicle-500km"},
        headers=office,
    )
    no_engineers = client.post(
        "/api/v1/plans", json={"scope": {"plant_id": empty.json()["id"]}}, headers=office
    )
    assert no_engineers.status_code == 400 and no_engineers.json()["field"] == "scope"
    unknown = client.post("/api/v1/plans", json={"scope": {"outlet_id": plant}}, headers=office)
    assert unknown.status_code == 404
    bad_absence = client.post(
        f"/api/v1/technicians/{world['li']}/unavailable",
        json={"from": "2026-11-24T10:00:00+08:00", "to": "2026-11-24T09:00:00+08:00", "reason": "sick"},
        headers=office,
    )
    assert bad_absence.status_code == 400 and bad_absence.json()["field"] == "to"
    engineer_token = client.post("/api/v1/plans", json={"scope": {"plant_id": plant}}, headers=auth("qa"))
    assert engineer_token.status_code == 403
