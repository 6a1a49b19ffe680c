"""A bug answers 500 ``{error, detail}`` with the request id, and nothing of the failure itself;
the log line carries the same id (docs/api.md, Errors)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from litestar import get
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import Auth

LEAK = "SELECT phone FROM customers WHERE name = 'Qingdao Sanitation'"


@get("/api/v1/test-only/bug", sync_to_thread=False)
def bug() -> None:
    raise RuntimeError(LEAK)


@pytest.fixture
def buggy_client(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    app = create_app(settings)
    app.register(bug)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_bug_answers_500_with_the_request_id_only(
    buggy_client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="aftersales"):
        response = buggy_client.get(
            "/api/v1/test-only/bug", headers={**auth("admin"), "X-Request-ID": "call-42"}
        )
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "internal_error"
    assert "call-42" in body["detail"]
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-request-id"] == "call-42"
    assert [r for r in caplog.records if "request_id=call-42" in r.getMessage()]


def test_a_request_id_is_generated_when_missing_or_unsafe(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    generated = client.get("/api/v1/plants", headers=auth("admin")).headers["x-request-id"]
    assert len(generated) == 32
    unsafe = client.get("/api/v1/plants", headers={**auth("admin"), "X-Request-ID": "a b\tc"})
    assert unsafe.headers["x-request-id"] not in ("a b\tc", generated)


def test_answers_that_never_reach_a_route_carry_the_request_id(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    unknown = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "r-1"})
    assert (unknown.status_code, unknown.headers["x-request-id"]) == (404, "r-1")
    refused = client.get(
        "/api/v1/customers", params={"q": "a\x00"}, headers={**auth("admin"), "X-Request-ID": "r-2"}
    )
    assert (refused.status_code, refused.headers["x-request-id"]) == (400, "r-2")
    anonymous = client.get("/api/v1/plants", headers={"X-Request-ID": "r-3"})
    assert (anonymous.status_code, anonymous.headers["x-request-id"]) == (401, "r-3")
