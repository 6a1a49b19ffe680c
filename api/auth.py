"""Bearer tokens: HS256-signed JWTs carrying a role and optional outlet/technician scope.

``aftersales token --role dispatcher`` prints one for development; a deployment issues them from
its identity provider with the same claims and secret (``AFTERSALES_SECRET_KEY``).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from dispatch.access.principal import TOKEN_ROLES, Principal, Role

ALGORITHM = "HS256"
PUBLIC_PATHS = (
    "/health",
    "/schema",
    "/track",  # device ingest (/track/osmand/…, /track/owntracks…) and the customer page /track/{token}
    "/api/v1/track/",  # the customer tracking page's JSON, stream and report: the token is the credential
    "/static",
    "/console",
    "/favicon.ico",
    "/api/v1/objects/",  # evidence upload/download URLs of the filesystem store: signed tokens
)


def issue_token(
    secret: str,
    role: Role,
    subject: str = "dev",
    outlet_id: uuid.UUID | None = None,
    technician_id: uuid.UUID | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    refuse_unscoped(Principal(subject, role, outlet_id, technician_id))
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": subject, "role": role.value, "iat": now, "exp": now + ttl}
    if outlet_id is not None:
        claims["outlet"] = str(outlet_id)
    if technician_id is not None:
        claims["technician"] = str(technician_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _optional_uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


@lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> tuple[Principal, float]:
    """Signature check and claims parsing, cached per token (they are immutable and signed)."""
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "role"]})
    principal = Principal(
        subject=str(claims.get("sub", "")),
        role=Role(claims["role"]),
        outlet_id=_optional_uuid(claims.get("outlet")),
        technician_id=_optional_uuid(claims.get("technician")),
    )
    refuse_unscoped(principal)
    return principal, float(claims["exp"])


def refuse_unscoped(principal: Principal) -> None:
    """Fail closed at the door: a token whose role needs a scope and lacks it is no token at all.

    An outlet token without ``outlet`` or an engineer token without ``technician`` would otherwise
    read as "no limit"; a ``customer`` role is only ever a tracking link, never a bearer token.
    """
    if principal.role not in TOKEN_ROLES:
        raise ValueError(f"role {principal.role.value!r} is not issued as a bearer token")
    claim = principal.missing_claim()
    if claim is not None:
        raise ValueError(
            f"a {principal.role.value} token needs a {claim!r} claim "
            f"(aftersales token --role {principal.role.value} --{claim} ID)"
        )


def read_token(secret: str, token: str) -> Principal:
    """Verify a token and return its principal; any defect is a 401 with the reason.

    A verified token is remembered (its expiry is still checked on every request)."""
    try:
        principal, expires = _verified(secret, token)
        if expires <= time.time():
            raise jwt.ExpiredSignatureError
        return principal
    except jwt.ExpiredSignatureError:
        raise NotAuthorizedException("token expired: get a new one") from None
    except (jwt.InvalidTokenError, ValueError) as error:
        raise NotAuthorizedException(f"invalid token: {error}") from None


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Puts the caller's ``Principal`` on ``request.user``; 401 without a valid bearer token.

    The composition root passes the signing ``secret`` (``DefineMiddleware(..., secret=...)``)."""

    def __init__(self, app: ASGIApp, secret: str, exclude: str | list[str] | None = None) -> None:
        super().__init__(app, exclude=exclude)
        self.secret = secret

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException(
                "missing bearer token: send 'Authorization: Bearer <token>' "
                "(development: `aftersales token --role dispatcher`)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return AuthenticationResult(user=read_token(self.secret, token.strip()), auth=token)
