"""How a ticket ends (R-IN-6): solved by phone without a visit, cancelled with a reason, closed.

Each end is an audited transition with its role rule; open work orders follow the ticket (the
work-order machine cancels them, or refuses with the state it is in).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.field_work.helpers import create_job, event, sync
from tests.integration.helpers import call, create_plant, site_at


def _ticket(client: TestClient, auth: Auth) -> dict[str, Any]:  # type: ignore[type-arg]
    plant = create_plant(client, auth("dispatcher"))
    response = client.post("/api/v1/tickets", json=call(plant["id"], site_at(40)), headers=auth("dispatcher"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _post(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    return client.post(path, json=body, headers=headers)


PHONE = {
    "method": "phone",
    "advice": "reset the hydraulic relief valve",
    "customer_confirmed": True,
    "confirmed_by": "Mr Zhao",
}


def test_r_in_6_solved_by_phone_then_closed_without_a_visit(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    ticket = _ticket(client, auth)
    base = f"/api/v1/tickets/{ticket['id']}"
    resolved = _post(client, auth("dispatcher"), f"{base}/resolve-remotely", PHONE)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    [trail] = [e for e in resolved.json()["events"] if e["kind"] == "resolved_remotely"]
    assert trail["data"]["advice"] == PHONE["advice"] and trail["data"]["confirmed_by"] == "Mr Zhao"

    assert _post(client, auth("engineer"), f"{base}/close", {}).status_code in (403, 404)
    closed = _post(client, auth("qa"), f"{base}/close", {"note": "no visit needed"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    again = _post(client, auth("qa"), f"{base}/close", {})
    assert again.status_code == 409 and "only a resolved ticket" in again.json()["detail"]


def test_r_in_6_phone_resolution_cancels_an_unstarted_work_order(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    resolved = _post(client, job.dispatcher, f"/api/v1/tickets/{job.ticket_id}/resolve-remotely", PHONE)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    work_order = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.dispatcher).json()
    assert work_order["state"] == "cancelled"


def test_r_in_6_an_engineer_on_the_way_blocks_a_remote_resolution(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    now = datetime.now(UTC)
    sync(client, job, [event(job, "accept", now), event(job, "depart", now)])
    refused = _post(client, job.dispatcher, f"/api/v1/tickets/{job.ticket_id}/resolve-remotely", PHONE)
    assert refused.status_code == 409 and "en_route" in refused.json()["detail"]
    cancelled = _post(
        client, job.dispatcher, f"/api/v1/tickets/{job.ticket_id}/cancel", {"reason": "customer fixed it"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    work_order = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.dispatcher).json()
    assert work_order["state"] == "cancelled"
    twice = _post(client, job.dispatcher, f"/api/v1/tickets/{job.ticket_id}/cancel", {"reason": "again"})
    assert twice.status_code == 409


def test_bad_input_names_the_field_and_changes_nothing(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    ticket = _ticket(client, auth)
    base = f"/api/v1/tickets/{ticket['id']}"
    office = auth("dispatcher")
    cases = [
        ("resolve-remotely", {**PHONE, "method": "telepathy"}, "method"),
        ("resolve-remotely", {**PHONE, "advice": "  "}, "advice"),
        ("resolve-remotely", {**PHONE, "confirmed_by": None}, "confirmed_by"),
        ("resolve-remotely", {**PHONE, "advice": "x" * 2001}, "advice"),
        ("cancel", {"reason": ""}, "reason"),
    ]
    for action, body, field in cases:
        response = _post(client, office, f"{base}/{action}", body)
        assert response.status_code == 400, (action, body, response.text)
        assert response.json()["field"] == field
    missing = _post(client, office, f"{base}/cancel", {})
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    assert client.get(base, headers=office).json()["status"] == "new"
    unknown = _post(
        client, office, "/api/v1/tickets/00000000-0000-4000-8000-000000000000/cancel", {"reason": "x"}
    )
    assert unknown.status_code == 404
    assert _post(client, auth("executive"), f"{base}/cancel", {"reason": "x"}).status_code == 403
