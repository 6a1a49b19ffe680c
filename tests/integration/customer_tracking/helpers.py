"""Builders for the tracking-page tests: links, work-order events and positions through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.field_work.helpers import HYDRAULIC_CHECKLIST, Job, toward


def link(client: TestClient, job: Job, **body: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(
        f"/api/v1/tickets/{job.ticket_id}/tracking-links", json=body, headers=job.dispatcher
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def show(client: TestClient, token: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/track/{token}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def send(client: TestClient, job: Job, type_: str, at: datetime | None = None, **data: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    when = (at or datetime.now(UTC)).isoformat()
    body = {"id": str(uuid.uuid4()), "type": type_, "at": when, "data": data}
    response = client.post(f"/api/v1/work-orders/{job.work_order_id}/events", json=body, headers=job.engineer)
    assert response.status_code == 200, response.text
    return dict(response.json())


def drive(client: TestClient, job: Job, metres: float, at: datetime | None = None) -> dict[str, Any]:  # type: ignore[type-arg]
    """One fix ``metres`` east of the site, taken ``at`` (now by default)."""
    point = toward(job.site, metres)
    fix = {"technician_id": job.technician_id, **point, "fix_time": (at or datetime.now(UTC)).isoformat()}
    response = client.post("/api/v1/positions", json={"positions": [fix]}, headers=job.engineer)
    assert response.status_code == 200, response.text
    return dict(response.json())


def finish(client: TestClient, auth: Auth, job: Job) -> None:  # type: ignore[type-arg]
    """From on site to completed, as the engineer day does (R-OS-1…4)."""
    assert send(client, job, "checklist_done", items=HYDRAULIC_CHECKLIST)["state"] == "on_site"
    send(client, job, "start_work")
    send(client, job, "test_run_done")
    send(client, job, "product_check_done")
    send(client, job, "customer_signed", signature_ref="sig/abc.png", rating=5)
    approved = client.post(f"/api/v1/work-orders/{job.work_order_id}/approve-return", headers=auth("qa"))
    assert approved.status_code == 200, approved.text
    assert send(client, job, "complete")["state"] == "completed"


def seconds_until(iso: str) -> float:
    return (datetime.fromisoformat(iso) - datetime.now(UTC)).total_seconds()


EARLIER = timedelta(minutes=5)
