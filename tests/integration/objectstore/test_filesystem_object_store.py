"""FilesystemObjectStore and its HMAC upload tokens (R-NW-1, R-NW-2).

The embedded default: the phone PUTs to a one-time URL on the API; the API calls
``accept_upload``. The token tests at the bottom are pure (no I/O).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from storage.objectstore import (
    FilesystemObjectStore,
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    UploadAlreadyUsed,
    UploadGrant,
    UploadMismatch,
    UploadTokenExpired,
    UploadTokenInvalid,
    new_evidence_key,
    sign_download_token,
    sign_upload_token,
    verify_download_token,
    verify_upload_token,
)
from tests.integration.objectstore.support import TOKEN_SECRET, FakeClock

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
MINUTE = timedelta(minutes=1)


def _token(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[1]


def test_r_nw_1_one_time_upload_url_round_trip(fs_store: FilesystemObjectStore) -> None:
    assert isinstance(fs_store, ObjectStore)
    key = new_evidence_key(3)
    target = fs_store.presign_put(key, "image/jpeg", len(PHOTO), 10 * MINUTE)
    assert target.url.startswith("https://api.example.test/api/v1/uploads/")
    assert target.method == "PUT"

    info = fs_store.accept_upload(_token(target.url), PHOTO, "image/jpeg")
    assert info.size == len(PHOTO)
    assert info.etag == hashlib.md5(PHOTO, usedforsecurity=False).hexdigest()
    assert fs_store.stat(key) == info
    assert fs_store.read(key, len(PHOTO)) == PHOTO

    with pytest.raises(UploadAlreadyUsed):
        fs_store.accept_upload(_token(target.url), PHOTO, "image/jpeg")

    path, got = fs_store.open_download(_token(fs_store.presign_get(key, MINUTE)))
    assert path.read_bytes() == PHOTO
    assert got.content_type == "image/jpeg"


def test_upload_url_checks_size_type_and_expiry(fs_store: FilesystemObjectStore, clock: FakeClock) -> None:
    key = new_evidence_key(3)
    token = _token(fs_store.presign_put(key, "image/jpeg", len(PHOTO), MINUTE).url)
    with pytest.raises(UploadMismatch) as size:
        fs_store.accept_upload(token, PHOTO + b"x", "image/jpeg")
    assert size.value.field == "size"
    with pytest.raises(UploadMismatch) as ctype:
        fs_store.accept_upload(token, PHOTO, "image/png")
    assert ctype.value.field == "content_type"
    clock.advance(2 * MINUTE)
    with pytest.raises(UploadTokenExpired):
        fs_store.accept_upload(token, PHOTO, "image/jpeg")
    assert fs_store.stat(key) is None  # nothing stored half-way
    assert list((fs_store.root / "tmp").iterdir()) == []


def test_read_limits_and_missing(fs_store: FilesystemObjectStore) -> None:
    key = new_evidence_key(4)
    fs_store.put(key, PHOTO, "image/jpeg")
    with pytest.raises(ObjectTooLarge):
        fs_store.read(key, len(PHOTO) - 1)
    missing = new_evidence_key(4)
    assert fs_store.stat(missing) is None
    with pytest.raises(ObjectNotFound):
        fs_store.read(missing, 10)
    with pytest.raises(InvalidObjectKey):
        fs_store.read("../../etc/passwd", 10)


def test_r_nw_1_soft_delete_moves_to_trash_with_audit(
    fs_store: FilesystemObjectStore, clock: FakeClock
) -> None:
    keys = sorted(new_evidence_key(8) for _ in range(3))
    for key in keys:
        fs_store.put(key, PHOTO, "image/jpeg")
    other = new_evidence_key(9)
    fs_store.put(other, b"%PDF-1.7", "application/pdf")

    record = fs_store.soft_delete(keys[0], actor="qa-1", reason="重复上传")
    assert record.deleted_at == clock.now
    assert record.trash_key.startswith("deleted/")
    assert record.trash_key.endswith(keys[0])
    assert fs_store.stat(keys[0]) is None
    trash_files = sorted(p.name for p in (fs_store.root / "trash").rglob("*") if p.is_file())
    assert len(trash_files) == 3  # data, meta, deletion audit

    assert list(fs_store.iter_keys("tickets/8/")) == keys[1:]
    assert list(fs_store.iter_keys("tickets/")) == [*keys[1:], other]
    assert list(fs_store.iter_keys("tickets/77/")) == []
    ages = [o.last_modified for o in fs_store.iter_objects("tickets/9/")]
    assert len(ages) == 1
    assert ages[0] is not None


def test_upload_tokens_reject_forgery_and_cross_use() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    grant = UploadGrant("tickets/1/abc", 10, "image/jpeg", now + MINUTE)
    token = sign_upload_token(TOKEN_SECRET, grant)
    assert verify_upload_token(TOKEN_SECRET, token, now) == grant

    with pytest.raises(UploadTokenInvalid):
        verify_upload_token(b"another-secret-of-at-least-32-bytes!!", token, now)
    body, mac = token.split(".")
    with pytest.raises(UploadTokenInvalid):
        verify_upload_token(TOKEN_SECRET, body[:-2] + "xx." + mac, now)
    for junk in ["", "abc", "a.b", "é.é"]:
        with pytest.raises(UploadTokenInvalid):
            verify_upload_token(TOKEN_SECRET, junk, now)
    with pytest.raises(UploadTokenExpired):
        verify_upload_token(TOKEN_SECRET, token, now + MINUTE)

    download = sign_download_token(TOKEN_SECRET, "tickets/1/abc", now + MINUTE)
    assert verify_download_token(TOKEN_SECRET, download, now) == "tickets/1/abc"
    with pytest.raises(UploadTokenInvalid):
        verify_upload_token(TOKEN_SECRET, download, now)
    with pytest.raises(UploadTokenInvalid):
        verify_download_token(TOKEN_SECRET, token, now)
    with pytest.raises(ValueError, match="32 bytes"):
        sign_upload_token(b"short", grant)
