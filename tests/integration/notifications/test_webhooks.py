"""Webhooks: a change reaches a subscribed receiver signed, once, retried when it fails (R-DI-9:
keep people informed — here the systems of the people who asked to be).

A real receiver on loopback, a real job worker, the real API: creating a ticket journals
``ticket.created``; the journal's trigger defers the fan-out job in the same transaction; the
worker makes one delivery per subscription and POSTs it with ``X-Aftersales-Signature``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient

from api.app import create_app
from api.serving import free_port
from api.settings import Settings
from dispatch.notifications.webhooks import verify
from tests.conftest import Auth
from tests.integration.helpers import call, create_plant, site_at
from tests.job_worker import job_worker


@dataclass
class Receiver:
    """An HTTP receiver on loopback: answers with ``statuses`` in turn (then 200), records posts."""

    statuses: list[int] = field(default_factory=list)
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def wait_for(self, count: int, timeout: float = 30) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.posts) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.posts)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/aftersales"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class MailSink:
    """A local SMTP server keeping what it receives."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink(free_port())

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            sink.messages.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=default))
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def hooked(settings: Settings, mail_sink: MailSink) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """The API and a worker that may deliver to loopback (the receiver) and mail to the sink."""
    allowed = replace(
        settings,
        webhook_allow_private=True,
        smtp_host="127.0.0.1",
        smtp_port=mail_sink.port,
        smtp_from="service@plant.example",
    )
    with job_worker(allowed), TestClient(create_app(allowed), raise_server_exceptions=False) as client:
        yield client


