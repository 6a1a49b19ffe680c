"""The embedded object store: files under ``$AFTERSALES_HOME/objects`` (R-NW-1, R-NW-2).

Layout under ``root``::

    data/{key}          the object's bytes
    meta/{key}.json     {"content_type", "etag", "size"} written with the object
    trash/{stamp}/{key} soft-deleted objects, with ``….json`` meta and ``….deletion.json`` audit
    tmp/                uploads being written (renamed or hard-linked into place: atomic)

Phones cannot reach a filesystem, so ``presign_put`` returns a one-time URL on the API
(``{upload_url_base}/{token}``) whose HMAC token (``tokens.py``) carries key, size, content type
and expiry; the API's upload route calls ``accept_upload(token, body, content_type)``, which
writes the object only if the key is still free (a hard link never overwrites), so the URL works
once. ``presign_get`` likewise returns ``{download_url_base}/{token}`` that the API resolves with
``open_download``. ETags are the MD5 hex of the bytes, as S3 gives for single-part uploads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.objectstore.base import (
    DELETED_PREFIX,
    DeletionRecord,
    ObjectInfo,
    UploadTarget,
    check_expiry,
    check_key,
)
from storage.objectstore.errors import (
    ObjectNotFound,
    ObjectTooLarge,
    UploadAlreadyUsed,
    UploadMismatch,
)
from storage.objectstore.tokens import (
    UploadGrant,
    sign_download_token,
    sign_upload_token,
    verify_download_token,
    verify_upload_token,
)

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class FilesystemObjectStore:
    """``ObjectStore`` on a local folder; upload/download URLs point at the API."""

    def __init__(
        self,
        root: Path | str,
        *,
        secret: bytes,
        upload_url_base: str,
        download_url_base: str,
        clock: Clock = _utcnow,
    ) -> None:
        self.root = Path(root)
        self._secret = secret
        self._upload_base = upload_url_base.rstrip("/")
        self._download_base = download_url_base.rstrip("/")
        self._clock = clock

    # -- lifecycle ---------------------------------------------------------------------------
    def ensure_ready(self) -> None:
        """Create the folder tree (idempotent)."""
        for sub in ("data", "meta", "trash", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    # -- URLs ----------------------------------------------------------------------------------
    def presign_put(self, key: str, content_type: str, size: int, expires: timedelta) -> UploadTarget:
        """A one-time ``PUT {upload_url_base}/{token}`` for exactly this key, size and type."""
        expires_at = self._clock() + check_expiry(expires)
        grant = UploadGrant(check_key(key), size, content_type, expires_at)
        token = sign_upload_token(self._secret, grant)
        return UploadTarget(
            url=f"{self._upload_base}/{token}",
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=expires_at,
        )

    def presign_get(self, key: str, expires: timedelta) -> str:
        """``{download_url_base}/{token}``, valid until ``expires`` from now."""
        expires_at = self._clock() + check_expiry(expires)
        return f"{self._download_base}/{sign_download_token(self._secret, key, expires_at)}"

    def accept_upload(self, token: str, data: bytes, content_type: str | None) -> ObjectInfo:
        """Verify ``token`` and store ``data`` under its key, once (in-memory form of
        :meth:`verify_upload` + :meth:`accept_upload_file`).

        Raises ``UploadTokenInvalid``/``UploadTokenExpired`` for a bad token, ``UploadMismatch``
        when the body's size or content type differ from the grant, and ``UploadAlreadyUsed``
        when the URL was used before.
        """
        grant = self.verify_upload(token, len(data), content_type)
        return self._write(grant.key, data, grant.content_type, exclusive=True)

    def verify_upload(self, token: str, size: int | None, content_type: str | None) -> UploadGrant:
        """The grant of ``token`` — checked *before* any byte of the body is read — with the
        declared ``size`` (Content-Length, when sent) and ``content_type`` checked against it."""
        grant = verify_upload_token(self._secret, token, self._clock())
        if size is not None and size != grant.size:
            raise UploadMismatch("size", grant.size, size)
        if content_type is not None and content_type != grant.content_type:
            raise UploadMismatch("content_type", grant.content_type, content_type)
        return grant

    def upload_file(self) -> Path:
        """A fresh path under ``tmp/`` for the API to stream an upload's body into."""
        path = self.root / "tmp" / uuid.uuid4().hex
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def accept_upload_file(self, grant: UploadGrant, path: Path) -> ObjectInfo:
        """Put the body streamed into ``path`` (from :meth:`upload_file`) under the grant's key,
        once; the file is consumed (linked into place or removed) either way."""
        try:
            size = path.stat().st_size
            if size != grant.size:
                raise UploadMismatch("size", grant.size, size)
            with path.open("rb+") as handle:
                os.fsync(handle.fileno())
            return self._place(grant.key, path, grant.content_type, exclusive=True)
        finally:
            path.unlink(missing_ok=True)

    def open_download(self, token: str) -> tuple[Path, ObjectInfo]:
        """The file and its info for a valid download token (the API streams the file)."""
        key = verify_download_token(self._secret, token, self._clock())
        info = self.stat(key)
        if info is None:
            raise ObjectNotFound(key)
        return self._data(key), info

    # -- objects -------------------------------------------------------------------------------
    def stat(self, key: str) -> ObjectInfo | None:
        """Size, etag and content type from the sidecar; ``None`` when absent."""
        path = self._data(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        meta = self._read_meta(key)
        etag = str(meta.get("etag") or _md5_file(path))
        return ObjectInfo(
            key=key,
            size=st.st_size,
            etag=etag,
            content_type=str(meta.get("content_type") or "application/octet-stream"),
            last_modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
        )

    def read(self, key: str, max_bytes: int) -> bytes:
        """The object's bytes, refusing more than ``max_bytes``."""
        try:
            with self._data(key).open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        if len(data) > max_bytes:
            raise ObjectTooLarge(key, max_bytes)
        return data

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Store (or replace) ``data`` under ``key`` atomically."""
        return self._write(key, data, content_type, exclusive=False)

    def seal(self, key: str) -> ObjectInfo:
        """Nothing to do here: an upload URL writes its key once (hard link, never over an existing
        file) and no other route writes evidence keys, so the object is already immutable."""
        info = self.stat(key)
        if info is None:
            raise ObjectNotFound(key)
        return info

    def soft_delete(self, key: str, actor: str, reason: str) -> DeletionRecord:
        """Move the object and its meta into ``trash/{stamp}/`` and write an audit file."""
        info = self.stat(key)
        if info is None:
            raise ObjectNotFound(key)
        now = self._clock()
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        trash = self.root / "trash" / stamp / key
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._data(key), trash)
        with contextlib.suppress(FileNotFoundError):
            os.replace(self._meta(key), trash.with_name(trash.name + ".json"))
        record = DeletionRecord(
            key=key,
            trash_key=f"{DELETED_PREFIX}{stamp}/{key}",
            actor=actor,
            reason=reason,
            deleted_at=now,
            size=info.size,
            etag=info.etag,
        )
        audit = {"key": key, "actor": actor, "reason": reason, "deleted_at": now.isoformat()}
        trash.with_name(trash.name + ".deletion.json").write_text(json.dumps(audit))
        return record

    def iter_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Live objects whose key starts with ``prefix``, in key order."""
        base = self.root / "data"
        start = base / check_key(prefix.rsplit("/", 1)[0]) if "/" in prefix else base
        if not start.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames.sort()
            for name in sorted(filenames):
                key = Path(dirpath, name).relative_to(base).as_posix()
                if key.startswith(prefix):
                    info = self.stat(key)
                    if info is not None:
                        yield info

    def iter_keys(self, prefix: str) -> Iterator[str]:
        """Live keys starting with ``prefix``."""
        for info in self.iter_objects(prefix):
            yield info.key

    # -- internals -----------------------------------------------------------------------------
    def _data(self, key: str) -> Path:
        return self.root / "data" / check_key(key)

    def _meta(self, key: str) -> Path:
        return self.root / "meta" / f"{check_key(key)}.json"

    def _read_meta(self, key: str) -> dict[str, object]:
        try:
            loaded = json.loads(self._meta(key).read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _write(self, key: str, data: bytes, content_type: str, *, exclusive: bool) -> ObjectInfo:
        tmp = self.upload_file()
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return self._place(key, tmp, content_type, exclusive=exclusive)

    def _place(self, key: str, tmp: Path, content_type: str, *, exclusive: bool) -> ObjectInfo:
        """Move the finished file ``tmp`` to ``key`` (hard link when ``exclusive``: never over
        an existing object) and write its meta sidecar."""
        target = self._data(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        etag = _md5_file(tmp)
        size = tmp.stat().st_size
        try:
            if exclusive:
                try:
                    os.link(tmp, target)  # never overwrites: the one-time guarantee
                except FileExistsError as exc:
                    raise UploadAlreadyUsed(key) from exc
            else:
                os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        meta = {"content_type": content_type, "etag": etag, "size": size}
        meta_path = self._meta(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta_tmp = meta_path.with_name(f".{meta_path.name}.{uuid.uuid4().hex}")
        meta_tmp.write_text(json.dumps(meta))
        os.replace(meta_tmp, meta_path)
        info = self.stat(key)
        assert info is not None  # just written
        return info


def _md5_file(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
