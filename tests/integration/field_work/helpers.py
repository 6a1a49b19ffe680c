"""Builders for the field-work API tests: a plant, an engineer, a dispatchable ticket, a job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar.testing import TestClient
from pyproj import Geod

from tests.conftest import Auth
from tests.integration.helpers import call, create_plant, site_at

GEOD = Geod(ellps="WGS84")
HYDRAULIC_CHECKLIST = [
    "warning_sign",
    "key_removed",
    "wheels_chocked",
    "body_propped",
    "helmet",
    "oil_container",
]


@dataclass
class Job:
    """A ticket assigned to an engineer; ``engineer`` is that engineer's Authorization header."""

    ticket_id: str
    work_order_id: str
    technician_id: str
    site: dict[str, float]
    dispatcher: dict[str, str]
    engineer: dict[str, str]
    created_at: datetime


def create_technician(client: TestClient, headers: dict[str, str], plant_id: str, name: str = "Wang") -> str:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/technicians",
        json={
            "name": name,
            "plant_id": plant_id,
            "skills": ["hydraulic"],
            "home": {"lon": 121.4, "lat": 37.5},
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_job(client: TestClient, auth: Auth, **plan: Any) -> Job:  # type: ignore[type-arg]
    dispatcher = auth("dispatcher")
    plant = create_plant(client, dispatcher)
    site = site_at(120)
    ticket = client.post("/api/v1/tickets", json=call(plant["id"], site), headers=dispatcher)
    assert ticket.status_code == 201, ticket.text
    technician = create_technician(client, dispatcher, plant["id"])
    body: dict[str, Any] = {"ticket_id": ticket.json()["id"], "technician_id": technician}
    if plan:
        body["plan"] = plan
    response = client.post("/api/v1/work-orders", json=body, headers=dispatcher)
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "assigned"
    return Job(
        ticket_id=ticket.json()["id"],
        work_order_id=response.json()["id"],
        technician_id=technician,
        site=site,
        dispatcher=dispatcher,
        engineer=auth("engineer", technician=technician),
        created_at=datetime.fromisoformat(response.json()["created_at"]),
    )


def toward(site: dict[str, float], metres: float, azimuth: float = 90.0) -> dict[str, float]:
    """A point ``metres`` from the site (on the given bearing)."""
    lon, lat, _ = GEOD.fwd(site["lon"], site["lat"], azimuth, metres)
    return {"lon": lon, "lat": lat}


def event(job: Job, type_: str, at: datetime, **data: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "work_order_id": job.work_order_id,
        "type": type_,
        "at": at.isoformat(),
        "device_id": "phone-1",
        "data": data,
    }


def sync(client: TestClient, job: Job, events: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    response = client.post("/api/v1/sync", json={"events": events}, headers=job.engineer)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def register_device(client: TestClient, job: Job, protocol: str = "osmand", **extra: Any) -> tuple[str, str]:  # type: ignore[type-arg]
    """(device id, ingest path relative to the server) for the job's engineer."""
    response = client.post(
        "/api/v1/devices",
        json={"technician_id": job.technician_id, "protocol": protocol, **extra},
        headers=job.engineer,
    )
    assert response.status_code == 201, response.text
    url = str(response.json()["ingest_url"])
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    return str(response.json()["id"]), path
