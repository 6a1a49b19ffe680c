"""Evidence through the API on both backends: upload URL → upload → complete → list (R-NW-1, R-NW-2).

"Done when": real JPEGs made here, with EXIF GPS/time written by Pillow, go through the upload
URLs (presigned PUTs to the local S3 server, or the API's one-time URLs), are completed through
the API, and score high on site during the visit and low, with the right reasons, 30 km away,
last year, reused from another ticket, and from the gallery without EXIF.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.evidence.support import (
    CST,
    SITE,
    World,
    announce,
    camera_photo,
    complete,
    get_url,
    offset_point,
    upload,
    upload_and_complete,
)
from tests.unit.evidence.photos import exif_bytes, jpeg


def test_r_nw_1_done_when_trust_scores(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    ticket = world.ticket(now - timedelta(hours=3))
    outlet = auth("outlet", outlet=world.outlet["id"])
    on_site_at = now - timedelta(hours=1)

    on_site = camera_photo(1, on_site_at)
    good = upload_and_complete(evidence_client, outlet, ticket["id"], on_site)
    assert good["status"] == "verified"
    assert good["assessment"]["reasons"] == []
    assert good["assessment"]["score"] >= 0.9

    far = upload_and_complete(
        evidence_client, outlet, ticket["id"], camera_photo(2, on_site_at, offset_point(30))
    )
    assert far["assessment"]["reasons"] == ["far_from_site"]
    assert far["assessment"]["score"] < 0.6
    assert 29_000 < far["assessment"]["details"]["distance_m"] < 31_000

    old = upload_and_complete(
        evidence_client, outlet, ticket["id"], camera_photo(3, on_site_at - timedelta(days=365))
    )
    assert old["assessment"]["reasons"] == ["outside_visit"]
    assert old["assessment"]["score"] < 0.6

    other_ticket = world.ticket(now - timedelta(hours=2))
    reused = upload_and_complete(evidence_client, outlet, other_ticket["id"], on_site)
    assert reused["assessment"]["reasons"] == ["duplicate"]
    assert reused["assessment"]["score"] == 0.0
    assert reused["assessment"]["details"]["duplicate_of"] == [good["id"]]

    gallery = upload_and_complete(
        evidence_client,
        outlet,
        ticket["id"],
        jpeg(4),
        source="gallery",
        taken_at=on_site_at.isoformat(),
        lon=SITE["lon"],
        lat=SITE["lat"],
    )
    assert gallery["assessment"]["reasons"] == ["no_exif", "from_gallery"]
    assert gallery["assessment"]["score"] < 0.6


def test_r_nw_1_near_duplicate_across_tickets_and_outlets(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    """A re-encoded copy (other bytes, same picture) on another ticket is a near duplicate."""
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    first, second = world.ticket(now - timedelta(hours=3)), world.ticket(now - timedelta(hours=3))
    taken = now - timedelta(hours=1)
    original = upload_and_complete(evidence_client, office, first["id"], camera_photo(7, taken))
    local = taken.astimezone(CST).replace(tzinfo=None)
    copy = jpeg(7, quality=60, exif=exif_bytes(taken_at=local, lon=SITE["lon"], lat=SITE["lat"]))
    near = upload_and_complete(evidence_client, office, second["id"], copy)
    assert near["assessment"]["reasons"] == ["near_duplicate"]
    assert near["assessment"]["details"]["near_duplicate_of"][0]["evidence_id"] == original["id"]


def _listed_once_thumbnailed(
    client: TestClient,  # type: ignore[type-arg]
    headers: dict[str, str],
    ticket_id: str,
    evidence_id: str,
    timeout_s: float = 30.0,
) -> dict[str, Any]:
    """The ticket's evidence list, as soon as the worker has made ``evidence_id``'s thumbnail."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get(f"/api/v1/tickets/{ticket_id}/evidence", headers=headers)
        assert response.status_code == 200, response.text
        items = {item["id"]: item for item in response.json()["items"]}
        if items[evidence_id]["thumbnail_url"] or time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def test_r_nw_1_list_with_short_lived_urls_and_background_thumbnail(
    evidence_client: TestClient,  # type: ignore[type-arg]
    evidence_worker: None,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    ticket = world.ticket(now - timedelta(hours=3))
    photo = camera_photo(5, now - timedelta(hours=1))
    done = upload_and_complete(evidence_client, office, ticket["id"], photo)
    pending = upload(evidence_client, office, ticket["id"], camera_photo(6, now), kind="after")

    items = _listed_once_thumbnailed(evidence_client, auth("qa"), ticket["id"], done["id"])
    verified = items[done["id"]]
    assert verified["status"] == "verified" and verified["assessment"]["reasons"] == []
    expires = datetime.fromisoformat(verified["urls_expire_at"])
    assert timedelta(minutes=4) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    download = get_url(evidence_client, verified["download_url"])
    assert download.status_code == 200 and download.content == photo
    assert verified["thumbnail_url"], "the thumbnail job stored a thumbnail"
    thumb = get_url(evidence_client, verified["thumbnail_url"])
    assert (
        thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff" and len(thumb.content) < len(photo)
    )
    assert items[pending]["status"] == "pending"
    assert items[pending]["assessment"] is None and items[pending]["download_url"] is None


def test_r_nw_1_outlet_sees_and_completes_only_its_own(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    ticket = world.ticket(datetime.now(UTC) - timedelta(hours=1))
    stranger = auth("outlet", outlet=world.other_outlet["id"])
    photo = camera_photo(8, datetime.now(UTC))

    assert announce(evidence_client, stranger, ticket["id"], photo).status_code == 404
    listing = evidence_client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=stranger)
    assert listing.status_code == 404
    report = evidence_client.get(f"/api/v1/tickets/{ticket['id']}/report.pdf", headers=stranger)
    assert report.status_code == 404

    mine = auth("outlet", outlet=world.outlet["id"])
    evidence_id = upload(evidence_client, mine, ticket["id"], photo)
    assert complete(evidence_client, stranger, evidence_id).status_code == 404
    engineer = auth("engineer")
    assert complete(evidence_client, engineer, evidence_id).status_code == 404  # someone else's
    assert complete(evidence_client, mine, evidence_id).status_code == 200
    assert complete(evidence_client, mine, evidence_id).status_code == 409  # once
    forbidden = announce(evidence_client, auth("executive"), ticket["id"], photo)
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "forbidden"
