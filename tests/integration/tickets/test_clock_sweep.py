"""The clock sweep (R-IN-3 response within 0.5 h; R-IN-4 the responsible answers for a delay):
an urgent call's response clock turns at risk, then breached, and climbs the vehicle preset's
escalation ladder — each change told once, on the ticket's trail and the live channel.

Times are fixed instants (the ticket says when it was reported; the sweep is given its "now"):
nothing here reads today's date.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import psycopg
from litestar.testing import TestClient

from api.composition import build_components, ticket_clock_service
from api.settings import Settings
from dispatch.tickets.sweep import ClockSweep, SweepReport
from storage.migrate import sync_url
from tests.conftest import Auth
from tests.integration.helpers import call, create_plant, site_at

REPORTED = datetime.fromisoformat("2026-03-04T10:00:00+08:00")  # a Wednesday, a working day


def _sweep(settings: Settings, now: datetime) -> SweepReport:
    async def run() -> SweepReport:
        parts = build_components(settings)
        try:
            return await ClockSweep(parts.sessions, lambda s: ticket_clock_service(s, parts)).run(now)
        finally:
            await parts.engine.dispose()

    return asyncio.run(run())


def _trail(client: TestClient, ticket_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    events = client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["events"]
    return [e for e in events if e["kind"].startswith("clock_") and e["data"]["clock"] == "response"]


def _journal(database_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(sync_url(database_url).replace("+psycopg", "")) as db:
        rows = db.execute(
            "SELECT kind, data->>'to' FROM live_events WHERE topic = 'clocks' "
            "AND data->>'clock' = 'response' ORDER BY id"
        ).fetchall()
    return [(str(kind), str(to)) for kind, to in rows]


def test_r_in_3_response_clock_at_risk_breached_and_escalated_once_each(
    client: TestClient,  # type: ignore[type-arg]
    settings: Settings,
    database_url: str,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    plant = create_plant(client, office)
    body = {**call(plant["id"], site_at(40), urgency="urgent"), "reported_at": REPORTED.isoformat()}
    ticket = client.post("/api/v1/tickets", json=body, headers=office)
    assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["id"]

    _sweep(settings, REPORTED + timedelta(minutes=5))
    assert _trail(client, ticket_id, office) == [], "running: nothing to tell"
    _sweep(settings, REPORTED + timedelta(minutes=25))  # under 25 % of the 30 minutes left
    _sweep(settings, REPORTED + timedelta(minutes=26))  # the same state again: told once
    assert [e["kind"] for e in _trail(client, ticket_id, office)] == ["clock_at_risk", "clock_escalated"]

    _sweep(settings, REPORTED + timedelta(minutes=31))
    _sweep(settings, REPORTED + timedelta(hours=4, minutes=31))  # breached 4 h: the service manager
    trail = _trail(client, ticket_id, office)
    assert [(e["kind"], e["data"].get("to")) for e in trail] == [
        ("clock_at_risk", None),
        ("clock_escalated", "responsible"),
        ("clock_breached", None),
        ("clock_escalated", "plant_dispatcher"),
        ("clock_escalated", "service_manager"),
    ]
    assert all(e["actor"] == "system:clock-sweep" and e["data"]["rule"] == "R-IN-3" for e in trail)
    assert trail[0]["data"]["responsible"] == trail[2]["data"]["responsible"] != ""
    assert _journal(database_url) == [
        ("clock.at_risk", "None"),
        ("clock.escalated", "responsible"),
        ("clock.breached", "None"),
        ("clock.escalated", "plant_dispatcher"),
        ("clock.escalated", "service_manager"),
    ]


def test_a_closed_ticket_is_not_swept(
    client: TestClient,  # type: ignore[type-arg]
    settings: Settings,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    plant = create_plant(client, office)
    body = {**call(plant["id"], site_at(40), urgency="urgent"), "reported_at": REPORTED.isoformat()}
    ticket_id = client.post("/api/v1/tickets", json=body, headers=office).json()["id"]
    cancelled = client.post(
        f"/api/v1/tickets/{ticket_id}/cancel", json={"reason": "duplicate call"}, headers=office
    )
    assert cancelled.status_code == 200, cancelled.text
    report = _sweep(settings, REPORTED + timedelta(hours=5))
    assert (report.tickets, report.changes, report.escalations) == (0, 0, 0)
