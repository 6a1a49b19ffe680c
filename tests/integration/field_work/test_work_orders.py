"""Work-order rules through the API: 409 with allowed, sync results, scoping, conflicts, jobs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.field_work.helpers import (
    HYDRAULIC_CHECKLIST,
    create_job,
    create_technician,
    event,
    sync,
)
from tests.integration.helpers import call, create_outlet, create_plant, site_at


def now() -> datetime:
    return datetime.now(UTC)


def test_transition_not_allowed_answers_409_with_state_and_allowed(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    response = client.post(
        f"/api/v1/work-orders/{job.work_order_id}/events",
        json={"type": "arrive", "at": now().isoformat()},
        headers={**job.engineer, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "transition_not_allowed"
    assert body["state"] == "assigned"
    assert body["allowed"] == ["accept", "decline", "cancel", "reassign", "hand_to_outlet"]


def test_sync_rejects_premature_steps_with_the_rule(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """R-OS-1 start_work before the checklist, R-OS-3/4 sign-off before test run and product
    check, R-OS-3 complete before QA's approval: rejected, naming why and what may follow."""
    job = create_job(client, auth)
    results = sync(
        client,
        job,
        [
            event(job, "accept", now()),
            event(job, "depart", now()),
            event(job, "arrive", now()),
            event(job, "start_work", now()),
            event(job, "checklist_done", now(), items=["warning_sign", "key_removed", "wheels_chocked"]),
            event(job, "checklist_done", now(), items=[*HYDRAULIC_CHECKLIST, "seatbelt"]),
            event(job, "checklist_done", now(), items=HYDRAULIC_CHECKLIST),
            event(job, "start_work", now()),
            event(job, "customer_signed", now(), signature_ref="s", rating=4),
            event(job, "test_run_done", now()),
            event(job, "product_check_done", now()),
            event(job, "customer_signed", now(), signature_ref="s", rating=4),
            event(job, "complete", now()),
        ],
    )
    assert [r["status"] for r in results] == [
        "applied", "applied", "applied", "rejected", "rejected", "rejected",
        "applied", "applied", "rejected", "applied", "applied", "applied", "rejected",
    ]  # fmt: skip
    assert results[3]["reason"] == "checklist_required" and "checklist_done" in results[3]["allowed"]
    assert results[4]["reason"] == "checklist_incomplete"
    assert results[4]["details"] == ["body_propped", "helmet", "oil_container"]
    assert results[5]["reason"] == "unknown_checklist_code" and results[5]["details"] == ["seatbelt"]
    assert results[8]["reason"] == "signoff_prerequisites"
    assert results[8]["details"] == ["test_run", "product_check"]
    assert results[12]["reason"] == "return_approval_required"
    assert results[12]["state"] == "awaiting_return_approval"


def test_same_key_different_content_is_422_and_nothing_is_kept(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    accept = event(job, "accept", now())
    assert sync(client, job, [accept])[0]["status"] == "applied"
    depart = event(job, "depart", now())
    changed = {**accept, "at": now().isoformat()}
    response = client.post("/api/v1/sync", json={"events": [depart, changed]}, headers=job.engineer)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "events[1].id"
    state = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.engineer).json()["state"]
    assert state == "accepted"  # the depart of the refused batch was not kept either


def test_another_engineers_job_is_404(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    stranger = auth("engineer", technician=uuid.uuid4())
    response = client.post("/api/v1/sync", json={"events": [event(job, "accept", now())]}, headers=stranger)
    assert response.status_code == 404
    assert client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=stranger).status_code == 404


def test_reassigned_while_offline_is_a_recorded_conflict(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    assert sync(client, job, [event(job, "accept", now())])[0]["status"] == "applied"
    plants = client.get("/api/v1/plants", headers=job.dispatcher).json()["items"]
    other = create_technician(client, job.dispatcher, plants[0]["id"], name="Li")
    response = client.post(
        f"/api/v1/work-orders/{job.work_order_id}/events",
        json={
            "id": str(uuid.uuid4()),
            "type": "reassign",
            "data": {"technician_id": other, "reason": "closer"},
        },
        headers=job.dispatcher,
    )
    assert response.status_code == 200, response.text
    late = sync(client, job, [event(job, "depart", now())])[0]
    assert late["status"] == "conflict" and late["reason"] == "reassigned"
    detail = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.dispatcher).json()
    assert [e["status"] for e in detail["events"]] == ["applied", "applied", "conflict"]
    trail = client.get(f"/api/v1/tickets/{job.ticket_id}", headers=job.dispatcher).json()["events"]
    assert "sync_conflict" in [e["kind"] for e in trail]


