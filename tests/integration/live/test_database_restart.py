"""A PostgreSQL restart under load, against a real ``aftersales serve`` (R-DI-9, R-TR-5).

While the database is down every request answers 503 with ``Retry-After`` in the house error body
(never a 500) and ``/health`` says the database is down; once it is back, requests succeed within
5 s, and the live streams that stayed open — the dispatcher console and a customer's tracking
page — get what happened after the restart, read back from the journal (``live_events``) where a
notification was lost while the LISTEN connection was away: no journal id is skipped.

The test restarts a cluster of its own (the session's cluster serves the other tests meanwhile).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest

from storage.migrate import sync_url
from tests import postgis
from tests.integration.console.server import Served, SseEvent, SseReader, serve, sse
from tests.integration.customer_tracking.served import live_job
from tests.integration.helpers import call, site_at

DOWN_S = 3.0
"""How long the database stays down."""


@dataclass
class Outage:
    databases: postgis.TestDatabases
    url: str
    served: Served


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    with postgis.postgis_session() as databases:
        url = databases.cluster.url(databases.create())
        databases.close()  # the restart would break this admin connection; it is not needed again
        with serve(url, tmp_path_factory.mktemp("restart")) as served:
            yield Outage(databases, url, served)


@dataclass
class Load:
    """Requests in a loop from a thread: (seconds since start, path, status, Retry-After, body)."""

    base_url: str
    headers: dict[str, str]
    paths: list[str]
    seen: list[tuple[float, str, int, str | None, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=10) as client:
            while not self.stop.is_set():
                for path in self.paths:
                    try:
                        response = client.get(path)
                    except httpx.TransportError as error:
                        self.seen.append((time.monotonic() - started, path, 0, None, repr(error)))
                        continue
                    entry = (response.headers.get("retry-after"), response.text)
                    self.seen.append((time.monotonic() - started, path, response.status_code, *entry))
                time.sleep(0.05)


def _journal_ids_after(url: str, last_id: int) -> list[int]:
    dsn = sync_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        rows = connection.execute("SELECT id FROM live_events WHERE id > %s ORDER BY id", (last_id,))
        return [int(row[0]) for row in rows]


def _post_until_accepted(base_url: str, path: str, body: object, headers: dict[str, str]) -> float:
    """POST until it is not a 503 (the database coming back); returns when it succeeded."""
    while True:
        response = httpx.post(f"{base_url}{path}", json=body, headers=headers, timeout=10)
        if response.status_code != 503:
            assert response.status_code in (200, 201), response.text
            return time.monotonic()
        time.sleep(0.05)


def _collect_until(reader: SseReader, into: list[SseEvent], predicate: Any, timeout: float) -> SseEvent:
    """Like ``reader.until`` but keeps every event read on the way (to check for skipped ids)."""
    end = time.monotonic() + timeout
    while True:
        event = reader.next(timeout=max(0.01, end - time.monotonic()))
        into.append(event)
        if predicate(event):
            return event


def _created(event: SseEvent) -> bool:
    return event.event == "tickets" and json.loads(event.data)["kind"] == "ticket.created"


def test_restart_under_load_gives_503_then_recovers_and_streams_resume(outage: Outage) -> None:
    base = outage.served.base_url
    job = live_job(base)
    token = job.link()["token"]
    office = job.office
    plant_id = httpx.get(f"{base}/api/v1/tickets/{job.ticket_id}", headers=office).json()["plant_id"]
    load = Load(base, office, ["/health", f"/api/v1/tickets/{job.ticket_id}"])
    worker = threading.Thread(target=load.run, daemon=True)
    events: list[SseEvent] = []
    with sse(base, office) as console, sse(base, {}, f"/api/v1/track/{token}/events") as page:
        assert json.loads(page.until(lambda e: e.event == "track").data)["state"] == "scheduled"
        last_seen = max(_journal_ids_after(outage.url, 0))
        worker.start()
        time.sleep(0.5)

        cluster = outage.databases.cluster
        cluster.stop()
        stopped = time.monotonic()
        while not any(s[2] == 503 for s in load.seen) and time.monotonic() - stopped < 5:
            time.sleep(0.05)
        down = httpx.get(f"{base}/health", timeout=10)
        post_down = httpx.post(
            f"{base}/api/v1/tickets", json=call(plant_id, site_at(50)), headers=office, timeout=10
        )
        time.sleep(max(0.0, DOWN_S - (time.monotonic() - stopped)))
        cluster.start()
        back = time.monotonic()

        # a call taken the moment the database is back (the LISTEN connection may still be away)
        created_at = _post_until_accepted(base, "/api/v1/tickets", call(plant_id, site_at(80)), office)
        _collect_until(console, events, _created, timeout=15)
        console_s = time.monotonic() - back

        # the engineer leaves: the customer's page, open all along, shows it
        job.send("accept")
        job.send("depart")
        assert json.loads(page.until(lambda e: e.event == "track", timeout=15).data)["state"] == "en_route"
        load.stop.set()
        worker.join(timeout=15)
        journal = _journal_ids_after(outage.url, last_seen)
        while len([e for e in events if e.id]) < len(journal):
            _collect_until(console, events, lambda e: e.id is not None, timeout=10)
    received = [int(e.id) for e in events if e.id is not None]

    unavailable = [s for s in load.seen if s[2] == 503]
    assert [s for s in load.seen if s[2] not in (200, 503)] == [], "neither 200 nor 503"
    assert unavailable, "no 503 while the database was down"
    assert all(s[3] is not None and int(s[3]) > 0 for s in unavailable), "503 without Retry-After"
    api_503 = next(s for s in unavailable if s[1] != "/health")
    assert json.loads(api_503[4])["error"] == "database_unavailable"
    assert down.status_code == 503 and down.headers["retry-after"]
    assert down.json()["status"] == "degraded" and down.json()["checks"]["database"] == "down"
    assert post_down.status_code == 503 and post_down.json()["error"] == "database_unavailable"

    recover_s = created_at - back
    assert recover_s < 5.0, f"requests failed for {recover_s:.1f} s after the database was back"
    assert received == journal, "the console skipped journal ids"
    assert httpx.get(f"{base}/health", timeout=10).json()["checks"] == {
        "database": "up",
        "live_listener": "up",
    }
    print(
        f"\nrestart figures: {len(unavailable)} x 503 (no 500) of {len(load.seen)} requests; "
        f"a write succeeded {recover_s:.2f} s after the database was back; the console got the "
        f"new ticket {console_s:.2f} s after; {len(received)} journal events delivered, none skipped"
    )
