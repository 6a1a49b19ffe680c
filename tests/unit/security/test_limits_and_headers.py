"""Which paths each abuse limit counts, and the CSP source of a tile URL (docs/security.md#browser)."""

from __future__ import annotations

import pytest

from api.rate_limits import is_ingest, tracking_token
from api.security_headers import content_security_policy, tile_source


@pytest.mark.parametrize(
    ("path", "token"),
    [
        ("/track/AbC123", "AbC123"),
        ("/api/v1/track/AbC123", "AbC123"),
        ("/api/v1/track/AbC123/events", "AbC123"),
        ("/api/v1/track/AbC123/report.pdf", "AbC123"),
        ("/track/osmand/secret", None),
        ("/track/owntracks", None),
        ("/api/v1/tickets/x/tracking-links", None),
        ("/console/", None),
    ],
)
def test_tracking_token_of_a_path(path: str, token: str | None) -> None:
    assert tracking_token(path) == token


@pytest.mark.parametrize(
    ("path", "ingest"),
    [
        ("/track/osmand/s3cret", True),
        ("/track/owntracks", True),
        ("/track/owntracks/s3cret", True),
        ("/track/AbC123", False),
        ("/api/v1/positions", False),
    ],
)
def test_ingest_paths(path: str, ingest: bool) -> None:
    assert is_ingest(path) is ingest


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", "https://*.is.autonavi.com"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("javascript:alert(1)", None),
        (None, None),
    ],
)
def test_tile_source(url: str | None, source: str | None) -> None:
    assert tile_source(url) == source


def test_policy_has_no_unsafe_sources() -> None:
    policy = content_security_policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "unsafe" not in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_limiters_skip_other_paths_before_building_a_request() -> None:
    import re

    from api.rate_limits import _only_under

    skip = re.compile(_only_under("/track/", "/api/v1/track/") or "")
    assert [bool(skip.findall(p)) for p in ("/track/abc", "/api/v1/track/x/events")] == [False, False]
    assert [bool(skip.findall(p)) for p in ("/api/v1/plants", "/health", "/trackx")] == [True, True, True]
    pages = re.compile(
        _only_under("/track/", "/api/v1/track/", but_not=("/track/osmand", "/track/owntracks")) or ""
    )
    skipped = ("/track/osmand/s3cret", "/track/owntracks", "/api/v1/plants", "/")
    limited = ("/track/abc", "/track/osmandish", "/api/v1/track/x/events")
    assert [bool(pages.findall(p)) for p in skipped] == [True, True, True, False]
    assert [bool(pages.findall(p)) for p in limited] == [False, False, False]
