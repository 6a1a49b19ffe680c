"""A scripted engineer day end to end through the API, online and offline.

accept → depart → drive (OsmAnd query-string positions) → arrival by geofence → safety checklist
(R-OS-1/2) → parts reported (R-NW-2) → repair → test run (R-OS-3) → product check (R-OS-4) →
customer sign-off (R-OS-3) → QA return approval (R-OS-3) → complete → report (R-FU-3).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.field_work.helpers import (
    HYDRAULIC_CHECKLIST,
    Job,
    create_job,
    event,
    register_device,
    toward,
)

# Distances to the site of successive fixes: 15 m apart; 0.3 s apart offline (180 km/h, under
# the 200 km/h jump limit) and ≥ 1 s apart online. The fifth is inside the 150 m geofence.
DRIVE_M = [210.0, 195.0, 180.0, 165.0, 140.0]


def osmand(path: str, point: dict[str, float], at: datetime) -> dict[str, str]:
    return {
        "id": "traccar-123456",
        "lat": f"{point['lat']:.7f}",
        "lon": f"{point['lon']:.7f}",
        "timestamp": at.isoformat(),
        "speed": "29.2",  # knots (Traccar Client default)
        "bearing": "270",
        "accuracy": "8",
        "batt": "76",
    }


def on_site_events(job: Job, at: list[datetime]) -> list[dict[str, Any]]:
    return [
        event(job, "checklist_done", at[0], items=HYDRAULIC_CHECKLIST),
        event(job, "start_work", at[1]),
        event(job, "parts_reported", at[2], parts=[{"code": "HOSE-22", "qty": 1}]),
        event(job, "test_run_done", at[3]),
        event(job, "product_check_done", at[4]),
        event(job, "customer_signed", at[5], signature_ref="sig/abc.png", rating=5),
    ]


def closing_events(job: Job, at: list[datetime]) -> list[dict[str, Any]]:
    return [
        event(job, "complete", at[0]),
        event(
            job, "report_filed", at[1], expenses=[{"kind": "fuel", "cny": 180}], returned_material=["HOSE-22"]
        ),
    ]


def approve(client: TestClient, auth: Auth, job: Job) -> None:  # type: ignore[type-arg]
    response = client.post(f"/api/v1/work-orders/{job.work_order_id}/approve-return", headers=auth("qa"))
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "return_approved"


def ticket_status(client: TestClient, job: Job) -> str:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/tickets/{job.ticket_id}", headers=job.dispatcher)
    return str(response.json()["status"])


def check_finished(client: TestClient, job: Job) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.engineer)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["state"] == "reported"
    assert body["report_due"] is not None  # R-FU-3: 3 working days
    assert ticket_status(client, job) == "resolved"
    arrival = [e for e in body["events"] if e["type"] == "arrive"]
    assert len(arrival) == 1 and arrival[0]["actor"] == "system:geofence"
    assert arrival[0]["position"] is not None
    return body


def test_engineer_day_online(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """R-OS-1…4, R-NW-2, R-FU-3: every step sent as it happens, arrival by the geofence."""
    job = create_job(client, auth)
    assert ticket_status(client, job) == "dispatched"
    _, ingest = register_device(client, job)

    def send(type_: str, **data: Any) -> dict[str, Any]:
        body = {"type": type_, "at": datetime.now(UTC).isoformat(), "data": data}
        response = client.post(
            f"/api/v1/work-orders/{job.work_order_id}/events",
            json={**body, "id": event(job, type_, datetime.now(UTC))["id"]},
            headers=job.engineer,
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    assert send("accept")["state"] == "accepted"
    assert send("depart")["state"] == "en_route"
    assert ticket_status(client, job) == "in_progress"
    start = datetime.now(UTC)
    for i, metres in enumerate(DRIVE_M):
        response = client.get(
            ingest, params=osmand(ingest, toward(job.site, metres), start + timedelta(seconds=i))
        )
        assert response.status_code == 200, response.text
        assert response.json()["flagged"] == 0
    assert response.json()["arrivals"] == [job.work_order_id]
    on_site = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.engineer).json()
    assert on_site["state"] == "on_site" and on_site["arrived_at"] is not None

    assert send("checklist_done", items=HYDRAULIC_CHECKLIST)["state"] == "on_site"
    assert send("start_work")["state"] == "working"
    assert send("parts_reported", parts=[{"code": "HOSE-22", "qty": 1}])["state"] == "working"
    assert send("test_run_done")["state"] == "working"
    assert send("product_check_done")["state"] == "awaiting_signoff"
    assert (
        send("customer_signed", signature_ref="sig/abc.png", rating=5)["state"] == "awaiting_return_approval"
    )
    approve(client, auth, job)
    assert send("complete")["state"] == "completed"
    assert send("report_filed", expenses=[], returned_material=[])["state"] == "reported"
    body = check_finished(client, job)
    assert body["rating"] == 5 and body["parts_reported"] == [{"code": "HOSE-22", "qty": 1}]


def test_engineer_day_offline_replayed_twice(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """R-DI-2: events and positions recorded offline, replayed later in queue order; the SLA
    times are the device times (the arrival is the geofence fix's time). Replayed a second
    time, every event is a duplicate with its original result and every position is dropped."""
    job = create_job(client, auth)
    _, ingest = register_device(client, job)
    t0 = job.created_at
    at = [t0 + timedelta(milliseconds=50 * k) for k in range(1, 60)]
    fixes = [t0 + timedelta(milliseconds=200 + 300 * i) for i in range(len(DRIVE_M))]
    arrival_fix = fixes[-1]
    site_times = [arrival_fix + timedelta(milliseconds=50 * k) for k in range(1, 7)]
    queue: list[tuple[str, Any]] = [
        ("event", event(job, "accept", at[0])),
        ("event", event(job, "depart", at[1])),
    ]
    queue += [
        ("position", osmand(ingest, toward(job.site, m), f)) for m, f in zip(DRIVE_M, fixes, strict=True)
    ]
    queue += [("event", e) for e in on_site_events(job, site_times)]
    later = site_times[-1] + timedelta(milliseconds=300)
    back_office = [("event", e) for e in closing_events(job, [later, later + timedelta(milliseconds=50)])]
    time.sleep(max(0.0, (later - datetime.now(UTC)).total_seconds() + 0.2))  # the offline period

    def replay(items: list[tuple[str, Any]]) -> list[dict[str, Any]]:
        """Send the queue in order: consecutive events as one sync batch, positions one by one."""
        results: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        for kind, item in [*items, ("end", None)]:
            if kind != "event" and batch:
                response = client.post("/api/v1/sync", json={"events": batch}, headers=job.engineer)
                assert response.status_code == 200, response.text
                results += response.json()["results"]
                batch = []
            if kind == "event":
                batch.append(item)
            elif kind == "position":
                response = client.get(ingest, params=item)
                assert response.status_code == 200, response.text
                results.append({"status": "position", **response.json()})
        return results

    first = replay(queue)
    assert [r["status"] for r in first if r["status"] != "position"] == ["applied"] * 8
    approve(client, auth, job)  # QA approves after the engineer's phone call (R-OS-3)
    first += replay(back_office)
    assert first[-1]["state"] == "reported"
    body = check_finished(client, job)
    assert datetime.fromisoformat(body["arrived_at"]) == arrival_fix
    assert body["arrival_source"] == "device"
    applied = {e["type"]: e for e in body["events"] if e["status"] == "applied"}
    assert applied["checklist_done"]["time_source"] == "device"
    assert datetime.fromisoformat(applied["checklist_done"]["sla_time"]) == site_times[0]
    assert datetime.fromisoformat(applied["checklist_done"]["server_time"]) > later

    second = replay(queue + back_office)
    events_again = [r for r in second if r["status"] != "position"]
    assert [r["status"] for r in events_again] == ["duplicate"] * 10
    originals = [r for r in first if r["status"] != "position"]
    assert [r["state"] for r in events_again] == [r["state"] for r in originals]
    assert all(r["duplicates"] == 1 and r["stored"] == 0 for r in second if r["status"] == "position")
    again = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.engineer).json()
    assert len(again["events"]) == len(body["events"])
