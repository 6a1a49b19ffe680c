"""Small builders for API tests: register a plant, an outlet, a call."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
YANTAI = {"lon": 121.447, "lat": 37.464}


def site_at(km: float, azimuth: float = 240.0, origin: dict[str, float] = YANTAI) -> dict[str, float]:
    lon, lat, _ = GEOD.fwd(origin["lon"], origin["lat"], azimuth, km * 1000.0)
    return {"lon": lon, "lat": lat}


def create_plant(
    client: TestClient, headers: dict[str, str], policy: str = "vehicle-500km"
) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/plants",
        json={"name": "Yantai", "location": YANTAI, "policy": policy},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_outlet(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    plant_id: str,
    location: dict[str, float],
    radius_km: float | None = 300,
    name: str = "outlet",
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "plant_id": plant_id, "location": location}
    if radius_km is not None:
        body["service_radius_km"] = radius_km
    response = client.post("/api/v1/outlets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def call(plant_id: str, site: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "plant_id": plant_id,
        "site": site,
        "fault": {"description": "hydraulic hose burst", "type": "hydraulic"},
        "urgency": "normal",
        "channel": "phone",
        "customer": {"name": "Qingdao Sanitation", "phone": "0532-1234567"},
        **extra,
    }
