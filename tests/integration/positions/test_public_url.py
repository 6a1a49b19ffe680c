"""Links name the address actually served when ``AFTERSALES_PUBLIC_URL`` is unset.

``aftersales serve --port P`` hands a phone its ingest URL; a default of port 8000 would send a
stock tracking app to nowhere. Here the instance runs on a free port with the variable empty.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from api.cli import with_served_public_url
from api.settings import Settings
from tests.conftest import Auth
from tests.integration.console.server import serve
from tests.integration.helpers import YANTAI


def test_served_address_is_the_default_public_url(module_database: str, tmp_path: Path, auth: Auth) -> None:
    with serve(module_database, tmp_path / "home", extra_env={"AFTERSALES_PUBLIC_URL": ""}) as served:
        office = auth("dispatcher")
        plant = httpx.post(
            f"{served.base_url}/api/v1/plants",
            json={"name": "Yantai", "location": YANTAI, "policy": "vehicle-500km"},
            headers=office,
            timeout=10,
        ).json()
        technician = httpx.post(
            f"{served.base_url}/api/v1/technicians",
            json={"name": "Wang", "plant_id": plant["id"], "home": YANTAI},
            headers=office,
            timeout=10,
        ).json()
        device = httpx.post(
            f"{served.base_url}/api/v1/devices",
            json={"technician_id": technician["id"], "protocol": "osmand"},
            headers=office,
            timeout=10,
        )
        assert device.status_code == 201, device.text
        assert device.json()["ingest_url"].startswith(f"http://127.0.0.1:{served.port}/track/osmand/")


def test_a_configured_public_url_wins_and_wildcards_become_loopback() -> None:
    settings = Settings(public_url="https://service.example.com")
    configured = {"AFTERSALES_PUBLIC_URL": "https://service.example.com"}
    assert (
        with_served_public_url(settings, "0.0.0.0", 9000, configured).public_url
        == "https://service.example.com"
    )
    assert with_served_public_url(settings, "0.0.0.0", 9000, {}).public_url == "http://127.0.0.1:9000"
    assert with_served_public_url(settings, "127.0.0.2", 9000, {}).public_url == "http://127.0.0.2:9000"
    assert with_served_public_url(settings, "::1", 9000, {}).public_url == "http://[::1]:9000"