def test_r_di_6_departure_needs_matching_skills(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth, required_skills=["welding"], tools=["welder"])
    results = sync(client, job, [event(job, "accept", now()), event(job, "depart", now())])
    assert results[1]["status"] == "rejected" and results[1]["reason"] == "departure_not_ready"
    assert results[1]["details"] == ["skills_matched"]


def test_r_di_3_ticket_without_deadline_is_not_dispatchable(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """R-DI-3 gap: the policy sets no deadline, so ``blocked_by`` says needs_deadline: 409."""
    dispatcher = auth("dispatcher")
    plant = create_plant(client, dispatcher, policy="military-300km")
    site = site_at(1200)
    create_outlet(client, dispatcher, plant["id"], site_at(20, 0, site), radius_km=100)
    ticket = client.post("/api/v1/tickets", json=call(plant["id"], site), headers=dispatcher).json()
    technician = create_technician(client, dispatcher, plant["id"])
    response = client.post(
        "/api/v1/work-orders",
        json={"ticket_id": ticket["id"], "technician_id": technician},
        headers=dispatcher,
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "not_dispatchable"
    assert response.json()["blocked_by"] == ["needs_deadline"]


def test_cancelled_job_returns_the_ticket_to_the_dispatcher(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    cancel = client.post(
        f"/api/v1/work-orders/{job.work_order_id}/events",
        json={"id": str(uuid.uuid4()), "type": "cancel", "data": {"reason": "customer fixed it"}},
        headers=job.dispatcher,
    )
    assert cancel.status_code == 200, cancel.text
    ticket = client.get(f"/api/v1/tickets/{job.ticket_id}", headers=job.dispatcher).json()
    assert ticket["status"] == "new"  # every work order ended: back to the dispatcher
    closed = client.post(
        "/api/v1/work-orders",
        json={"ticket_id": job.ticket_id, "technician_id": job.technician_id},
        headers=auth("engineer", technician=job.technician_id),
    )
    assert closed.status_code == 403


def test_me_jobs_with_site_in_both_datums_and_a_cursor(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    first = client.get("/api/v1/me/jobs", headers=job.engineer)
    assert first.status_code == 200, first.text
    body = first.json()
    [entry] = body["jobs"]
    assert entry["work_order_id"] == job.work_order_id
    assert entry["site"]["wgs84"]["lon"] == pytest.approx(job.site["lon"])
    assert entry["site"]["gcj02"]["crs"] == "GCJ02"
    assert entry["site"]["gcj02"]["lon"] != pytest.approx(job.site["lon"], abs=1e-4)
    assert entry["checklist"]["required"] == HYDRAULIC_CHECKLIST
    assert entry["customer"]["phone"] == "0532-1234567"
    assert entry["deadlines"]["arrival"] is not None
    unchanged = client.get("/api/v1/me/jobs", params={"since": body["cursor"]}, headers=job.engineer)
    assert unchanged.json()["jobs"] == []
    sync(client, job, [event(job, "accept", now())])
    changed = client.get("/api/v1/me/jobs", params={"since": body["cursor"]}, headers=job.engineer).json()
    assert [j["state"] for j in changed["jobs"]] == ["accepted"]
    assert int(changed["cursor"]) > int(body["cursor"])


def test_openapi_documents_the_field_endpoints(client: TestClient) -> None:  # type: ignore[type-arg]
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in (
        "/api/v1/work-orders",
        "/api/v1/work-orders/{work_order_id}/events",
        "/api/v1/work-orders/{work_order_id}/approve-return",
        "/api/v1/sync",
        "/api/v1/me/jobs",
        "/api/v1/devices",
        "/api/v1/positions",
        "/api/v1/technicians/{technician_id}/track",
        "/api/v1/technicians/{technician_id}/position",
        "/track/osmand/{secret}",
        "/track/owntracks/{secret}",
    ):
        assert path in paths, path
