"""Dispatch decisions through the API on real PostGIS (R-DI-1, R-DI-2, R-IN-1, R-IN-3)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from geo.datums import wgs84_to_bd09, wgs84_to_gcj02
from tests.conftest import Auth
from tests.integration.helpers import call, create_outlet, create_plant, site_at


@pytest.mark.parametrize(
    ("km", "mode", "hours"),
    [(499.7, "direct", 24), (500.3, "outlet", 48), (999.7, "outlet", 48), (1000.3, "outlet", 72)],
)
def test_r_di_2_boundaries_over_http(
    client: TestClient, auth: Auth, km: float, mode: str, hours: int
) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    site = site_at(km)
    create_outlet(client, headers, plant["id"], site_at(20, 0, site), radius_km=100)
    response = client.post(
        "/api/v1/dispatch/preview",
        json={"plant_id": plant["id"], "site": site, "reported_at": "2026-03-02T09:30:00+08:00"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["mode"] == mode
    assert decision["distance_km"] == pytest.approx(km, abs=0.002)
    day = 2 + hours // 24
    assert decision["arrival_deadline"] == f"2026-03-0{day}T09:30:00+08:00"
    assert decision["policy"] == {"name": "vehicle-500km", "version": 1}


@pytest.mark.parametrize(("datum", "convert"), [("GCJ02", wgs84_to_gcj02), ("BD09", wgs84_to_bd09)])
def test_chinese_datums_are_converted_before_measuring(
    client: TestClient, auth: Auth, datum: str, convert
) -> None:  # type: ignore[no-untyped-def, type-arg]
    """A site 499.7 km away given in GCJ-02/BD-09 (shifted by ~500 m) must still be 499.7 km."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    site = site_at(499.7)
    lon, lat = convert(site["lon"], site["lat"])
    response = client.post(
        "/api/v1/dispatch/preview",
        json={"plant_id": plant["id"], "site": {"lon": lon, "lat": lat, "crs": datum}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["distance_km"] == pytest.approx(499.7, abs=0.002)
    assert response.json()["mode"] == "direct"


def test_r_di_1_nearest_covering_active_outlet(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    site = site_at(1500)
    nearest = create_outlet(
        client, headers, plant["id"], site_at(30, 90, site), radius_km=200, name="nearest"
    )
    small = create_outlet(client, headers, plant["id"], site_at(10, 180, site), radius_km=5, name="too small")
    second = create_outlet(client, headers, plant["id"], site_at(80, 0, site), radius_km=None, name="second")

    def chosen() -> str | None:
        response = client.post(
            "/api/v1/dispatch/preview",
            json={"plant_id": plant["id"], "site": site},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        outlet = response.json()["outlet"]
        return None if outlet is None else str(outlet["name"])

    assert chosen() == "nearest"  # the 10 km outlet does not cover a site 10 km away with 5 km
    assert small["id"]
    response = client.patch(f"/api/v1/outlets/{nearest['id']}", json={"active": False}, headers=headers)
    assert response.status_code == 200 and response.json()["active"] is False
    assert chosen() == "second"  # inactive outlets are never chosen
    client.patch(f"/api/v1/outlets/{second['id']}", json={"active": False}, headers=headers)
    response = client.post(
        "/api/v1/dispatch/preview", json={"plant_id": plant["id"], "site": site}, headers=headers
    )
    assert response.json()["mode"] == "direct"
    assert response.json()["warnings"]


def test_r_in_1_ticket_records_call_and_decision(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    site = site_at(640)
    outlet = create_outlet(client, headers, plant["id"], site_at(25, 0, site))
    gcj_lon, gcj_lat = wgs84_to_gcj02(site["lon"], site["lat"])
    body = call(
        plant["id"],
        {"lon": gcj_lon, "lat": gcj_lat, "crs": "GCJ-02"},
        urgency="extra_urgent",
        reported_at="2026-03-02T09:30:00+08:00",
        address="G15 expressway km 812",
    )
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["number"].startswith("AS-")
    assert ticket["mode"] == "outlet" and ticket["outlet_id"] == outlet["id"]
    assert ticket["arrival_deadline"] == "2026-03-04T09:30:00+08:00"
    assert ticket["response_deadline"] == "2026-03-02T10:00:00+08:00"  # R-IN-3
    assert ticket["site_input"] == {"lon": gcj_lon, "lat": gcj_lat, "crs": "GCJ-02"}
    assert ticket["site"]["lon"] == pytest.approx(site["lon"], abs=1e-6)
    assert ticket["decision"]["policy"]["name"] == "vehicle-500km"
    assert ticket["decision"]["outlet"]["name"] == "outlet"

    detail = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).json()
    assert [event["kind"] for event in detail["events"]] == ["created", "decided"]
    assert detail["decision"]["id"] == ticket["decision"]["id"]

    listed = client.get("/api/v1/tickets", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == ticket["id"]
    west, south = site["lon"] - 0.1, site["lat"] - 0.1
    inside = client.get(f"/api/v1/tickets?bbox={west},{south},{west + 0.2},{south + 0.2}", headers=headers)
    assert inside.json()["total"] == 1
    outside = client.get("/api/v1/tickets?bbox=70,20,71,21", headers=headers)
    assert outside.json()["total"] == 0


def test_r_di_3_gap_ticket_needs_a_deadline(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers, policy="military-300km")
    response = client.post("/api/v1/tickets", json=call(plant["id"], site_at(1200)), headers=headers)
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["status"] == "needs_deadline"
    assert ticket["arrival_deadline"] is None
    assert ticket["decision"]["warnings"]


def test_outlet_token_sees_only_its_own_tickets(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    west, east = site_at(900, 250), site_at(900, 200)
    outlet_w = create_outlet(client, headers, plant["id"], west, name="west")
    outlet_e = create_outlet(client, headers, plant["id"], east, name="east")
    ticket_w = client.post("/api/v1/tickets", json=call(plant["id"], west), headers=headers).json()
    ticket_e = client.post("/api/v1/tickets", json=call(plant["id"], east), headers=headers).json()
    assert ticket_w["outlet_id"] == outlet_w["id"] and ticket_e["outlet_id"] == outlet_e["id"]

    own = auth("outlet", outlet=outlet_w["id"])
    assert client.get(f"/api/v1/tickets/{ticket_w['id']}", headers=own).status_code == 200
    other = client.get(f"/api/v1/tickets/{ticket_e['id']}", headers=own)
    assert other.status_code == 404 and other.json()["error"] == "not_found"
    listed = client.get("/api/v1/tickets", headers=own).json()
    assert [t["id"] for t in listed["items"]] == [ticket_w["id"]]
    # Asking for the other outlet's list does not widen the scope.
    assert client.get(f"/api/v1/tickets?outlet_id={outlet_e['id']}", headers=own).json()["total"] == 0


def test_decisions_are_immutable(client: TestClient, auth: Auth, database_url: str) -> None:  # type: ignore[type-arg]
    import psycopg

    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    ticket = client.post("/api/v1/tickets", json=call(plant["id"], site_at(100)), headers=headers).json()
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    with (
        psycopg.connect(url) as connection,
        pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable"),
    ):
        connection.execute(
            "UPDATE dispatch_decisions SET mode = 'outlet' WHERE id = %s",
            (ticket["decision"]["id"],),
        )
