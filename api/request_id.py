"""``X-Request-ID``: echoed when the client sends a sane one, generated otherwise, on every answer.

The id is kept in the ASGI scope so the 500 handler (``api/errors.py``) can name it in the body and
in the log line: an operator finds a customer's failed call by the id the client shows.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(scope: Any) -> str:
    """The request's id (``"-"`` before the middleware ran, e.g. for an unknown route)."""
    state = scope.get("state") if isinstance(scope, dict) else None
    value = state.get("request_id") if isinstance(state, dict) else None
    return value if isinstance(value, str) else "-"


def _from_headers(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name.lower() == HEADER.encode():
            text = value.decode("latin-1")
            if _SANE.match(text):
                return text
    return uuid.uuid4().hex


class RequestIdMiddleware(ASGIMiddleware):
    """Stores the id in ``scope["state"]["request_id"]`` and adds it to the response headers."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _from_headers(scope)
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER.encode()]
                message["headers"] = [*headers, (HEADER.encode(), request_id.encode())]
            await send(message)

        await next_app(scope, receive, send_with_id)
