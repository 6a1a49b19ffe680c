"""The S3 object store (MinIO in production) over the ``minio`` SDK (R-NW-1, R-NW-2).

Configuration mirrors the settings ``AFTERSALES_S3_ENDPOINT`` (a URL with scheme: ``https``
means TLS), ``…_ACCESS_KEY``, ``…_SECRET_KEY``, ``…_BUCKET``, ``…_REGION``; only the settings
object reads the environment, this class takes plain values.

**Public endpoint.** The API may reach MinIO on an internal address (``http://minio:9000``)
that phones cannot. Presigned URLs must be signed for the host the phone sends them to (the
host is part of the SigV4 signature), so an optional ``public_endpoint`` builds a second,
signing-only client. Both clients get ``region=`` so that presigning never makes a network call
(the SDK would otherwise ask the server for the bucket location).

**Versioning.** ``ensure_ready`` creates the bucket if missing and turns versioning on; a server
that refuses (``NotImplemented``, no permission) is tolerated and ``versioning_enabled`` stays
false. Soft delete copies the object to ``deleted/{stamp}/{key}`` with the actor and reason as
metadata, then removes the original (on a versioned bucket that leaves a delete marker, and the
old version remains too). The returned ``DeletionRecord`` is for the caller's audit table.

**What the upload URL binds.** The minio SDK's presigned PUT signs only the host, so presigned
PUTs are made with botocore instead (docs/adr/0012-botocore-presigned-put.md): ``Content-Type``,
``Content-Length`` and ``If-None-Match: *`` are *signed headers* — the client must send exactly
these values, so the URL uploads one object of the announced size and type, once (a second PUT
is refused with 412). ``complete`` still checks size and SHA-256 of what actually arrived (R-NW-1).

**Immutable once verified.** ``seal`` copies the upload (the exact version it saw) to
``{key}.sealed``, a key no URL is ever signed for; ``complete`` verifies that copy and the
evidence row points at it, so whatever later happens to the upload key cannot change verified
evidence. (moto checks neither signatures nor signed headers, so the tests prove the copy; the
header binding is S3's and MinIO's behaviour, see docs/evidence.md.)
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import botocore.session
from botocore.config import Config as BotoConfig
from minio import Minio
from minio.commonconfig import ENABLED, REPLACE, CopySource
from minio.error import MinioException, S3Error
from minio.versioningconfig import VersioningConfig
from urllib3.exceptions import HTTPError

from storage.objectstore.base import (
    DELETED_PREFIX,
    DeletionRecord,
    ObjectInfo,
    UploadTarget,
    check_expiry,
    check_key,
    derived_key,
)
from storage.objectstore.errors import (
    ObjectNotFound,
    ObjectStoreConfigError,
    ObjectStoreUnavailable,
    ObjectTooLarge,
)

log = logging.getLogger(__name__)

SEALED_SUFFIX = "sealed"
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound", "NoSuchVersion"})
_TRANSPORT_ERRORS = (MinioException, HTTPError, OSError)


def parse_endpoint(url: str, field: str = "s3_endpoint") -> tuple[str, bool]:
    """``("host:port", secure)`` from an endpoint URL such as ``https://minio.example:9000``."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ObjectStoreConfigError(f"{field} must be an http(s) URL with a host, got {url!r}")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ObjectStoreConfigError(f"{field} must not have a path or query, got {url!r}")
    if parts.username or parts.password:
        raise ObjectStoreConfigError(f"{field} must not embed credentials")
    return parts.netloc, parts.scheme == "https"


