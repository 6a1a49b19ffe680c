"""Registering the network and the edges of the API: auth, roles, bad input (R-DI-1, R-DI-3)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.helpers import YANTAI, call, create_outlet, create_plant, site_at


def square(center: dict[str, float], half: float) -> dict[str, object]:
    lon, lat = center["lon"], center["lat"]
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_r_di_1_outlet_area_limits_what_it_serves(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("admin")
    plant = create_plant(client, headers)
    site = site_at(1200)
    far_site = site_at(1200, 200)
    response = client.post(
        "/api/v1/outlets",
        json={
            "name": "area",
            "plant_id": plant["id"],
            "location": site_at(5, 0, site),
            "service_area": square(site, 0.5),
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["service_area"]["type"] == "MultiPolygon"

    def mode(at: dict[str, float]) -> str:
        answer = client.post(
            "/api/v1/dispatch/preview", json={"plant_id": plant["id"], "site": at}, headers=headers
        )
        return str(answer.json()["mode"])

    assert mode(site) == "outlet"
    assert mode(far_site) == "direct"  # outside its polygon: never chosen
    patched = client.patch(
        f"/api/v1/outlets/{response.json()['id']}",
        json={"service_area": square(far_site, 0.5)},
        headers=headers,
    )
    assert patched.status_code == 200
    assert mode(far_site) == "outlet"
    assert mode(site) == "direct"


@pytest.mark.parametrize(
    ("area", "field"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "service_area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "service_area"),
        ({"type": "Polygon", "coordinates": "nope"}, "service_area"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]}, "service_area"),
    ],
)
def test_bad_service_area_is_a_400_naming_the_field(
    client: TestClient, auth: Auth, area: object, field: str
) -> None:  # type: ignore[type-arg]
    headers = auth("admin")
    plant = create_plant(client, headers)
    response = client.post(
        "/api/v1/outlets",
        json={"name": "x", "plant_id": plant["id"], "location": YANTAI, "service_area": area},
        headers=headers,
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert client.get("/api/v1/outlets", headers=headers).json()["total"] == 0  # nothing half-written


def test_r_di_3_dispatcher_sets_the_missing_deadline(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers, policy="military-300km")
    ticket = client.post(
        "/api/v1/tickets",
        json=call(plant["id"], site_at(1200), reported_at="2026-03-02T09:30:00+08:00"),
        headers=headers,
    ).json()
    assert ticket["dispatchable"] is False and ticket["blocked_by"] == ["needs_deadline"]
    url = f"/api/v1/tickets/{ticket['id']}/deadline"
    early = client.post(
        url, json={"arrival_deadline": "2026-03-01T09:00:00+08:00", "reason": "x"}, headers=headers
    )
    assert early.status_code == 400 and early.json()["field"] == "arrival_deadline"
    blank = client.post(
        url, json={"arrival_deadline": "2026-03-04T12:00:00+08:00", "reason": " "}, headers=headers
    )
    assert blank.status_code == 400 and blank.json()["field"] == "reason"
    qa = client.post(
        url, json={"arrival_deadline": "2026-03-04T12:00:00+08:00", "reason": "x"}, headers=auth("qa")
    )
    assert qa.status_code == 403
    response = client.post(
        url,
        json={"arrival_deadline": "2026-03-04T12:00:00+08:00", "reason": "agreed with the unit"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["arrival_deadline"] == "2026-03-04T12:00:00+08:00"
    assert updated["status"] == "new" and updated["dispatchable"] is True
    assert updated["events"][-1]["kind"] == "deadline_set"
    assert updated["events"][-1]["data"]["reason"] == "agreed with the unit"
    assert updated["decision"]["arrival_deadline"] is None  # the decision itself never changes


def test_auth_and_roles(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    health = client.get("/health").json()
    assert {k: health[k] for k in ("status", "database", "checks", "jobs")} == {
        "status": "ok",
        "database": "ok",
        "checks": {"database": "up", "live_listener": "up"},
        "jobs": {"workers": 0, "waiting": {}, "running": {}},  # no job worker beside this app
    }
    assert (
        len(health["calendar"]) == 2
    )  # this year's and next year's (their state: tests/integration/calendar)
    assert client.get("/api/v1/plants").status_code == 401
    bad = client.get("/api/v1/plants", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"
    body = {"name": "x", "location": YANTAI, "policy": "vehicle-500km"}
    assert client.post("/api/v1/plants", json=body, headers=auth("engineer")).status_code == 403
    assert client.post("/api/v1/plants", json=body, headers=auth("outlet")).status_code == 403
    assert client.get("/api/v1/plants", headers=auth("engineer")).status_code == 200
    assert client.get("/schema/openapi.json").status_code == 200


@pytest.mark.parametrize(
    ("site", "field"),
    [
        ({"lon": 181, "lat": 30}, "site.lon"),
        ({"lon": 100, "lat": -91}, "site.lat"),
        ({"lon": "east", "lat": 30}, "site.lon"),
        ({"lon": None, "lat": 30}, "site.lon"),
        ({"lon": 100, "lat": 30, "crs": "EPSG:3857"}, "site.crs"),
        ({"lat": 30}, "site.lon"),
    ],
)
def test_bad_coordinates_name_the_field(
    client: TestClient, auth: Auth, site: dict[str, object], field: str
) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    bodies = {
        "/api/v1/dispatch/preview": {"plant_id": plant["id"], "site": site},
        "/api/v1/tickets": call(plant["id"], site),
    }
    for path, body in bodies.items():
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["field"] == field
    assert client.get("/api/v1/tickets", headers=headers).json()["total"] == 0


def test_missing_and_unknown(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    body = call(plant["id"], site_at(10))
    del body["site"]
    missing = client.post("/api/v1/tickets", json=body, headers=headers)
    assert missing.status_code == 400 and missing.json()["field"] == "site"
    unknown_plant = client.post(
        "/api/v1/dispatch/preview",
        json={"plant_id": "00000000-0000-4000-8000-000000000000", "site": site_at(10)},
        headers=headers,
    )
    assert unknown_plant.status_code == 404
    assert (
        client.get("/api/v1/tickets/00000000-0000-4000-8000-000000000000", headers=headers).status_code == 404
    )
    bad_type = client.post(
        "/api/v1/tickets", json=call(plant["id"], site_at(10), channel="fax"), headers=headers
    )
    assert bad_type.status_code == 400 and bad_type.json()["field"] == "channel"
    extra = client.post("/api/v1/tickets", json=call(plant["id"], site_at(10), colour="red"), headers=headers)
    assert extra.status_code == 400 and extra.json()["field"] == "colour"
    broken = client.post("/api/v1/tickets", content=b'{"plant_id": ', headers=headers)
    assert broken.status_code == 400
    future = client.post(
        "/api/v1/tickets",
        json=call(plant["id"], site_at(10), reported_at="2099-01-01T00:00:00+08:00"),
        headers=headers,
    )
    assert future.status_code == 400 and future.json()["field"] == "reported_at"


def test_technicians_and_lists(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    outlet = create_outlet(client, headers, plant["id"], site_at(800))
    both = client.post(
        "/api/v1/technicians",
        json={
            "name": "Wang",
            "plant_id": plant["id"],
            "outlet_id": outlet["id"],
            "home": YANTAI,
            "skills": ["hydraulic"],
        },
        headers=headers,
    )
    assert both.status_code == 400 and both.json()["field"] == "plant_id"
    for index in range(3):
        response = client.post(
            "/api/v1/technicians",
            json={
                "name": f"T{index}",
                "outlet_id": outlet["id"],
                "home": {"lon": 104.5, "lat": 30.5, "crs": "BD09"},
                "skills": ["a", "a"],
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["skills"] == ["a"]
    page = client.get(
        f"/api/v1/technicians?outlet_id={outlet['id']}&page=2&page_size=2", headers=headers
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["page"] == 2
    assert client.get("/api/v1/technicians?page_size=501", headers=headers).status_code == 400
    client.post("/api/v1/tickets", json=call(plant["id"], site_at(10)), headers=headers)
    customers = client.get("/api/v1/customers?q=Qingdao", headers=headers).json()
    assert customers["total"] == 1
    policies = client.get("/api/v1/policies", headers=headers).json()
    assert {p["name"] for p in policies} >= {"vehicle-500km", "military-300km"}
