"""A tracking link is its own principal: its ticket's report once completed, nothing else (R-TR-4).

The report endpoint used to borrow a dispatcher's principal; now the link's ``customer`` principal
reaches only its own ticket (docs/security.md), and a bearer token can never carry that role.
"""

from __future__ import annotations

import uuid

import jwt
from litestar.testing import TestClient

from dispatch.access.policy import Action, Resource, scope
from dispatch.access.principal import tracking_principal
from storage.scope import RowScope
from tests.conftest import SECRET, Auth
from tests.integration.customer_tracking.helpers import finish, link, send
from tests.integration.field_work.helpers import create_job


def test_the_link_reads_its_own_report_after_completion(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    token = link(client, job)["token"]
    assert client.get(f"/api/v1/track/{token}/report.pdf").status_code == 404  # not before completion
    send(client, job, "accept")
    send(client, job, "depart")
    send(client, job, "arrive")
    finish(client, auth, job)
    report = client.get(f"/api/v1/track/{token}/report.pdf")
    assert report.status_code == 200, report.text
    assert report.content.startswith(b"%PDF")


def test_the_link_principal_reaches_one_ticket_and_no_bearer_route(client: TestClient) -> None:  # type: ignore[type-arg]
    ticket = uuid.uuid4()
    assert scope(tracking_principal(uuid.uuid4(), ticket), Resource.REPORT, Action.READ) == RowScope(
        ticket_id=ticket
    )
    forged = jwt.encode({"sub": "x", "role": "customer", "exp": 4102444800}, SECRET, algorithm="HS256")
    answer = client.get(f"/api/v1/tickets/{ticket}/report.pdf", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401 and "not issued as a bearer token" in answer.json()["detail"]
