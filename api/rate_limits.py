"""Abuse limits on the public endpoints (docs/operations.md#rate-limits, docs/security.md#browser).

Built on Litestar's ``RateLimitConfig`` / ``RateLimitMiddleware`` (a fixed window per minute in
the app's in-memory store, so per process). Each limit is one middleware with its own key prefix:

===================  ==========================================================  ==============
limit                requests counted                                            key
===================  ==========================================================  ==============
``tracking_ip``      the customer page ``/track/{token}`` and ``/api/v1/track/…``  client IP
``tracking_token``   the same, per link (a leaked link hammered from many IPs)      the token
``ingest_ip``        device ingest ``/track/osmand|owntracks|…``                    client IP
``objects_ip``       filesystem upload/download URLs ``/api/v1/objects/…``         client IP
``failed_auth_ip``   requests whose bearer token does not verify (valid: never)    client IP
===================  ==========================================================  ==============

An exceeded limit answers ``429`` with ``Retry-After`` (seconds) and the house error body
``{"error": "rate_limited", "detail": …}``. A limit of 0 turns that limit off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.connection import Request
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware, get_remote_address
from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from api.auth import read_token
from api.errors import error_body

TRACK_PAGE = "/track/"
TRACK_API = "/api/v1/track/"
OBJECTS = "/api/v1/objects/"
INGEST_PROTOCOLS = ("osmand", "owntracks")


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Requests per minute for each limit (0 = off)."""

    tracking_ip: int
    tracking_token: int
    ingest_ip: int
    objects_ip: int
    failed_auth_ip: int


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def is_ingest(path: str) -> bool:
    """``/track/osmand/…``, ``/track/owntracks…``: device protocols."""
    parts = _segments(path)
    return len(parts) >= 2 and parts[0] == "track" and parts[1] in INGEST_PROTOCOLS


def tracking_token(path: str) -> str | None:
    """The link token of a customer page or its JSON/stream/report; ``None`` for anything else."""
    if path.startswith(TRACK_API):
        return _segments(path.removeprefix(TRACK_API))[0] if path != TRACK_API else None
    if path.startswith(TRACK_PAGE) and not is_ingest(path):
        parts = _segments(path)
        return parts[1] if len(parts) == 2 else None
    return None


def bearer_fails(secret: str) -> Callable[[Request[Any, Any, Any]], bool]:
    """Does the request carry a bearer token that does not verify against ``secret``?"""

    def fails(request: Request[Any, Any, Any]) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        try:
            read_token(secret, token.strip())
        except NotAuthorizedException:  # any defect: expired, bad signature, malformed, no scope
            return True
        return False

    return fails


class HouseRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's limiter answering in the house error shape, with ``Retry-After``."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except TooManyRequestsException as exceeded:
            headers = dict(exceeded.headers or {})
            retry = headers.get(self.config.rate_limit_reset_header_key, "60")
            body = error_body("rate_limited", f"too many requests: retry after {retry} s")
            raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
            raw += [(b"retry-after", retry.encode()), (b"content-type", b"application/json")]
            start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 429, "headers": raw}
            await send(start)
            end: HTTPResponseBodyEvent = {
                "type": "http.response.body",
                "body": json.dumps(body).encode(),
                "more_body": False,
            }
            await send(end)


def _only_under(*prefixes: str, but_not: tuple[str, ...] = ()) -> str | None:
    """An ``exclude`` pattern matching every path *not* under ``prefixes``, and every path under
    one of ``but_not`` (whole segments): Litestar then skips the middleware before building a
    request, so other routes pay nothing."""
    if not prefixes:
        return None
    under = "|".join(re.escape(prefix.removeprefix("/")) for prefix in prefixes)
    # "/x…" not followed by a prefix; never "/" alone (Litestar refuses patterns matching every path)
    outside = f"(?!{under})."
    if not but_not:
        return f"^/{outside}"
    inside = "|".join(re.escape(path.strip("/")) for path in but_not)
    return f"^/(?:{outside}|(?:{inside})(?:/|$))"


def _limit(
    name: str,
    per_minute: int,
    applies: Callable[[Request[Any, Any, Any]], bool],
    key: Callable[[Request[Any, Any, Any]], str] = get_remote_address,
    prefixes: tuple[str, ...] = (),
    but_not: tuple[str, ...] = (),
) -> DefineMiddleware:
    def identifier(request: Request[Any, Any, Any]) -> str:
        return f"{name}:{key(request)}"

    async def check(request: Request[Any, Any, Any]) -> bool:
        """``applies`` as a coroutine: Litestar runs a plain function given as the check in a
        worker thread, a thread hop for every request the limiter sees (the checks only look at
        the path and the headers, and a token's verification is cached)."""
        return applies(request)

    config = RateLimitConfig(
        rate_limit=("minute", per_minute),
        exclude=_only_under(*prefixes, but_not=but_not),
        identifier_for_request=identifier,
        check_throttle_handler=check,
        middleware_class=HouseRateLimitMiddleware,
    )
    return config.middleware


def rate_limit_middleware(limits: RateLimits, secret: str) -> list[DefineMiddleware]:
    """The limiters for ``Litestar(middleware=[*rate_limit_middleware(…), …])``."""

    def path(request: Request[Any, Any, Any]) -> str:
        return request.url.path

    def is_tracking(request: Request[Any, Any, Any]) -> bool:
        return tracking_token(path(request)) is not None

    def link(request: Request[Any, Any, Any]) -> str:
        return tracking_token(path(request)) or ""

    def ingest(request: Request[Any, Any, Any]) -> bool:
        return is_ingest(path(request))

    def objects(request: Request[Any, Any, Any]) -> bool:
        return path(request).startswith(OBJECTS)

    tracking = (TRACK_PAGE, TRACK_API)
    devices = tuple(f"{TRACK_PAGE}{protocol}" for protocol in INGEST_PROTOCOLS)  # not customers' pages
    limiters = (
        ("tracking_ip", limits.tracking_ip, is_tracking, get_remote_address, tracking, devices),
        ("tracking_token", limits.tracking_token, is_tracking, link, tracking, devices),
        ("ingest_ip", limits.ingest_ip, ingest, get_remote_address, (TRACK_PAGE,), ()),
        ("objects_ip", limits.objects_ip, objects, get_remote_address, (OBJECTS,), ()),
        ("failed_auth_ip", limits.failed_auth_ip, bearer_fails(secret), get_remote_address, (), ()),
    )
    return [_limit(*limiter) for limiter in limiters if limiter[1] > 0]
