"""The live event stream (GET /api/v1/events) against real ``aftersales serve`` processes.

R-DI-9: people are kept informed — new tickets and state changes reach every subscribed console
through PostgreSQL LISTEN/NOTIFY, from whichever API process made the change.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import Auth
from tests.integration.console.server import Served, serve, sse
from tests.integration.helpers import YANTAI, site_at


def _plant(base: str, headers: dict[str, str], policy: str = "vehicle-500km") -> str:
    body = {"name": "Yantai", "location": YANTAI, "policy": policy}
    response = httpx.post(f"{base}/api/v1/plants", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _ticket(base: str, headers: dict[str, str], plant_id: str, km: float = 120) -> dict[str, object]:
    body = {
        "plant_id": plant_id,
        "site": site_at(km),
        "fault": {"description": "hydraulic hose burst", "type": "hydraulic"},
        "urgency": "urgent",
        "channel": "phone",
    }
    response = httpx.post(f"{base}/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_new_ticket_reaches_a_subscribed_console(served: Served, auth: Auth) -> None:
    """R-DI-9, R-IN-1: a call taken through the API is streamed as ``ticket.created`` at once."""
    office = auth("dispatcher")
    plant = _plant(served.base_url, office)
    with sse(served.base_url, office) as stream:
        started = time.monotonic()
        ticket = _ticket(served.base_url, office, plant)
        event = stream.until(lambda e: e.event == "tickets")
        elapsed = time.monotonic() - started
    message = json.loads(event.data)
    assert message["kind"] == "ticket.created"
    assert message["data"]["id"] == ticket["id"]
    assert message["data"]["status"] == ticket["status"]
    assert message["data"]["lon"] == pytest.approx(ticket["site"]["lon"])  # type: ignore[index]
    assert event.id == str(message["id"])
    assert elapsed < 2.0  # loose sanity bound (2 s); figures belong in bench/


def test_state_change_made_in_one_process_reaches_a_console_on_another(
    served: Served, module_database: str, tmp_path: Path, auth: Auth
) -> None:
    """R-DI-3, R-DI-9: two API processes on one database; a deadline set by hand through the first
    (a ``needs_deadline`` ticket in the military preset's 1000–1500 km gap) reaches a console
    subscribed to the second: the channel is PostgreSQL's, not a process's memory."""
    office = auth("dispatcher")
    plant = _plant(served.base_url, office, policy="military-300km")
    ticket = _ticket(served.base_url, office, plant, km=1200)
    assert ticket["status"] == "needs_deadline"
    with serve(module_database, tmp_path / "b") as other, sse(other.base_url, office) as stream:
        response = httpx.post(
            f"{served.base_url}/api/v1/tickets/{ticket['id']}/deadline",
            json={"arrival_deadline": "2030-01-02T09:00:00+08:00", "reason": "agreed with the customer"},
            headers=office,
        )
        assert response.status_code == 200, response.text
        event = stream.until(lambda e: e.event == "tickets")
    message = json.loads(event.data)
    assert message["kind"] == "ticket.updated"
    assert message["data"]["id"] == ticket["id"]
    assert message["data"]["previous_status"] == "needs_deadline"
    assert message["data"]["status"] != "needs_deadline"


def test_last_event_id_replays_what_was_missed(served: Served, auth: Auth) -> None:
    """A console that reconnects with ``Last-Event-ID`` gets the events it missed, in order, and
    nothing it had already seen."""
    office = auth("dispatcher")
    plant = _plant(served.base_url, office)
    with sse(served.base_url, office) as stream:
        first = _ticket(served.base_url, office, plant)
        seen = stream.until(lambda e: e.event == "tickets")
    assert json.loads(seen.data)["data"]["id"] == first["id"]
    missed = [_ticket(served.base_url, office, plant, km=100 + i) for i in range(2)]
    with sse(served.base_url, {**office, "Last-Event-ID": str(seen.id)}) as stream:
        replayed = [json.loads(stream.until(lambda e: e.event == "tickets").data) for _ in missed]
    assert [m["data"]["id"] for m in replayed] == [t["id"] for t in missed]
    assert all(int(m["id"]) > int(str(seen.id)) for m in replayed)


def test_outlet_token_streams_only_its_own_outlets_tickets(served: Served, auth: Auth) -> None:
    """An outlet sees only its outlet's tickets (the API's scope rule, applied to the stream)."""
    office = auth("dispatcher")
    plant = _plant(served.base_url, office)
    far = site_at(800)
    response = httpx.post(
        f"{served.base_url}/api/v1/outlets",
        json={"name": "far outlet", "plant_id": plant, "location": far, "service_radius_km": 100},
        headers=office,
    )
    assert response.status_code == 201, response.text
    outlet = response.json()["id"]
    with sse(served.base_url, auth("outlet", outlet=outlet)) as stream:
        _ticket(served.base_url, office, plant, km=120)  # direct: not this outlet's
        mine = _ticket(served.base_url, office, plant, km=800)
        event = stream.until(lambda e: e.event == "tickets")
    message = json.loads(event.data)
    assert message["data"]["id"] == mine["id"]
    assert message["data"]["outlet_id"] == outlet
