"""Browser safety headers on every response and the abuse limits (docs/security.md#browser,
docs/operations.md#rate-limits): an exceeded limit answers 429 with ``Retry-After`` in the house
error body; valid bearer tokens are never counted as failed authentications."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.security_headers import content_security_policy
from api.settings import Settings
from tests.conftest import Auth


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    tight = replace(
        settings,
        rate_limit_tracking_ip=5,
        rate_limit_failed_auth_ip=3,
        rate_limit_ingest_ip=4,
        rate_limit_objects_ip=4,
        tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png",
    )
    with TestClient(create_app(tight), raise_server_exceptions=False) as test_client:
        yield test_client


def _assert_429(response: object) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["error"] == "rate_limited" and "retry after" in body["detail"]


@pytest.mark.parametrize(
    "path", ["/health", "/console/", "/track/unknown-token-0123456789", "/api/v1/plants"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_csp_allows_the_configured_tile_origin_only() -> None:
    csp = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org;" in csp
    assert "tile.example.org" not in content_security_policy(None)


def test_guessing_tracking_tokens_is_throttled_per_ip(limited: TestClient) -> None:  # type: ignore[type-arg]
    answers = [limited.get(f"/api/v1/track/guess-{i:030d}") for i in range(5)]
    assert [a.status_code for a in answers] == [404] * 5
    _assert_429(limited.get("/api/v1/track/guess-next-000000000000000000000"))
    _assert_429(limited.get("/track/guess-page-0000000000000000000000"))  # the page shares the limit
    assert limited.get("/health").status_code == 200  # other endpoints are not limited


def test_guessing_device_secrets_and_upload_tokens_is_throttled(limited: TestClient) -> None:  # type: ignore[type-arg]
    for i in range(4):
        assert limited.get(f"/track/osmand/not-a-secret-{i}?lat=1&lon=2").status_code != 429
    _assert_429(limited.get("/track/osmand/not-a-secret-x?lat=1&lon=2"))
    for i in range(4):
        assert limited.put(f"/api/v1/objects/uploads/bad.{i}", content=b"x").status_code == 403
    _assert_429(limited.put("/api/v1/objects/uploads/bad.x", content=b"x"))


def test_failed_bearer_tokens_are_throttled_and_valid_ones_are_not(limited: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    for _ in range(10):  # valid tokens never count
        assert limited.get("/api/v1/plants", headers=auth("dispatcher")).status_code == 200
    for i in range(3):
        bad = limited.get("/api/v1/plants", headers={"Authorization": f"Bearer forged.{i}"})
        assert bad.status_code == 401
    _assert_429(limited.get("/api/v1/plants", headers={"Authorization": "Bearer forged.x"}))
    assert limited.get("/api/v1/plants", headers=auth("dispatcher")).status_code == 200
