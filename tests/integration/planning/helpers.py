"""Builders for the plan API tests: a plant with engineers and tickets, and a poller."""

from __future__ import annotations

import time
from typing import Any

from litestar.testing import TestClient

from tests.integration.helpers import call, create_plant, site_at


def engineer(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plant_id: str,
    name: str,
    skills: list[str],
    km: float = 5,
) -> str:
    response = client.post(
        "/api/v1/technicians",
        json={"name": name, "plant_id": plant_id, "skills": skills, "home": site_at(km, azimuth=90)},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def ticket(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plant_id: str,
    km: float,
    fault: str = "hydraulic",
    urgency: str = "normal",
    azimuth: float = 240.0,
) -> dict[str, Any]:
    body = call(plant_id, site_at(km, azimuth=azimuth), urgency=urgency)
    body["fault"] = {"description": f"{fault} fault", "type": fault}
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def small_world(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:  # type: ignore[type-arg]
    """A plant, two engineers (hydraulic; electrical) and three direct tickets (R-DI-1)."""
    plant = create_plant(client, headers)
    wang = engineer(client, headers, plant["id"], "Wang", ["hydraulic", "mechanical"])
    li = engineer(client, headers, plant["id"], "Li", ["electrical"], km=8)
    tickets = [
        ticket(client, headers, plant["id"], 60),
        ticket(client, headers, plant["id"], 120, azimuth=250),
        ticket(client, headers, plant["id"], 90, fault="electrical", azimuth=200),
    ]
    return {"plant": plant, "wang": wang, "li": li, "tickets": tickets}


def plan_and_wait(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    scope: dict[str, str],
    time_limit_s: float = 1,
    timeout_s: float = 60,
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/plans", json={"scope": scope, "time_limit_s": time_limit_s}, headers=headers
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued"
    return wait_done(client, headers, queued["id"], timeout_s)


def wait_done(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plan_id: str,
    timeout_s: float = 60,
) -> dict[str, Any]:
    """Poll a queued plan until its worker has finished with it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        plan = client.get(f"/api/v1/plans/{plan_id}", headers=headers)
        assert plan.status_code == 200, plan.text
        body = dict(plan.json())
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"plan {plan_id} still running after {timeout_s} s")
