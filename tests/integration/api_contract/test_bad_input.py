"""Bad input answers 400 naming the field, never 500, and writes nothing (docs/api.md "Limits").

One test per cause: NUL bytes and invalid UTF-8 in text, times outside 1900–2200 or not
representable in UTC, integers beyond their type, JSON nested past the limit, a body of the wrong
shape, and concurrent offline-sync replays of one event id (tested in ``test_sync_race.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.helpers import YANTAI, call, create_plant, site_at


def _count(client: TestClient, headers: dict[str, str], path: str) -> int:  # type: ignore[type-arg]
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def _assert_400(response: Any, field: str | None) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) <= {"error", "detail", "field"}, body
    assert body["error"] in ("invalid_request", "invalid_input")
    assert body.get("field") == field, body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Yan\u0000tai", "location": YANTAI, "policy": "vehicle-500km"}, "name"),
        ({"name": "Yantai", "location": YANTAI, "policy": "vehicle\u0000-500km"}, "policy"),
        (
            {"name": "Yantai", "location": {**YANTAI, "crs": "WGS\u000084"}, "policy": "vehicle-500km"},
            "location.crs",
        ),
    ],
)
def test_nul_in_text_is_refused(client: TestClient, auth: Auth, body: dict[str, Any], field: str) -> None:  # type: ignore[type-arg]
    headers = auth("admin")
    _assert_400(client.post("/api/v1/plants", json=body, headers=headers), field)
    assert _count(client, headers, "/api/v1/plants") == 0


def test_nul_in_a_ticket_and_in_a_query_is_refused(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    body = call(plant["id"], site_at(100))
    body["fault"]["description"] = "hose\u0000burst"
    _assert_400(client.post("/api/v1/tickets", json=body, headers=headers), "fault.description")
    assert _count(client, headers, "/api/v1/tickets") == 0
    _assert_400(client.get("/api/v1/customers", params={"q": "a\u0000b"}, headers=headers), "q")


def test_invalid_utf8_body_is_refused(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = {**auth("admin"), "Content-Type": "application/json"}
    raw = b'{"name": "Yan\xfftai", "location": {"lon": 121.4, "lat": 37.4}, "policy": "vehicle-500km"}'
    response = client.post("/api/v1/plants", content=raw, headers=headers)
    _assert_400(response, "name")
    assert "UTF-8" in response.json()["detail"]
    assert _count(client, headers, "/api/v1/plants") == 0


@pytest.mark.parametrize(
    "reported_at",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "1899-12-31T23:59:59+00:00",
        "2201-01-01T00:00:00Z",
    ],
)
def test_times_outside_the_range_are_refused(client: TestClient, auth: Auth, reported_at: str) -> None:  # type: ignore[type-arg]
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    body = call(plant["id"], site_at(100), reported_at=reported_at)
    _assert_400(client.post("/api/v1/tickets", json=body, headers=headers), "reported_at")
    preview = {"plant_id": plant["id"], "site": site_at(100), "reported_at": reported_at}
    _assert_400(client.post("/api/v1/dispatch/preview", json=preview, headers=headers), "reported_at")
    assert _count(client, headers, "/api/v1/tickets") == 0


def test_time_in_a_query_outside_the_range_is_refused(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = auth("admin")
    technician = "00000000-0000-0000-0000-000000000001"
    response = client.get(
        f"/api/v1/technicians/{technician}/track",
        params={"from": "0001-01-01T00:00:00+14:00"},
        headers=headers,
    )
    _assert_400(response, "from")


def test_integers_beyond_their_type_are_refused(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = {**auth("admin"), "Content-Type": "application/json"}
    huge = "9" * 401
    raw = f'{{"name": "Yantai", "location": {{"lon": {huge}, "lat": 37.4}}, "policy": "vehicle-500km"}}'
    _assert_400(client.post("/api/v1/plants", content=raw.encode(), headers=headers), "location.lon")
    raw = '{"name": "Yantai", "location": {"lon": 121.4, "lat": 1e400}, "policy": "vehicle-500km"}'
    _assert_400(client.post("/api/v1/plants", content=raw.encode(), headers=headers), "location.lat")
    assert _count(client, headers, "/api/v1/plants") == 0
    _assert_400(
        client.get("/api/v1/plants", params={"page": "10000000000000000000"}, headers=headers), "page"
    )
    _assert_400(client.get("/api/v1/plants", params={"page": "4611686018427387904"}, headers=headers), "page")
    engineer = auth("engineer", technician="00000000-0000-0000-0000-000000000001")
    for since in ("1e30", "1" + "0" * 30):
        _assert_400(client.get("/api/v1/me/jobs", params={"since": since}, headers=engineer), "since")


def test_json_nested_past_the_limit_is_refused(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers = {**auth("admin"), "Content-Type": "application/json"}
    deep = "[" * 3000 + "]" * 3000
    event = (
        '{"events": [{"id": "00000000-0000-0000-0000-000000000001",'
        ' "work_order_id": "00000000-0000-0000-0000-000000000002", "type": "depart",'
        f' "data": {{"x": {deep}}}}}]}}'
    )
    response = client.post("/api/v1/sync", content=event.encode(), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert "nest" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"positions": 5}, "positions"), ({"positions": [5]}, "positions[0]"), ([], None), (5, None)],
)
def test_positions_of_the_wrong_shape_are_refused(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    body: Any,
    field: str | None,
) -> None:
    """``positions`` is also the name of a service the handler takes: still the client's 400."""
    response = client.post("/api/v1/positions", json=body, headers=auth("admin"))
    assert response.status_code == 400, response.text
    assert response.json().get("field") == field, response.json()


@pytest.mark.parametrize("path", ["/track/owntracks/some-secret", "/track/osmand/some-secret"])
def test_device_ingest_bodies_pass_the_same_gate(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    """Ingest handlers parse their own JSON; nesting and NUL are refused there too."""
    deep = b'{"_type": "location", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    response = client.post(path, content=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["detail"]
    nul = b'{"_type": "location", "tid": "a\\u0000b", "lat": 37.4, "lon": 121.4, "tst": 1772000000}'
    response = client.post(path, content=nul, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "tid"
