"""The preview's fast lane (``api/preview_lane.py``) answers exactly as the route behind it.

Every request is sent twice to one app: through the lane, then with the lane switched off (the
Litestar route alone). Status, body and every header must be the same — for the valid previews
the lane serves itself and for everything it hands back to the app (refusals, errors).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from api.app import ServiceApp, create_app
from api.settings import Settings
from tests.conftest import Auth
from tests.integration.helpers import create_outlet, create_plant, site_at

PATH = "/api/v1/dispatch/preview"
AT = "2026-03-02T09:30:00+08:00"


@pytest.fixture
def app_and_client(settings: Settings) -> Iterator[tuple[ServiceApp, TestClient]]:  # type: ignore[type-arg]
    app = create_app(settings)
    assert isinstance(app, ServiceApp)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def _answer(response: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted((k, v) for k, v in response.headers.items() if k not in ("date", "server"))
    return response.status_code, response.content, headers


def _both(
    app: ServiceApp,
    client: TestClient,  # type: ignore[type-arg]
    **request: Any,
) -> tuple[int, bytes]:
    """The answer through the lane, checked equal to the route's; (status, body)."""
    headers = {"X-Request-ID": f"req-{uuid.uuid4().hex[:8]}", **request.pop("headers", {})}
    lane = app.preview_lane
    fast = _answer(client.post(PATH, headers=headers, **request))
    app.preview_lane = None
    try:
        slow = _answer(client.post(PATH, headers=headers, **request))
    finally:
        app.preview_lane = lane
    assert fast == slow
    return fast[0], fast[1]


def _counting(app: ServiceApp) -> list[bool]:
    """``True`` for each request the lane answered itself, ``False`` for each it handed back."""
    lane = app.preview_lane
    assert lane is not None
    served: list[bool] = []
    serve = lane.serve

    async def counted(scope: Any, receive: Any, send: Any) -> Any:
        replay = await serve(scope, receive, send)
        served.append(replay is None)
        return replay

    lane.serve = counted  # type: ignore[method-assign]
    return served


def test_valid_previews_are_served_by_the_lane_as_the_route_would(
    app_and_client: tuple[ServiceApp, TestClient],  # type: ignore[type-arg]
    auth: Auth,
) -> None:
    app, client = app_and_client
    office = auth("dispatcher")
    plant = create_plant(client, office)
    far = site_at(1500)
    create_outlet(client, office, plant["id"], site_at(30, 90, far), radius_km=200)
    served = _counting(app)
    bodies: list[dict[str, Any]] = [
        {"plant_id": plant["id"], "site": site_at(120), "reported_at": AT},
        {"plant_id": plant["id"], "site": far, "reported_at": AT, "urgency": "extra_urgent"},
        {"plant_id": plant["id"], "site": site_at(2500), "reported_at": AT, "urgency": "urgent"},
        {"plant_id": plant["id"], "site": {**site_at(700), "crs": "GCJ02"}, "reported_at": AT},
    ]
    for body in bodies:
        status, _ = _both(app, client, json=body, headers=office)
        assert status == 200
    outlet = auth("outlet")
    assert _both(app, client, json=bodies[1], headers=outlet)[0] == 200
    assert served == [True] * 5


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no token", 401),
        ("bad token", 401),
        ("engineer", 403),
        ("unknown plant", 404),
        ("bad urgency", 400),
        ("future report", 400),
        ("unknown field", 400),
        ("not json", 400),
        ("empty body", 400),
        ("text/plain", 400),
        ("query string", 200),
        ("time as a number", 200),  # lax conversion in the route; the strict lane hands it over
    ],
)
def test_everything_else_is_answered_by_the_route(
    app_and_client: tuple[ServiceApp, TestClient],  # type: ignore[type-arg]
    auth: Auth,
    case: str,
    status: int,
) -> None:
    app, client = app_and_client
    office = auth("dispatcher")
    plant = create_plant(client, office)
    body: dict[str, Any] = {"plant_id": plant["id"], "site": site_at(800), "reported_at": AT}
    request: dict[str, Any] = {"json": body, "headers": office}
    if case == "no token":
        request["headers"] = {}
    elif case == "bad token":
        request["headers"] = {"Authorization": "Bearer not-a-token"}
    elif case == "engineer":
        request["headers"] = auth("engineer")
    elif case == "unknown plant":
        body["plant_id"] = str(uuid.uuid4())
    elif case == "bad urgency":
        body["urgency"] = "whenever"
    elif case == "future report":
        body["reported_at"] = "2999-01-01T00:00:00+08:00"
    elif case == "unknown field":
        body["colour"] = "red"
    elif case == "not json":
        request = {"content": b"{not json", "headers": {**office, "Content-Type": "application/json"}}
    elif case == "empty body":
        request = {"content": b"", "headers": {**office, "Content-Type": "application/json"}}
    elif case == "text/plain":
        request = {"content": b"hello", "headers": {**office, "Content-Type": "text/plain"}}
    elif case == "query string":
        request["params"] = {"why": "curiosity"}
    elif case == "time as a number":
        body["reported_at"] = 12
    served = _counting(app)
    assert _both(app, client, **request)[0] == status
    assert served == ([] if case == "query string" else [False])  # a query string: not even tried
