"""The customer tracking link through the API: R-TR-1 issue, R-TR-2 privacy, R-TR-3 ETA,
R-TR-4 expiry. The rule IDs are those of docs/tracking-page.md."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import Auth
from tests.integration.customer_tracking.helpers import (
    EARLIER,
    drive,
    finish,
    link,
    seconds_until,
    send,
    show,
)
from tests.integration.field_work.helpers import create_job, create_technician


def test_r_tr_1_only_office_roles_issue_links_and_only_the_hash_is_stored(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    job = create_job(client, auth)
    made = link(client, job)
    assert len(made["token"]) >= 32 and made["url"].endswith(f"/track/{made['token']}")
    assert 13.9 * 86400 < seconds_until(made["expires_at"]) <= 14 * 86400  # the absolute lifetime
    denied = client.post(f"/api/v1/tickets/{job.ticket_id}/tracking-links", headers=job.engineer)
    assert denied.status_code == 403
    missing = client.post(
        "/api/v1/tickets/00000000-0000-0000-0000-000000000000/tracking-links", headers=job.dispatcher
    )
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    bad = client.post(
        f"/api/v1/tickets/{job.ticket_id}/tracking-links",
        json={"hours_after_completion": -1},
        headers=job.dispatcher,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "hours_after_completion"


def test_r_tr_4_unknown_token_is_a_plain_404_page_and_404_json(client: TestClient) -> None:  # type: ignore[type-arg]
    api = client.get("/api/v1/track/not-a-real-token-0123456789abcdef")
    assert api.status_code == 404 and api.json()["error"] == "not_found"
    assert client.get("/api/v1/track/not-a-real-token-0123456789abcdef/events").status_code == 404
    page = client.get("/track/not-a-real-token-0123456789abcdef")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "track.js" not in page.text


def test_r_tr_2_position_only_while_en_route_to_this_customer(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Not before departure, not after arrival, never while serving someone else."""
    job = create_job(client, auth)
    token = link(client, job)["token"]
    drive(client, job, 30_000, datetime.now(UTC) - EARLIER)  # somewhere before the job starts
    before = show(client, token)
    assert before["state"] == "scheduled" and before["position"] is None and before["eta"] is None
    assert before["engineer"] == {"name": "Wang", "company": "Yantai"}
    assert before["arrival_deadline"] is not None and before["arrival_deadline"].endswith("+08:00")

    send(client, job, "accept")
    assert show(client, token)["position"] is None
    send(client, job, "depart")
    stale = show(client, token)
    assert stale["state"] == "en_route" and stale["position"] is None  # the fix predates departure
    drive(client, job, 20_000)
    moving = show(client, token)
    assert moving["position"] is not None and moving["eta"] is not None
    assert moving["position"]["fix_time"].endswith("+08:00")

    # the same engineer on site at another customer: this page shows no position
    other = client.post(
        "/api/v1/work-orders",
        json={"ticket_id": _second_ticket(client, job), "technician_id": job.technician_id},
        headers=job.dispatcher,
    )
    assert other.status_code == 201, other.text
    assert show(client, token)["position"] is not None  # assigned elsewhere only: still en route here

    send(client, job, "arrive")
    drive(client, job, 40)
    arrived = show(client, token)
    assert arrived["state"] == "arrived" and arrived["position"] is None and arrived["eta"] is None
    assert arrived["arrived_at"] is not None


