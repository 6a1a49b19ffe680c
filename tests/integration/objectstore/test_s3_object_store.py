"""S3ObjectStore over real S3 HTTP (moto on loopback, or MinIO via env) — R-NW-1, R-NW-2.

Phones upload evidence straight to storage through presigned URLs (R-NW-1: photos and the
signed notice go to the company archive); these tests do what a phone does, with httpx.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from storage.objectstore import (
    DELETED_PREFIX,
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    S3ObjectStore,
    new_evidence_key,
)
from tests.integration.s3server import S3Server, s3_bucket

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
FIVE_MINUTES = timedelta(minutes=5)


def _upload(store: S3ObjectStore, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
    target = store.presign_put(key, content_type, len(data), FIVE_MINUTES)
    response = httpx.request(target.method, target.url, content=data, headers=dict(target.headers))
    assert response.status_code == 200, response.text


def test_store_satisfies_the_protocol_and_is_versioned(s3_store: S3ObjectStore) -> None:
    assert isinstance(s3_store, ObjectStore)
    s3_store.ensure_ready()  # idempotent
    assert s3_store.versioning_enabled


def test_r_nw_1_presigned_put_then_stat_read_and_presigned_get(s3_store: S3ObjectStore) -> None:
    key = new_evidence_key(42)
    target = s3_store.presign_put(key, "image/jpeg", len(PHOTO), FIVE_MINUTES)
    assert target.method == "PUT"
    assert target.headers == {
        "Content-Type": "image/jpeg",
        "Content-Length": str(len(PHOTO)),
        "If-None-Match": "*",
    }
    signed = parse_qs(urlsplit(target.url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert {"content-type", "content-length", "if-none-match"} <= set(signed)
    assert target.url.startswith("http")
    assert "X-Amz-Signature=" in target.url

    _upload(s3_store, key, PHOTO)

    info = s3_store.stat(key)
    assert info is not None
    assert info.size == len(PHOTO)
    assert info.etag == hashlib.md5(PHOTO, usedforsecurity=False).hexdigest()
    assert info.content_type == "image/jpeg"
    assert s3_store.read(key, max_bytes=len(PHOTO)) == PHOTO

    download = httpx.get(s3_store.presign_get(key, FIVE_MINUTES))
    assert download.status_code == 200
    assert download.content == PHOTO


def test_read_refuses_more_than_max_bytes(s3_store: S3ObjectStore) -> None:
    key = new_evidence_key(1)
    _upload(s3_store, key, PHOTO)
    with pytest.raises(ObjectTooLarge):
        s3_store.read(key, max_bytes=len(PHOTO) - 1)


def test_missing_objects(s3_store: S3ObjectStore) -> None:
    key = new_evidence_key(1)
    assert s3_store.stat(key) is None
    with pytest.raises(ObjectNotFound):
        s3_store.read(key, max_bytes=10)
    with pytest.raises(ObjectNotFound):
        s3_store.soft_delete(key, actor="u1", reason="test")


def test_keys_from_user_input_are_refused(s3_store: S3ObjectStore) -> None:
    for bad in ["../etc/passwd", "/abs", "tickets/1/../2", "tickets/1/photo 1.jpg", ""]:
        with pytest.raises(InvalidObjectKey):
            s3_store.stat(bad)
    with pytest.raises(InvalidObjectKey):
        new_evidence_key("1/../2")


def test_r_nw_1_soft_delete_keeps_an_audited_copy(s3_store: S3ObjectStore) -> None:
    key = new_evidence_key(7)
    _upload(s3_store, key, PHOTO)
    record = s3_store.soft_delete(key, actor="qa-user-3", reason="误传的照片 wrong ticket")

    assert s3_store.stat(key) is None
    assert record.key == key
    assert record.trash_key.startswith(DELETED_PREFIX)
    assert record.trash_key.endswith(key)
    assert record.actor == "qa-user-3"
    assert record.size == len(PHOTO)
    assert record.version_id  # versioned bucket: the original version is still there
    assert s3_store.read(record.trash_key, max_bytes=len(PHOTO)) == PHOTO
    trash = s3_store.stat(record.trash_key)
    assert trash is not None
    assert trash.content_type == "image/jpeg"
    assert list(s3_store.iter_keys("tickets/")) == []


def test_iter_keys_lists_live_objects_under_a_prefix(s3_store: S3ObjectStore) -> None:
    keys_a = sorted(new_evidence_key(100) for _ in range(3))
    key_b = new_evidence_key(200)
    for key in [*keys_a, key_b]:
        _upload(s3_store, key, b"%PDF-1.4 test", "application/pdf")
    s3_store.soft_delete(keys_a[0], actor="u", reason="r")

    assert sorted(s3_store.iter_keys("tickets/100/")) == keys_a[1:]
    assert sorted(s3_store.iter_keys("tickets/")) == sorted([*keys_a[1:], key_b])
    listed = list(s3_store.iter_objects("tickets/200/"))
    assert [o.key for o in listed] == [key_b]
    assert listed[0].last_modified is not None


def test_put_from_the_server_side(s3_store: S3ObjectStore) -> None:
    key = new_evidence_key(5) + ".thumb"
    info = s3_store.put(key, b"thumbnail", "image/jpeg")
    assert info.size == 9
    stat = s3_store.stat(key)
    assert stat is not None
    assert stat.etag == info.etag


def test_presigned_urls_are_signed_for_the_public_endpoint(s3_server: S3Server) -> None:
    """House rule 9: the phone sees the public host, and the URL works through it."""
    host = urlsplit(s3_server.endpoint).netloc
    if "127.0.0.1" not in host:
        pytest.skip("needs a loopback endpoint to reach the same server under another name")
    public = s3_server.endpoint.replace("127.0.0.1", "localhost")
    with s3_bucket(s3_server) as bucket:
        store = S3ObjectStore(
            endpoint=s3_server.endpoint,
            access_key=s3_server.access_key,
            secret_key=s3_server.secret_key,
            bucket=bucket,
            region=s3_server.region,
            public_endpoint=public,
        )
        store.ensure_ready()
        _check_public_endpoint(store, host, public)


def _check_public_endpoint(store: S3ObjectStore, host: str, public: str) -> None:
    key = new_evidence_key(9)
    target = store.presign_put(key, "image/jpeg", len(PHOTO), FIVE_MINUTES)
    assert urlsplit(target.url).netloc == urlsplit(public).netloc != host
    response = httpx.put(target.url, content=PHOTO, headers=dict(target.headers))
    assert response.status_code == 200
    assert urlsplit(store.presign_get(key, FIVE_MINUTES)).netloc == urlsplit(public).netloc
    assert store.read(key, len(PHOTO)) == PHOTO


def test_expired_or_tampered_urls_are_refused(s3_server: S3Server, s3_store: S3ObjectStore) -> None:
    if not s3_server.verifies_signatures:
        pytest.skip("moto does not verify SigV4 signatures or expiry; run against MinIO")
    key = new_evidence_key(11)
    target = s3_store.presign_put(key, "image/jpeg", len(PHOTO), FIVE_MINUTES)
    tampered = target.url.replace(key, new_evidence_key(11))
    assert httpx.put(tampered, content=PHOTO).status_code == 403
    short = s3_store.presign_put(key, "image/jpeg", len(PHOTO), timedelta(seconds=1))
    time.sleep(2)
    assert httpx.put(short.url, content=PHOTO).status_code == 403


def test_r_nw_1_presigned_put_refuses_a_second_upload_to_the_key(s3_store: S3ObjectStore) -> None:
    """The upload target carries ``If-None-Match: *``: the server refuses to overwrite evidence."""
    key = new_evidence_key(43)
    target = s3_store.presign_put(key, "image/jpeg", len(PHOTO), FIVE_MINUTES)
    _upload_to(target.url, dict(target.headers), PHOTO, expect=200)
    _upload_to(target.url, dict(target.headers), PHOTO[::-1], expect=412)
    assert s3_store.read(key, max_bytes=len(PHOTO)) == PHOTO


def _upload_to(url: str, headers: dict[str, str], data: bytes, expect: int) -> None:
    response = httpx.put(url, content=data, headers=headers)
    assert response.status_code == expect, response.text
