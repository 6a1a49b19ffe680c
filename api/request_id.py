"""``X-Request-ID``: echoed when the client sends a sane one, generated otherwise, on every answer.

The id is kept in the ASGI scope so the 500 handler (``api/errors.py``) can name it in the body and
in the log line: an operator finds a customer's failed call by the id the client shows. It is added
by a ``before_send`` hook, so answers that never reach a route (404 for an unknown path, a refusal
by a middleware) carry it too.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.types import Message, Scope

HEADER = "x-request-id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(scope: Any) -> str:
    """The request's id, chosen on first use and kept in ``scope["state"]["request_id"]``."""
    state = scope.setdefault("state", {})
    value = state.get("request_id")
    if isinstance(value, str):
        return value
    value = _from_headers(scope)
    state["request_id"] = value
    return value


def _from_headers(scope: Any) -> str:
    for name, value in scope.get("headers", ()):
        if name.lower() == HEADER.encode():
            text = str(value.decode("latin-1"))
            if _SANE.match(text):
                return text
    return uuid.uuid4().hex


async def add_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the id on every HTTP answer (replacing any the handler set)."""
    if message["type"] != "http.response.start":
        return
    request_id = request_id_of(scope).encode()
    headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER.encode()]
    message["headers"] = [*headers, (HEADER.encode(), request_id)]