def test_r_tr_3_eta_falls_as_the_engineer_approaches(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    token = link(client, job)["token"]
    start = datetime.now(UTC) - timedelta(minutes=20)
    send(client, job, "accept", at=start)
    send(client, job, "depart", at=start)
    etas, remaining = [], []
    for step, metres in enumerate((40_000, 32_000, 24_000, 16_000), start=1):  # 120 km/h: plausible
        drive(client, job, metres, start + timedelta(minutes=4 * step))
        body = show(client, token)
        eta = datetime.fromisoformat(body["eta"])
        etas.append(eta)
        remaining.append((eta - datetime.fromisoformat(body["position"]["fix_time"])).total_seconds())
    assert remaining == sorted(remaining, reverse=True) and remaining[0] - remaining[-1] > 10 * 60
    assert etas == sorted(etas, reverse=True) and etas[-1] > datetime.now(UTC)


def test_r_tr_4_link_expires_after_completion_and_report_follows(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    lasting = link(client, job)["token"]
    brief = link(client, job, hours_after_completion=0)["token"]
    send(client, job, "accept")
    send(client, job, "depart")
    send(client, job, "arrive")
    assert show(client, brief)["state"] == "arrived"
    assert client.get(f"/api/v1/track/{lasting}/report.pdf").status_code == 404  # not before completion
    finish(client, auth, job)

    done = show(client, lasting)
    assert done["state"] == "completed" and done["report_url"] == f"/api/v1/track/{lasting}/report.pdf"
    assert done["position"] is None and done["engineer"]["name"] == "Wang"
    assert client.get(f"/api/v1/track/{brief}").status_code == 404  # 0 h after completion: gone
    assert client.get(f"/track/{brief}").status_code == 404
    assert client.get(f"/track/{lasting}").status_code == 200
    late = link(client, job)
    assert 23 * 3600 < seconds_until(late["expires_at"]) <= 24 * 3600  # completion + 24 h comes first


def _second_ticket(client: TestClient, job: object) -> str:  # type: ignore[type-arg]
    from tests.integration.helpers import call, create_plant, site_at

    headers = job.dispatcher  # type: ignore[attr-defined]
    plant = create_plant(client, headers)
    create_technician(client, headers, plant["id"], name="Li")
    response = client.post("/api/v1/tickets", json=call(plant["id"], site_at(200)), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_r_tr_1_link_has_an_absolute_lifetime_and_an_id(
    settings: Settings,
    auth: Auth,
) -> None:
    """However long the visit takes, a link ends ``tracking_link_max_days`` after it was made."""
    with TestClient(
        create_app(replace(settings, tracking_link_max_days=2)), raise_server_exceptions=False
    ) as c:
        job = create_job(c, auth)
        made = link(c, job)
        assert uuid.UUID(made["id"])
        assert 2 * 86400 - 60 < seconds_until(made["expires_at"]) <= 2 * 86400
        assert show(c, made["token"])["state"] == "scheduled"


def test_r_tr_4_revoked_link_answers_like_an_unknown_one(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    made = link(client, job)
    kept = link(client, job)
    assert client.delete(f"/api/v1/tracking-links/{made['id']}", headers=job.engineer).status_code == 403
    assert client.delete(f"/api/v1/tracking-links/{made['id']}", headers=job.dispatcher).status_code == 204
    assert client.delete(f"/api/v1/tracking-links/{made['id']}", headers=job.dispatcher).status_code == 204
    unknown = client.delete(f"/api/v1/tracking-links/{uuid.uuid4()}", headers=job.dispatcher)
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    gone = client.get(f"/api/v1/track/{made['token']}")
    assert (
        gone.status_code == 404
        and gone.json() == client.get("/api/v1/track/never-issued-0123456789abcdef").json()
    )
    assert client.get(f"/track/{made['token']}").status_code == 404
    assert client.get(f"/api/v1/track/{made['token']}/events").status_code == 404
    assert show(client, kept["token"])["engineer"]["name"] == "Wang"  # only that link ended


def test_r_tr_2_cancelled_job_ends_the_link_and_names_nobody(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    token = link(client, job)["token"]
    assert show(client, token)["engineer"]["name"] == "Wang"
    cancel = client.post(
        f"/api/v1/work-orders/{job.work_order_id}/events",
        json={"id": str(uuid.uuid4()), "type": "cancel", "data": {"reason": "customer fixed it"}},
        headers=job.dispatcher,
    )
    assert cancel.status_code == 200, cancel.text
    page = client.get(f"/track/{token}")
    assert page.status_code == 404 and "Wang" not in page.text
    answer = client.get(f"/api/v1/track/{token}")
    assert answer.status_code == 404 and "Wang" not in answer.text
    # a link made after the cancellation (the ticket is back with the dispatcher) names nobody
    fresh = show(client, link(client, job)["token"])
    assert fresh["engineer"] is None and fresh["position"] is None and fresh["eta"] is None
