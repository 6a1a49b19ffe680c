"""The object store interface and the value types its backends exchange (R-NW-1, R-NW-2).

Outlets send site photos and signed notices to the company, which archives them with the job
(R-NW-1, R-NW-2). Phones upload straight to storage: the API hands out a short-lived upload
target and never proxies photo bytes in S3 mode. Two backends implement ``ObjectStore``:
``S3ObjectStore`` (MinIO or any S3 server) and ``FilesystemObjectStore`` (the embedded default).

Keys are opaque and built from ids only (``tickets/{ticket_id}/{uuid}``, see
``new_evidence_key``), never from a user's file name (house rule 9). Deleting is soft: the
object moves under ``deleted/`` (S3) or into the trash folder (filesystem) and the backend
returns a ``DeletionRecord`` that the caller stores in its audit trail.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from storage.objectstore.errors import InvalidObjectKey

#: Prefix under which soft-deleted objects are kept; ``iter_keys("tickets/")`` never sees them.
DELETED_PREFIX = "deleted/"

#: Keys this service generates: lower-case path segments of ids, no ``..``, no leading ``/``.
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*$")
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_KEY_LENGTH = 512
#: S3 (SigV4) presigned URLs cannot live longer than seven days.
MAX_PRESIGN_EXPIRY = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class UploadTarget:
    """Where and how the client uploads one object: send ``method`` to ``url`` with ``headers``."""

    url: str
    method: str
    headers: Mapping[str, str]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What the store knows about one stored object."""

    key: str
    size: int
    etag: str
    content_type: str
    last_modified: datetime | None = None
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeletionRecord:
    """The audit record of one soft delete; the caller persists it (e.g. in an audit table)."""

    key: str
    trash_key: str
    actor: str
    reason: str
    deleted_at: datetime
    size: int
    etag: str
    version_id: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class ObjectStore(Protocol):
    """An object store holding evidence files under opaque keys (R-NW-1).

    Implementations are synchronous (the minio SDK is): call them from a worker thread in async
    code (``anyio.to_thread.run_sync``). Nothing connects at construction: ``ensure_ready`` is
    called once from the application's lifespan.
    """

    def ensure_ready(self) -> None:
        """Create the bucket / root folder if missing and enable versioning where supported."""

    def presign_put(self, key: str, content_type: str, size: int, expires: timedelta) -> UploadTarget:
        """An upload target a phone can use once, directly, before ``expires`` from now."""

    def presign_get(self, key: str, expires: timedelta) -> str:
        """An absolute, short-lived download URL for ``key``."""

    def stat(self, key: str) -> ObjectInfo | None:
        """The object's size, etag and content type, or ``None`` when nothing is stored."""

    def read(self, key: str, max_bytes: int) -> bytes:
        """The object's bytes; ``ObjectTooLarge`` beyond ``max_bytes``, ``ObjectNotFound``."""

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Store ``data`` under ``key`` (thumbnails, generated reports)."""

    def seal(self, key: str) -> ObjectInfo:
        """Freeze the object as it is now and return where it stays unchanged (verify that one)."""
        ...

    def soft_delete(self, key: str, actor: str, reason: str) -> DeletionRecord:
        """Move the object out of sight, keep it recoverable, and describe what was done."""

    def iter_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every live object under ``prefix`` (with ``last_modified`` for age checks)."""

    def iter_keys(self, prefix: str) -> Iterator[str]:
        """Every live key under ``prefix``, for the orphan clean-up command."""


def new_evidence_key(ticket_id: object) -> str:
    """A fresh opaque key ``tickets/{ticket_id}/{uuid4 hex}`` for one evidence object.

    ``ticket_id`` is an id (int or UUID), never user text; it must be a plain key segment.
    """
    segment = str(ticket_id)
    if not _SEGMENT_RE.match(segment):
        raise InvalidObjectKey(f"tickets/{segment}/…")
    return f"tickets/{segment}/{uuid.uuid4().hex}"


def derived_key(key: str, suffix: str) -> str:
    """The key of an object derived from ``key`` (e.g. ``derived_key(k, "thumb")``)."""
    return check_key(f"{check_key(key)}.{suffix}")


def check_key(key: str) -> str:
    """Return ``key`` if it is a well-formed key this service could have generated.

    Refuses empty keys, absolute paths, ``.``/``..`` segments, and characters outside
    ``[A-Za-z0-9_.-/]``, so that a key is also a safe relative path for the filesystem backend.
    """
    if (
        not key
        or len(key) > MAX_KEY_LENGTH
        or not _KEY_RE.match(key)
        or any(part in {".", ".."} or part.startswith(".") for part in key.split("/"))
    ):
        raise InvalidObjectKey(key)
    return key


def check_expiry(expires: timedelta) -> timedelta:
    """Return ``expires`` if it is positive and at most ``MAX_PRESIGN_EXPIRY``."""
    if not timedelta(0) < expires <= MAX_PRESIGN_EXPIRY:
        raise ValueError(f"expiry must be within (0, {MAX_PRESIGN_EXPIRY}], got {expires}")
    return expires
