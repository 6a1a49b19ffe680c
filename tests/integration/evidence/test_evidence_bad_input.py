"""Evidence bad input and safety: clear 4xx, nothing half-stored (R-NW-1)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import Auth
from tests.integration.evidence.support import (
    World,
    announce,
    camera_photo,
    complete,
    get_url,
    put_bytes,
    upload,
)
from tests.unit.evidence.photos import jpeg, png, with_broken_exif, with_lying_size


@pytest.fixture
def setup(evidence_client: TestClient, auth: Auth) -> tuple[TestClient, dict[str, str], dict[str, Any]]:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    return evidence_client, office, world.ticket(datetime.now(UTC) - timedelta(hours=2))


def _error(response: Any, status: int, error: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    if field is not None:
        assert body.get("field") == field, body
    return body


def test_r_nw_1_refused_announcements(setup: Any) -> None:
    client, office, ticket = setup
    photo = camera_photo(1, datetime.now(UTC))
    tid = ticket["id"]
    _error(
        announce(client, office, tid, photo, content_type="image/gif", filename="a.gif"),
        400,
        "invalid_input",
        "content_type",
    )
    _error(announce(client, office, tid, photo, size=20 * 1024 * 1024 + 1), 400, "invalid_input", "size")
    _error(announce(client, office, tid, photo, size=0), 400, "invalid_request", "size")
    _error(announce(client, office, tid, photo, sha256="abc"), 400, "invalid_request", "sha256")
    _error(announce(client, office, tid, photo, kind="selfie"), 400, "invalid_request", "kind")
    _error(announce(client, office, tid, photo, source="scanner"), 400, "invalid_request", "source")
    _error(announce(client, office, tid, photo, filename="shot.png"), 400, "invalid_input", "filename")
    _error(announce(client, office, tid, photo, lon=116.4), 400, "invalid_input", "lat")
    _error(announce(client, office, tid, photo, lon=200.0, lat=39.9), 400, "invalid_request", "lon")
    _error(announce(client, office, tid, photo, lon=116.4, lat=39.9, crs="NAD27"), 400, "unknown_datum")
    _error(
        announce(client, office, tid, photo, taken_at="2025-06-01T10:00:00"), 400, "invalid_input", "taken_at"
    )
    missing = "00000000-0000-0000-0000-000000000000"
    _error(announce(client, office, missing, photo), 404, "not_found")
    listing = client.get(f"/api/v1/tickets/{tid}/evidence", headers=office)
    assert listing.json()["items"] == [], "a refused announcement leaves no record"


def _rejected_complete(
    client: TestClient,
    office: dict[str, str],
    ticket: dict[str, Any],
    evidence_id: str,
    code: str,
    field: str,
) -> None:  # type: ignore[type-arg]
    body = _error(complete(client, office, evidence_id), 422, "content_rejected", field)
    assert body["detail"].startswith(code), body
    listing = client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=office).json()["items"]
    item = next(i for i in listing if i["id"] == evidence_id)
    assert item["status"] == "pending" and item["assessment"] is None and item["download_url"] is None


def test_r_nw_1_rejected_content_leaves_nothing_verified(setup: Any) -> None:
    client, office, ticket = setup
    tid = ticket["id"]
    # A PNG named .jpg and declared as a JPEG.
    fake = upload(client, office, tid, png(2), filename="photo.jpg", content_type="image/jpeg")
    _rejected_complete(client, office, ticket, fake, "type_mismatch", "content_type")
    # The hash announced is not the hash of what arrived.
    photo = camera_photo(3, datetime.now(UTC))
    wrong = upload(client, office, tid, photo, sha256=hashlib.sha256(b"other").hexdigest())
    _rejected_complete(client, office, ticket, wrong, "hash_mismatch", "sha256")
    # A JPEG header that promises a gigapixel image: refused before decoding.
    bomb = with_lying_size(jpeg(4, size=(64, 48)), 40_000, 40_000)
    bombed = upload(client, office, tid, bomb)
    _rejected_complete(client, office, ticket, bombed, "decompression_bomb", "content_type")
    # Truncated bytes do not decode.
    truncated = jpeg(5)[:4000]
    cut = upload(client, office, tid, truncated)
    _rejected_complete(client, office, ticket, cut, "undecodable", "content_type")


def test_r_nw_1_broken_exif_is_verified_without_trust(setup: Any) -> None:
    client, office, ticket = setup
    broken = with_broken_exif(jpeg(6))
    evidence_id = upload(client, office, ticket["id"], broken)
    response = complete(client, office, evidence_id)
    assert response.status_code == 200, response.text
    assert "no_exif" in response.json()["assessment"]["reasons"]


def test_r_nw_1_complete_before_upload_and_unknown_evidence(setup: Any) -> None:
    client, office, ticket = setup
    photo = camera_photo(7, datetime.now(UTC))
    target = announce(client, office, ticket["id"], photo).json()
    _error(complete(client, office, target["evidence_id"]), 409, "not_uploaded")
    _error(complete(client, office, "00000000-0000-0000-0000-000000000000"), 404, "not_found")
    assert put_bytes(client, target, photo).status_code == 200
    assert complete(client, office, target["evidence_id"]).status_code == 200


def test_r_nw_1_upload_url_works_once(setup: Any) -> None:
    client, office, ticket = setup
    photo = camera_photo(8, datetime.now(UTC))
    target = announce(client, office, ticket["id"], photo).json()
    assert put_bytes(client, target, photo).status_code == 200
    again = put_bytes(client, target, jpeg(9)[: len(photo)] if len(jpeg(9)) >= len(photo) else photo)
    assert again.status_code in (409, 412), again.text
    assert complete(client, office, target["evidence_id"]).status_code == 200


def test_r_nw_1_verified_evidence_cannot_be_replaced_through_its_upload_url(setup: Any) -> None:
    """After ``complete`` the row points at a sealed copy no URL can write: even a client that
    drops the signed ``If-None-Match`` (moto does not check signed headers; S3/MinIO refuse the
    request) and overwrites the upload key changes nothing of the verified evidence."""
    client, office, ticket = setup
    photo = camera_photo(11, datetime.now(UTC))
    target = announce(client, office, ticket["id"], photo).json()
    assert put_bytes(client, target, photo).status_code == 200
    assert complete(client, office, target["evidence_id"]).status_code == 200
    other = camera_photo(12, datetime.now(UTC))
    unguarded = {k: v for k, v in target["headers"].items() if k.lower() != "if-none-match"}
    put_bytes(client, dict(target, headers={**unguarded, "Content-Length": str(len(other))}), other)
    listed = client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=office).json()["items"]
    (item,) = [i for i in listed if i["id"] == target["evidence_id"]]
    assert get_url(client, item["download_url"]).content == photo


def test_upload_token_is_checked_before_the_body_and_length_against_the_grant(setup: Any) -> None:
    """Filesystem store: a bad token or a declared length other than the granted size is refused
    from the headers alone (403 / 400 naming the size), before any body byte is read."""
    client, office, ticket = setup
    photo = camera_photo(13, datetime.now(UTC))
    target = announce(client, office, ticket["id"], photo).json()
    if not target["upload_url"].startswith(str(client.base_url)):
        pytest.skip("S3 mode: the S3 server checks the signed Content-Length")
    forged = target["upload_url"][:-4] + "AAAA"
    _error(client.put(forged, content=photo, headers=target["headers"]), 403, "upload_url_invalid")
    longer = photo + b"\0" * 10
    body = _error(
        client.put(target["upload_url"], content=longer, headers=target["headers"]), 400, "upload_mismatch"
    )
    assert body["field"] == "size"
    assert put_bytes(client, target, photo).status_code == 200  # the URL was not used up by either