def _subscribe(client: TestClient, auth: Auth, url: str, events: list[str]) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post("/api/v1/webhooks", json={"url": url, "events": events}, headers=auth("admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _deliveries(client: TestClient, auth: Auth, webhook_id: str) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=auth("admin"))
    assert response.status_code == 200, response.text
    return list(response.json())


def _settled(client: TestClient, auth: Auth, webhook_id: str, timeout: float = 30) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        found = _deliveries(client, auth, webhook_id)
        if (found and all(d["status"] != "pending" for d in found)) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_r_di_9_a_new_ticket_reaches_the_receiver_signed_once(
    hooked: TestClient,  # type: ignore[type-arg]
    receiver: Receiver,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    created = _subscribe(hooked, auth, receiver.url, ["ticket.created"])
    plants_only = _subscribe(hooked, auth, receiver.url, ["plan.created"])
    plant = create_plant(hooked, office)
    ticket = hooked.post("/api/v1/tickets", json=call(plant["id"], site_at(40)), headers=office)
    assert ticket.status_code == 201, ticket.text

    [(headers, body)] = receiver.wait_for(1)
    assert verify(created["secret"], headers["x-aftersales-signature"], body)
    assert not verify(plants_only["secret"], headers["x-aftersales-signature"], body)
    sent = json.loads(body)
    assert sent["event"] == headers["x-aftersales-event"] == "ticket.created"
    assert sent["data"]["id"] == sent["subject"] == ticket.json()["id"]
    [delivery] = _settled(hooked, auth, created["webhook"]["id"])
    assert (delivery["status"], delivery["attempts"], delivery["id"]) == (
        "delivered",
        1,
        headers["x-aftersales-delivery"],
    )
    assert _deliveries(hooked, auth, plants_only["webhook"]["id"]) == [], "not subscribed to tickets"
    time.sleep(1.0)
    assert len(receiver.posts) == 1, "delivered once"


def test_a_failing_receiver_is_retried_until_it_takes_the_delivery(
    hooked: TestClient,  # type: ignore[type-arg]
    receiver: Receiver,
    auth: Auth,
) -> None:
    receiver.statuses = [503]
    hook = _subscribe(hooked, auth, receiver.url, ["ticket.created"])
    plant = create_plant(hooked, auth("dispatcher"))
    hooked.post("/api/v1/tickets", json=call(plant["id"], site_at(40)), headers=auth("dispatcher"))

    posts = receiver.wait_for(2)
    assert len(posts) == 2 and posts[0][0]["x-aftersales-delivery"] == posts[1][0]["x-aftersales-delivery"]
    [delivery] = _settled(hooked, auth, hook["webhook"]["id"])
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("delivered", 2, 200)


def test_an_ended_subscription_receives_nothing_more(
    hooked: TestClient,  # type: ignore[type-arg]
    receiver: Receiver,
    auth: Auth,
) -> None:
    hook = _subscribe(hooked, auth, receiver.url, ["ticket.created"])
    ended = hooked.delete(f"/api/v1/webhooks/{hook['webhook']['id']}", headers=auth("admin"))
    assert ended.status_code == 204
    listed = hooked.get("/api/v1/webhooks", headers=auth("admin")).json()
    assert [(w["id"], w["active"]) for w in listed] == [(hook["webhook"]["id"], False)]
    plant = create_plant(hooked, auth("dispatcher"))
    hooked.post("/api/v1/tickets", json=call(plant["id"], site_at(40)), headers=auth("dispatcher"))
    time.sleep(2.0)
    assert receiver.posts == []


def test_the_same_event_by_e_mail_and_to_a_wechat_work_robot(
    hooked: TestClient,  # type: ignore[type-arg]
    receiver: Receiver,
    mail_sink: MailSink,
    auth: Auth,
) -> None:
    """One interface, adapters chosen by the URL: mailto: through SMTP, wecom+https: as a robot text."""
    _subscribe(hooked, auth, "mailto:qa-lead@plant.example", ["ticket.created"])
    robot = receiver.url.replace("http://", "wecom+http://") + "?key=robot-key"
    _subscribe(hooked, auth, robot, ["ticket.created"])
    plant = create_plant(hooked, auth("dispatcher"))
    ticket = hooked.post("/api/v1/tickets", json=call(plant["id"], site_at(40)), headers=auth("dispatcher"))

    [mail] = mail_sink.wait_for(1)
    assert mail["To"] == "qa-lead@plant.example" and mail["From"] == "service@plant.example"
    assert mail["Subject"] == "[aftersales] ticket.created 1001 (new)"
    assert ticket.json()["id"] in mail.get_content()
    [(headers, body)] = receiver.wait_for(1)
    text = json.loads(body)
    assert text["msgtype"] == "text" and "ticket.created 1001" in text["text"]["content"]
    assert "x-aftersales-signature" not in headers  # the robot's key is its secret


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["ticket.created"]}, "url"),
        ({"url": "mailto:qa@plant.example", "events": ["ticket.created"]}, "url"),  # no SMTP server set
        (
            {"url": "wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "events": ["ticket.created"]},
            "url",
        ),
        ({"url": "https:///no-host", "events": ["ticket.created"]}, "url"),
        ({"url": "https://user:pw@example.com/x", "events": ["ticket.created"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": ["ticket.created"]}, "url"),  # loopback: refused
        ({"url": "http://10.1.2.3/x", "events": ["ticket.created"]}, "url"),  # private: refused
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["ticket.deleted"]}, "events"),
        (
            {"url": "https://example.com/x", "events": ["ticket.created"], "description": "x" * 201},
            "description",
        ),
    ],
)
def test_bad_subscriptions_are_400_naming_the_field(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    body: dict[str, Any],
    field: str,
) -> None:
    response = client.post("/api/v1/webhooks", json=body, headers=auth("admin"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


def test_only_an_admin_subscribes_and_unknown_ids_are_404(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    body = {"url": "https://example.com/x", "events": ["ticket.created"]}
    assert client.post("/api/v1/webhooks", json=body, headers=auth("dispatcher")).status_code == 403
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/api/v1/webhooks/{unknown}", headers=auth("admin")).status_code == 404
    assert client.get(f"/api/v1/webhooks/{unknown}/deliveries", headers=auth("admin")).status_code == 404
    bad_limit = client.get(f"/api/v1/webhooks/{unknown}/deliveries?limit=0", headers=auth("admin"))
    assert bad_limit.status_code == 400 and bad_limit.json()["field"] == "limit"
