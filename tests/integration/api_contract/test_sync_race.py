"""Eight phones replaying one offline event at once (R-OS-1 idempotency): one ``applied``, seven
``duplicate``, one stored event, no 500 — against a real served instance, so the requests really
run in parallel transactions."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.conftest import Auth
from tests.integration.console.server import Served
from tests.integration.field_work.helpers import Job, create_job

REPLAYS = 8
ROUNDS = 6


def test_concurrent_replays_of_one_event_apply_once(served: Served, auth: Auth) -> None:
    with httpx.Client(base_url=served.base_url, timeout=30) as client:
        job = create_job(client, auth)  # type: ignore[arg-type]
        body = {
            "events": [
                {
                    "id": str(uuid.uuid4()),
                    "work_order_id": job.work_order_id,
                    "type": "accept",
                    "at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC).isoformat(),
                    "device_id": "phone-1",
                }
            ]
        }

        def replay(_: int) -> tuple[int, Any]:
            response = client.post("/api/v1/sync", json=body, headers=job.engineer)
            return response.status_code, response.json()

        with ThreadPoolExecutor(REPLAYS) as pool:
            answers = list(pool.map(replay, range(REPLAYS)))
        assert [status for status, _ in answers] == [200] * REPLAYS, answers
        statuses = sorted(answer["results"][0]["status"] for _, answer in answers)
        assert statuses == ["applied"] + ["duplicate"] * (REPLAYS - 1)
        work_order = client.get(f"/api/v1/work-orders/{job.work_order_id}", headers=job.dispatcher).json()
        stored = [e for e in work_order["events"] if e["id"] == body["events"][0]["id"]]
        assert len(stored) == 1
        assert work_order["state"] == "accepted"


def test_one_event_id_raced_onto_two_jobs_is_stored_once(served: Served, auth: Auth) -> None:
    """Two jobs, two row locks: the unique key decides. The loser re-reads the stored event and
    answers as a replay of it (422 ``idempotency_key_reused`` for the other job), never 500. The
    window is narrow, so the race runs ``ROUNDS`` times (each round alone caught the bug ~1 in 4)."""
    with httpx.Client(base_url=served.base_url, timeout=30) as client:
        jobs = [create_job(client, auth) for _ in range(2 * ROUNDS)]  # type: ignore[arg-type]
        for round_ in range(ROUNDS):
            _race_onto_two_jobs(client, jobs[2 * round_], jobs[2 * round_ + 1])


def _race_onto_two_jobs(client: httpx.Client, first: Job, second: Job) -> None:
    event_id = str(uuid.uuid4())

    def replay(index: int) -> tuple[int, Any]:
        job = (first, second)[index % 2]
        body = {"events": [{"id": event_id, "work_order_id": job.work_order_id, "type": "accept"}]}
        response = client.post("/api/v1/sync", json=body, headers=job.engineer)
        return response.status_code, response.json()

    with ThreadPoolExecutor(REPLAYS) as pool:
        answers = list(pool.map(replay, range(REPLAYS)))
    assert 500 not in [status for status, _ in answers], answers
    applied = [a for s, a in answers if s == 200 and a["results"][0]["status"] == "applied"]
    assert len(applied) == 1, answers
    winner = applied[0]["results"][0]["work_order_id"]
    for status, answer in answers:
        if status == 200:
            assert answer["results"][0]["work_order_id"] == winner
            assert answer["results"][0]["status"] in ("applied", "duplicate")
        else:
            assert (status, answer["error"]) == (422, "idempotency_key_reused"), answer
