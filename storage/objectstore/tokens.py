"""HMAC-signed one-time upload and download tokens for the filesystem backend (R-NW-1).

In filesystem mode the phone uploads to the API itself (``PUT {upload_url_base}/{token}``). The
token says exactly what may be uploaded — key, size, content type, expiry — and is signed with
HMAC-SHA256 under a server secret, so the API stores no pending-upload state: it verifies the
token, checks the body against it, and writes the object only if none exists yet under the key
(that is what makes the URL one-time). Download tokens work the same way for presigned GETs.

Format: ``base64url(json payload) "." base64url(hmac)``; the payload carries a purpose
(``"put"`` or ``"get"``) so a download token cannot be replayed as an upload token. These are
pure functions: the clock is a parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.objectstore.base import check_key
from storage.objectstore.errors import InvalidObjectKey, UploadTokenExpired, UploadTokenInvalid

_PUT = "put"
_GET = "get"
MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class UploadGrant:
    """What one upload token allows: exactly ``size`` bytes of ``content_type`` at ``key``."""

    key: str
    size: int
    content_type: str
    expires_at: datetime


def sign_upload_token(secret: bytes, grant: UploadGrant) -> str:
    """A token granting the upload described by ``grant``."""
    return _sign(
        secret,
        {
            "p": _PUT,
            "k": check_key(grant.key),
            "s": int(grant.size),
            "t": grant.content_type,
            "e": _epoch(grant.expires_at),
        },
    )


def verify_upload_token(secret: bytes, token: str, now: datetime) -> UploadGrant:
    """The grant inside ``token``; ``UploadTokenInvalid`` / ``UploadTokenExpired`` otherwise."""
    payload = _verify(secret, token, _PUT, now)
    key, size, content_type = payload.get("k"), payload.get("s"), payload.get("t")
    if not (isinstance(key, str) and isinstance(size, int) and isinstance(content_type, str)):
        raise UploadTokenInvalid("malformed upload token")
    expiry = payload["e"]
    assert isinstance(expiry, int)  # checked by _verify
    return UploadGrant(
        key=_token_key(key),
        size=size,
        content_type=content_type,
        expires_at=datetime.fromtimestamp(expiry, tz=UTC),
    )


def sign_download_token(secret: bytes, key: str, expires_at: datetime) -> str:
    """A token allowing one key to be downloaded until ``expires_at``."""
    return _sign(secret, {"p": _GET, "k": check_key(key), "e": _epoch(expires_at)})


def verify_download_token(secret: bytes, token: str, now: datetime) -> str:
    """The key inside a valid download token."""
    payload = _verify(secret, token, _GET, now)
    key = payload.get("k")
    if not isinstance(key, str):
        raise UploadTokenInvalid("malformed download token")
    return _token_key(key)


def _token_key(key: str) -> str:
    """A signed key is ours, but check it anyway: a leaked secret must not mean path traversal."""
    try:
        return check_key(key)
    except InvalidObjectKey as exc:
        raise UploadTokenInvalid("token names an invalid key") from exc


def _sign(secret: bytes, payload: dict[str, object]) -> str:
    _check_secret(secret)
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(secret, body))}"


def _verify(secret: bytes, token: str, purpose: str, now: datetime) -> dict[str, object]:
    _check_secret(secret)
    body, sep, mac = token.partition(".")
    if not sep or not body or not mac:
        raise UploadTokenInvalid("malformed token")
    try:
        given = _unb64(mac)
        payload = json.loads(_unb64(body))
    except (binascii.Error, ValueError) as exc:
        raise UploadTokenInvalid("malformed token") from exc
    if not hmac.compare_digest(given, _mac(secret, body)):
        raise UploadTokenInvalid("bad token signature")
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        raise UploadTokenInvalid(f"not a {purpose} token")
    expiry = payload.get("e")
    if not isinstance(expiry, int):
        raise UploadTokenInvalid("token without expiry")
    if _epoch(now) >= expiry:
        raise UploadTokenExpired("token expired")
    return payload


def _mac(secret: bytes, body: str) -> bytes:
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the token secret must have at least {MIN_SECRET_BYTES} bytes")


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("token times must be timezone-aware")
    return int(moment.timestamp())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
