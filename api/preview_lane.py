"""The dispatch preview's fast lane: a valid preview answered without the framework's machinery.

``POST /api/v1/dispatch/preview`` is the hotline's hot path (docs/benchmarks.md). Through
Litestar a valid preview paid about as much CPU for the framework — exception middleware, five
rate-limit checks, authentication, the input guard, routing, dependency injection, signature
parsing, the response object — as for the decision and its database read together. The lane
answers the one case that matters for throughput, a well-formed preview by a valid bearer token,
with the same pieces the route uses: ``read_token`` for the token, ``decode_body`` for the
body's limits, ``PreviewIn`` for its shape, the app's ``PreviewService``, ``DecisionOut`` for
the answer and the app's own ``before_send`` hooks (request id, security headers).

Everything else is handed to the Litestar app with the request replayed unchanged: a missing or
bad token, a query string, another content type, a body that does not decode or convert
strictly, a role without the right, an unknown plant, a bad ``reported_at``, the database away,
any error at all. The app then answers exactly as it would have (status, error body, headers,
failed-token rate limit, logging), because it is the app that answers. A preview is read-only,
so running it a second time there changes nothing. ``tests/integration/tickets`` checks that
both lanes give the same answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec
from litestar.types import (
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from api.auth import read_token
from api.decoding import decode_body
from api.schemas.tickets import DecisionOut, PreviewIn
from dispatch.tickets.preview import PreviewService

Hook = Callable[[Any, Any], Awaitable[Any]]
"""A ``before_send`` hook of the app (message, scope)."""
PATH = "/api/v1/dispatch/preview"
MAX_BODY = 64 * 1024
"""A preview body is a few hundred bytes; anything longer goes to the app (and its limits)."""
_JSON = "application/json"


class PreviewLane:
    """Serves valid previews itself; hands every other request to the app, replayed."""

    def __init__(self, secret: str, previews: PreviewService, hooks: Sequence[Hook]) -> None:
        self.secret = secret
        self.previews = previews
        self.hooks = tuple(hooks)
        self._encoder = msgspec.json.Encoder()

    @staticmethod
    def takes(scope: Any) -> bool:
        """A preview request the lane may try (anything else goes straight to the app)."""
        return (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == PATH
            and not scope.get("query_string")
        )

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answer the request, or return the ``receive`` that replays it for the app."""
        messages, body = await _read_body(receive)
        replay = _replaying(messages, receive)
        if body is None:
            return replay
        try:
            answer = await self._answer(scope, body)
        except Exception:  # any refusal or failure: the app answers it, in its own shape
            return replay
        if answer is None:
            return replay
        await self._send(scope, send, answer)
        return None

    async def _answer(self, scope: Scope, body: bytes) -> bytes | None:
        authorization, content_type = _headers(scope)
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or not content_type.startswith(_JSON):
            return None
        caller = read_token(self.secret, token.strip())
        data = msgspec.convert(decode_body(body or b"null"), PreviewIn, strict=True)
        decision = await self.previews.preview(caller, data.to_request())
        return self._encoder.encode(DecisionOut.of(decision))

    async def _send(self, scope: Scope, send: Send, body: bytes) -> None:
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", _JSON.encode()), (b"content-length", b"%d" % len(body))],
        }
        for hook in self.hooks:  # the app's before_send hooks, as the app would run them
            await hook(start, scope)
        await send(start)
        end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
        await send(end)


def _headers(scope: Scope) -> tuple[str, str]:
    """(authorization, content-type) of the request, empty when absent."""
    authorization = content_type = b""
    for name, value in scope["headers"]:
        lowered = name.lower()
        if lowered == b"authorization":
            authorization = value
        elif lowered == b"content-type":
            content_type = value
    return authorization.decode("latin-1"), content_type.decode("latin-1").lower()


async def _read_body(receive: Receive) -> tuple[list[ReceiveMessage], bytes | None]:
    """The request's messages as received, and its body (``None``: too long, or no body)."""
    messages: list[ReceiveMessage] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message["body"])
        if size > MAX_BODY:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(m["body"] for m in messages if m["type"] == "http.request")


def _replaying(messages: list[ReceiveMessage], receive: Receive) -> Receive:
    """A ``receive`` that gives back ``messages`` first, then whatever comes next."""
    pending = list(messages)

    async def replay() -> ReceiveMessage:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