class S3ObjectStore:
    """``ObjectStore`` on an S3-compatible server (MinIO, AWS S3, moto in tests)."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str = "us-east-1",
        public_endpoint: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        host, secure = parse_endpoint(endpoint)
        self.bucket = bucket
        self.region = region
        self.versioning_enabled = False
        self._clock = clock or (lambda: datetime.now(UTC))
        self._client = Minio(host, access_key, secret_key, secure=secure, region=region)
        if public_endpoint:
            p_host, p_secure = parse_endpoint(public_endpoint, "s3_public_endpoint")
            self._signer = Minio(p_host, access_key, secret_key, secure=p_secure, region=region)
        else:
            self._signer = self._client
        self._put_signer = botocore.session.get_session().create_client(
            "s3",
            endpoint_url=public_endpoint or endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    # -- lifecycle ---------------------------------------------------------------------------
    def ensure_ready(self) -> None:
        """Create the bucket if missing; enable versioning when the server supports it."""
        try:
            if not self._client.bucket_exists(self.bucket):
                location = None if self.region == "us-east-1" else self.region
                self._client.make_bucket(self.bucket, location=location)
        except S3Error as exc:
            if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise ObjectStoreUnavailable(f"cannot prepare bucket {self.bucket}: {exc}") from exc
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(f"cannot reach the S3 server: {exc}") from exc
        try:
            self._client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))
            self.versioning_enabled = True
        except S3Error as exc:
            log.warning("bucket %s: versioning not enabled (%s)", self.bucket, exc.code)

    # -- URLs ----------------------------------------------------------------------------------
    def presign_put(self, key: str, content_type: str, size: int, expires: timedelta) -> UploadTarget:
        """A presigned PUT for the public endpoint whose signature covers ``Content-Type``,
        ``Content-Length`` and ``If-None-Match: *``: the client sends ``headers`` exactly as given."""
        check_expiry(expires)
        expires_at = self._clock() + expires
        url = self._put_signer.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": check_key(key),
                "ContentType": content_type,
                "ContentLength": size,
                "IfNoneMatch": "*",
            },
            ExpiresIn=int(expires.total_seconds()),
            HttpMethod="PUT",
        )
        headers = {"Content-Type": content_type, "Content-Length": str(size), "If-None-Match": "*"}
        return UploadTarget(str(url), "PUT", headers, expires_at)

    def presign_get(self, key: str, expires: timedelta) -> str:
        """A presigned GET for the public endpoint."""
        return self._signer.get_presigned_url(
            "GET",
            self.bucket,
            check_key(key),
            expires=check_expiry(expires),
            request_date=self._clock(),
        )

    # -- objects -------------------------------------------------------------------------------
    def stat(self, key: str) -> ObjectInfo | None:
        """HEAD the object; ``None`` when it does not exist."""
        try:
            obj = self._client.stat_object(self.bucket, check_key(key))
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                return None
            raise ObjectStoreUnavailable(str(exc)) from exc
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc
        return ObjectInfo(
            key=key,
            size=obj.size or 0,
            etag=obj.etag or "",
            content_type=obj.content_type or "application/octet-stream",
            last_modified=obj.last_modified,
            version_id=obj.version_id,
        )

    def read(self, key: str, max_bytes: int) -> bytes:
        """Download at most ``max_bytes`` (one byte more is asked for, to detect excess)."""
        response = None
        try:
            response = self._client.get_object(self.bucket, check_key(key), length=max_bytes + 1)
            data = response.read()
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                raise ObjectNotFound(key) from exc
            raise ObjectStoreUnavailable(str(exc)) from exc
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc
        finally:
            if response is not None:
                response.close()
                response.release_conn()
        if len(data) > max_bytes:
            raise ObjectTooLarge(key, max_bytes)
        return data

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Upload ``data`` from the server side (thumbnails, reports)."""
        try:
            result = self._client.put_object(
                self.bucket, check_key(key), io.BytesIO(data), len(data), content_type=content_type
            )
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc
        return ObjectInfo(key, len(data), result.etag or "", content_type, None, result.version_id)

    def seal(self, key: str) -> ObjectInfo:
        """Server-side copy of the current version to ``{key}.sealed`` (never presigned for PUT)."""
        info = self.stat(key)
        if info is None:
            raise ObjectNotFound(key)
        final = derived_key(key, SEALED_SUFFIX)
        try:
            self._client.copy_object(
                self.bucket, final, CopySource(self.bucket, key, version_id=info.version_id)
            )
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc
        sealed = self.stat(final)
        if sealed is None:  # pragma: no cover - the copy just succeeded
            raise ObjectStoreUnavailable(f"the copy of {key!r} vanished")
        return sealed

    def soft_delete(self, key: str, actor: str, reason: str) -> DeletionRecord:
        """Copy to ``deleted/{stamp}/{key}`` with audit metadata, then remove the original."""
        info = self.stat(key)
        if info is None:
            raise ObjectNotFound(key)
        now = self._clock()
        trash_key = f"{DELETED_PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}/{key}"
        metadata: dict[str, str | list[str] | tuple[str]] = {
            "Content-Type": info.content_type,
            "X-Amz-Meta-Deleted-By": quote(actor, safe=""),
            "X-Amz-Meta-Deleted-Reason": quote(reason, safe=""),
            "X-Amz-Meta-Deleted-At": now.isoformat(),
            "X-Amz-Meta-Original-Key": key,
        }
        try:
            self._client.copy_object(
                self.bucket,
                trash_key,
                CopySource(self.bucket, key, version_id=info.version_id),
                metadata=metadata,
                metadata_directive=REPLACE,
            )
            self._client.remove_object(self.bucket, key)
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc
        return DeletionRecord(
            key=key,
            trash_key=trash_key,
            actor=actor,
            reason=reason,
            deleted_at=now,
            size=info.size,
            etag=info.etag,
            version_id=info.version_id,
            extra={"versioning": "enabled" if self.versioning_enabled else "off"},
        )

    def iter_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Live objects under ``prefix`` (the listing carries no content type: ``""``)."""
        try:
            for obj in self._client.list_objects(self.bucket, prefix=prefix, recursive=True):
                if obj.object_name is None or obj.is_dir:
                    continue
                yield ObjectInfo(
                    key=obj.object_name,
                    size=obj.size or 0,
                    etag=obj.etag or "",
                    content_type="",
                    last_modified=obj.last_modified,
                )
        except _TRANSPORT_ERRORS as exc:
            raise ObjectStoreUnavailable(str(exc)) from exc

    def iter_keys(self, prefix: str) -> Iterator[str]:
        """Live keys under ``prefix``."""
        for info in self.iter_objects(prefix):
            yield info.key
