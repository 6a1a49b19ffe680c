"""A job on a served ``aftersales serve`` instance, driven over HTTP (SSE and browser tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from api.auth import issue_token
from dispatch.access.principal import Role
from tests.conftest import SECRET
from tests.integration.field_work.helpers import toward
from tests.integration.helpers import YANTAI, call, site_at


@dataclass
class LiveJob:
    base_url: str
    ticket_id: str
    work_order_id: str
    technician_id: str
    site: dict[str, float]
    office: dict[str, str]
    engineer: dict[str, str]

    def post(self, path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> dict[str, Any]:
        response = httpx.post(f"{self.base_url}{path}", json=body, headers=headers, timeout=10)
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    def send(self, type_: str, at: datetime | None = None, **data: Any) -> dict[str, Any]:
        when = (at or datetime.now(UTC)).isoformat()
        body = {"id": str(uuid.uuid4()), "type": type_, "at": when, "data": data}
        return self.post(f"/api/v1/work-orders/{self.work_order_id}/events", body, self.engineer)

    def drive(self, metres: float, at: datetime | None = None) -> dict[str, Any]:
        fix = {
            "technician_id": self.technician_id,
            **toward(self.site, metres),
            "fix_time": (at or datetime.now(UTC)).isoformat(),
        }
        return self.post("/api/v1/positions", {"positions": [fix]}, self.engineer)

    def link(self, **body: Any) -> dict[str, Any]:
        return self.post(f"/api/v1/tickets/{self.ticket_id}/tracking-links", body, self.office)


def live_job(base_url: str, engineer_name: str = "Wang Lei") -> LiveJob:
    office = {"Authorization": f"Bearer {issue_token(SECRET, Role.DISPATCHER)}"}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{base_url}{path}", json=body, headers=office, timeout=10)
        assert response.status_code == 201, response.text
        return dict(response.json())

    plant = post("/api/v1/plants", {"name": "烟台工厂", "location": YANTAI, "policy": "vehicle-500km"})
    site = site_at(120)
    ticket = post("/api/v1/tickets", call(plant["id"], site))
    technician = post(
        "/api/v1/technicians",
        {"name": engineer_name, "plant_id": plant["id"], "skills": ["hydraulic"], "home": YANTAI},
    )
    order = post("/api/v1/work-orders", {"ticket_id": ticket["id"], "technician_id": technician["id"]})
    engineer = {
        "Authorization": "Bearer "
        + issue_token(SECRET, Role.ENGINEER, technician_id=uuid.UUID(technician["id"]))
    }
    return LiveJob(base_url, ticket["id"], order["id"], technician["id"], site, office, engineer)
