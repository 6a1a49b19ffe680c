"""The console's page, assets and the stream's refusals (no streaming: TestClient is enough here)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth


def test_console_page_and_assets_need_no_login(client: TestClient) -> None:  # type: ignore[type-arg]
    page = client.get("/console")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/console/assets/console.js">' in page.text
    script = client.get("/console/assets/console.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    leaflet = client.get("/static/vendor/leaflet/leaflet-src.esm.js")
    assert leaflet.status_code == 200, "run `make setup` (scripts/console-assets.sh) to vendor Leaflet"
    config = client.get("/console/config.json").json()
    assert config == {"tile_url": None, "tile_datum": "WGS84", "tile_attribution": ""}


def test_session_tells_the_console_who_the_token_names(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    assert client.get("/api/v1/console/session").status_code == 401
    answer = client.get("/api/v1/console/session", headers=auth("dispatcher"))
    assert answer.status_code == 200
    assert answer.json()["role"] == "dispatcher"


def test_stream_refuses_engineers_and_bad_parameters(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/api/v1/events", headers=auth("engineer")).status_code == 403
    bad_topic = client.get("/api/v1/events?topics=weather", headers=auth("dispatcher"))
    assert bad_topic.status_code == 400
    assert bad_topic.json()["field"] == "topics"
    bad_id = client.get("/api/v1/events", headers={**auth("dispatcher"), "Last-Event-ID": "yesterday"})
    assert bad_id.status_code == 400
    assert bad_id.json()["field"] == "last_event_id"


def test_an_unknown_tile_datum_stops_the_service(settings: object) -> None:
    from dataclasses import replace

    from api.app import create_app
    from api.settings import Settings
    from geo.errors import UnknownDatum

    assert isinstance(settings, Settings)
    with pytest.raises(UnknownDatum):
        create_app(replace(settings, tile_datum="MARS2000"))
