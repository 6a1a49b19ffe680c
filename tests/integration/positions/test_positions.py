"""Live positions through the API: our batch, OsmAnd/Traccar, OwnTracks, dedup, flags, tracks."""

from __future__ import annotations

import argparse
import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from api.cli import cmd_positions_cleanup
from api.settings import Settings
from tests.conftest import Auth
from tests.integration.field_work.helpers import Job, create_job, register_device, toward

T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def item(job: Job, seconds: float, metres: float, **extra: Any) -> dict[str, Any]:
    point = toward(job.site, 5000 + metres)
    at = T0 + timedelta(seconds=seconds)
    return {"technician_id": job.technician_id, **point, "fix_time": at.isoformat(), **extra}


def track(client: TestClient, job: Job) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/technicians/{job.technician_id}/track",
        params={
            "from": (T0 - timedelta(days=400)).isoformat(),
            "to": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
        headers=job.dispatcher,
    )
    assert response.status_code == 200, response.text
    positions: list[dict[str, Any]] = response.json()["positions"]
    return positions


def test_batch_is_stored_once_duplicates_dropped_and_jumps_flagged(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    batch = [item(job, 0, 0), item(job, 10, 150), item(job, 20, 60_000), item(job, 30, 450, accuracy_m=500)]
    response = client.post("/api/v1/positions", json={"positions": batch}, headers=job.engineer)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": 4, "stored": 4, "duplicates": 0, "flagged": 2, "arrivals": []}
    again = client.post("/api/v1/positions", json={"positions": batch[:2]}, headers=job.engineer)
    assert again.json()["duplicates"] == 2 and again.json()["stored"] == 0
    stored = track(client, job)
    assert [p["flags"] for p in stored] == [[], [], ["jump"], ["inaccurate"]]
    latest = client.get(f"/api/v1/technicians/{job.technician_id}/position", headers=job.engineer).json()
    assert latest["fix_time"] == stored[1]["fix_time"]  # the latest *plausible* fix


def test_bad_item_is_400_with_its_index_and_nothing_is_stored(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    for bad, field in (({"lat": 91}, "lat"), ({"fix_time": future}, "fix_time")):
        batch = [item(job, 0, 0), item(job, 10, 100), {**item(job, 20, 200), **bad}]
        response = client.post("/api/v1/positions", json={"positions": batch}, headers=job.engineer)
        assert response.status_code == 400, response.text
        assert response.json()["index"] == 2
        assert response.json()["field"] == f"positions[2].{field}"
    too_many = [item(job, i, 0) for i in range(1001)]
    response = client.post("/api/v1/positions", json={"positions": too_many}, headers=job.engineer)
    assert response.status_code == 400 and response.json()["field"] == "positions"
    assert track(client, job) == []


def test_device_of_another_engineer_is_403(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    device, _ = register_device(client, job, "app")
    stranger = auth("engineer", technician=uuid.uuid4())
    body = {"positions": [{"device_id": device, **toward(job.site, 10), "fix_time": T0.isoformat()}]}
    assert client.post("/api/v1/positions", json=body, headers=stranger).status_code == 403
    assert client.post("/api/v1/positions", json=body, headers=job.engineer).status_code == 200


def test_osmand_forms_and_unknown_device(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Traccar Client query string (speed in knots, ms timestamp) and JSON form; 400 unknown."""
    job = create_job(client, auth)
    _, path = register_device(client, job)
    point = toward(job.site, 3000)
    query = {"id": "123", "lat": point["lat"], "lon": point["lon"], "timestamp": int(T0.timestamp() * 1000)}
    assert client.post(path, params={**query, "speed": 10}).status_code == 200
    body = {
        "device_id": "123",
        "location": {
            "timestamp": (T0 + timedelta(seconds=5)).isoformat(),
            "coords": {"latitude": point["lat"], "longitude": point["lon"], "speed": 3.0, "accuracy": 5},
            "battery": {"level": 0.5},
        },
    }
    assert client.post(path, json=body).status_code == 200
    stored = track(client, job)
    assert [p["speed_mps"] for p in stored] == [pytest.approx(10 * 1852 / 3600, rel=1e-6), 3.0]
    assert stored[1]["battery"] == 0.5
    unknown = client.get("/track/osmand/not-a-secret", params=query)
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown_device"


def test_stock_osmand_request_without_id(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """A stock OsmAnd install: its default template names no ``id``; the path's secret does."""
    job = create_job(client, auth)
    _, path = register_device(client, job)
    point = toward(job.site, 3000)
    stock = {
        "lat": point["lat"],
        "lon": point["lon"],
        "timestamp": int(T0.timestamp() * 1000),
        "hdop": 4.0,
        "altitude": 23.5,
        "speed": 8.3,
        "bearing": 91.0,
    }
    answer = client.get(path, params=stock)
    assert answer.status_code == 200, answer.text
    assert [(p["lat"], p["lon"]) for p in track(client, job)] == [(point["lat"], point["lon"])]


def test_owntracks_location_other_types_and_empty_bodies(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    _, path = register_device(client, job, "owntracks")
    secret = path.rsplit("/", 1)[1]
    point = toward(job.site, 2000)
    location = {
        "_type": "location",
        "lat": point["lat"],
        "lon": point["lon"],
        "tst": int(T0.timestamp()),
        "vel": 36,
    }
    answer = client.post(path, json=location)
    assert answer.status_code == 200 and answer.json() == []
    for body in (b"", b'{"_type":"transition","event":"enter"}'):
        answer = client.post(path, content=body)
        assert answer.status_code == 200 and answer.json() == []
    basic = base64.b64encode(f"wang:{secret}".encode()).decode()
    moved = {**location, "tst": int(T0.timestamp()) + 60}
    answer = client.post("/track/owntracks", json=moved, headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 200 and answer.json() == []
    wrong = base64.b64encode(b"wang:nope").decode()
    assert (
        client.post("/track/owntracks", json=moved, headers={"Authorization": f"Basic {wrong}"}).status_code
        == 401
    )
    assert [p["speed_mps"] for p in track(client, job)] == [pytest.approx(10.0), pytest.approx(10.0)]


def test_old_fixes_get_their_month_partition_on_demand(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    job = create_job(client, auth)
    old = T0 - timedelta(days=300)
    body = {"positions": [{"technician_id": job.technician_id, **job.site, "fix_time": old.isoformat()}]}
    assert client.post("/api/v1/positions", json=body, headers=job.engineer).json()["stored"] == 1
    assert [p["fix_time"] for p in track(client, job)] == [old.isoformat().replace("+00:00", "Z")]


def test_retention_cleanup_drops_old_partitions_and_keeps_recent_fixes(
    client: TestClient, auth: Auth, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[type-arg]
    """``aftersales positions-cleanup --older-than DAYS`` (the retention setting)."""
    job = create_job(client, auth)
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=300), now - timedelta(minutes=5)
    body = {
        "positions": [
            {"technician_id": job.technician_id, **job.site, "fix_time": t.isoformat()} for t in (old, recent)
        ]
    }
    assert client.post("/api/v1/positions", json=body, headers=job.engineer).json()["stored"] == 2
    assert cmd_positions_cleanup(settings, argparse.Namespace(older_than=100)) == 0
    assert f"dropped partition positions_{old.year}m{old.month:02d}" in capsys.readouterr().out
    remaining = [datetime.fromisoformat(p["fix_time"]) for p in track(client, job)]
    assert remaining == [recent]
    again = client.post("/api/v1/positions", json={"positions": body["positions"][:1]}, headers=job.engineer)
    assert again.json()["stored"] == 1  # the dropped month is made again on demand


def test_stored_counts_rows_actually_stored_batch_and_osmand(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """Three identical positions in one batch store one row and say so (INSERT … ON CONFLICT DO
    NOTHING RETURNING); a device protocol resending a fix reports it as a duplicate."""
    job = create_job(client, auth)
    same = item(job, 0, 0)
    response = client.post("/api/v1/positions", json={"positions": [same, same, same]}, headers=job.engineer)
    assert response.status_code == 200, response.text
    assert response.json()["received"] == 3
    assert response.json()["stored"] == 1 and response.json()["duplicates"] == 2
    assert len(track(client, job)) == 1

    _, path = register_device(client, job)
    point = toward(job.site, 3000)
    query = {
        "id": "9",
        "lat": point["lat"],
        "lon": point["lon"],
        "timestamp": int(T0.timestamp() * 1000) + 60_000,
    }
    first = client.post(path, params=query)
    assert first.status_code == 200 and first.json()["stored"] == 1
    again = client.post(path, params=query)
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 1
    assert len(track(client, job)) == 2
