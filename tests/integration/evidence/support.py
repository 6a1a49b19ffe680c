"""Builders for the evidence API tests: a ticket at a known site, photos, the upload round trip."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from litestar.testing import TestClient

from tests.integration.helpers import GEOD, call, create_outlet, create_plant, site_at
from tests.unit.evidence.photos import exif_bytes, jpeg

CST = timezone(timedelta(hours=8))
#: 700 km from the plant: an outlet job (R-NW-1).
SITE = site_at(700)


def offset_point(km: float, azimuth: float = 90.0, origin: dict[str, float] = SITE) -> dict[str, float]:
    lon, lat, _ = GEOD.fwd(origin["lon"], origin["lat"], azimuth, km * 1000.0)
    return {"lon": lon, "lat": lat}


class World:
    """A plant, two outlets near the site and a helper to open tickets there."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:  # type: ignore[type-arg]
        self.client = client
        self.headers = headers
        self.plant = create_plant(client, headers)
        self.outlet = create_outlet(client, headers, self.plant["id"], offset_point(20, 0), name="near")
        self.other_outlet = create_outlet(
            client, headers, self.plant["id"], offset_point(2000, 0), radius_km=50, name="far away"
        )

    def ticket(self, reported_at: datetime, site: dict[str, float] = SITE) -> dict[str, Any]:
        body = call(self.plant["id"], site, reported_at=reported_at.isoformat())
        response = self.client.post("/api/v1/tickets", json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        ticket = dict(response.json())
        assert ticket["outlet_id"] == self.outlet["id"]
        return ticket


def camera_photo(seed: int, taken_at: datetime, where: dict[str, float] = SITE) -> bytes:
    """A JPEG with EXIF GPS and DateTimeOriginal (+08:00) as a phone camera writes them."""
    local = taken_at.astimezone(CST).replace(tzinfo=None)
    return jpeg(seed, exif=exif_bytes(taken_at=local, lon=where["lon"], lat=where["lat"]))


def announce(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    ticket_id: str,
    data: bytes,
    **overrides: Any,
) -> httpx.Response:
    body: dict[str, Any] = {
        "kind": "before",
        "filename": "IMG_0001.jpg",
        "content_type": "image/jpeg",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": "camera",
        **overrides,
    }
    body = {key: value for key, value in body.items() if value is not None}
    return client.post(f"/api/v1/tickets/{ticket_id}/evidence", json=body, headers=headers)


def put_bytes(client: TestClient, target: dict[str, Any], data: bytes) -> httpx.Response:  # type: ignore[type-arg]
    """Upload as a phone would: straight to S3, or to the API's one-time URL (no bearer token)."""
    assert target["method"] == "PUT"
    url: str = target["upload_url"]
    if url.startswith(str(client.base_url)):
        return client.put(url, content=data, headers=target["headers"])
    return httpx.put(url, content=data, headers=target["headers"])


def get_url(client: TestClient, url: str) -> httpx.Response:  # type: ignore[type-arg]
    if url.startswith(str(client.base_url)):
        return client.get(url)
    return httpx.get(url)


def upload(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    ticket_id: str,
    data: bytes,
    **overrides: Any,
) -> str:
    """Announce and upload; returns the evidence id (not completed yet)."""
    response = announce(client, headers, ticket_id, data, **overrides)
    assert response.status_code == 201, response.text
    target = response.json()
    uploaded = put_bytes(client, target, data)
    assert uploaded.status_code == 200, uploaded.text
    return str(target["evidence_id"])


def complete(client: TestClient, headers: dict[str, str], evidence_id: str) -> httpx.Response:  # type: ignore[type-arg]
    return client.post(f"/api/v1/evidence/{evidence_id}/complete", headers=headers)


def upload_and_complete(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    ticket_id: str,
    data: bytes,
    **overrides: Any,
) -> dict[str, Any]:
    evidence_id = upload(client, headers, ticket_id, data, **overrides)
    response = complete(client, headers, evidence_id)
    assert response.status_code == 200, response.text
    return dict(response.json())
