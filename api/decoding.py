"""One gate for input before msgspec and the database see it (docs/api.md, "Limits").

Request bodies are decoded here (``ApiRequest.json``) and query strings and paths are checked by
``InputGuardMiddleware``, so every field of every endpoint gets the same limits without a
per-field rule:

- the body is UTF-8 (RFC 8259 §8.1) and nests at most ``MAX_JSON_DEPTH`` arrays/objects;
- no text contains NUL (PostgreSQL text cannot store it);
- integers fit a signed 64-bit column, numbers are finite;
- a text that reads as an ISO-8601 date or time lies in 1900-01-01 … 2200-12-31 and, with its
  offset, is representable in UTC.

Each refusal is an :class:`InvalidRequest` naming the field (``site.lon``, ``events[0].at``,
``page``); ``api/errors.py`` answers it 400 ``invalid_request``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.empty import value_or_default

MAX_JSON_DEPTH = 32
"""Arrays and objects nested deeper than this are refused (event ``data`` is free-form JSON)."""
MAX_TEXT_LENGTH = 100_000
"""No text in a body is longer than this (fields have their own, smaller limits)."""
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
INT64 = range(-(2**63), 2**63)

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_ISO_TIME = re.compile(r"^[+-]?\d{4,}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


class _FloatLiteral(Decimal):
    """A JSON number written with a fraction or exponent (the slow path keeps it exact)."""


class InvalidRequest(Exception):
    """Input no field of the API accepts; ``field`` names it (None: the body as a whole)."""

    def __init__(self, field: str | None, detail: str, *, not_json: bool = False) -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.field = field
        self.not_json = not_json


def json_depth(body: bytes) -> int:
    """How deeply arrays/objects nest in a JSON text (strings skipped); no recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_time_text(field: str | None, text: str) -> None:
    """Refuse an ISO-8601 date/time outside 1900–2200 or one whose offset leaves UTC's range."""
    if not _ISO_TIME.match(text):
        return
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return  # not a time after all: the field's own type decides
    try:
        moment = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except OverflowError:
        raise InvalidRequest(
            field, f"{text!r} is not representable in UTC; send a time in 1900–2200"
        ) from None
    if not EARLIEST <= moment <= LATEST:
        raise InvalidRequest(field, f"{text!r} is outside 1900-01-01 … 2200-12-31; send a time in that range")


def check_text(field: str | None, text: str) -> None:
    if "\x00" in text:
        raise InvalidRequest(field, "text must not contain NUL (\\u0000); remove the character")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidRequest(field, f"text longer than {MAX_TEXT_LENGTH:,} characters; shorten it")
    check_time_text(field, text)


def check_value(field: str | None, value: Any) -> None:
    """One scalar of a decoded body or query (containers are walked by :func:`check_tree`)."""
    if isinstance(value, str):
        check_text(field, value)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and value not in INT64:
        raise InvalidRequest(field, "integer out of range (signed 64-bit); send a smaller number")
    elif isinstance(value, _FloatLiteral) and not math.isfinite(float(value)):
        raise InvalidRequest(field, "number out of range (64-bit float); send a smaller number")
    elif isinstance(value, Decimal) and not -(2**63) <= value < 2**63:
        raise InvalidRequest(field, "integer out of range (signed 64-bit); send a smaller number")


def _scalars(value: Any) -> Iterator[tuple[str | None, Any]]:
    """``(path, scalar)`` for every scalar of a decoded JSON document, and ``(parent path, key)``
    for every object key; iterative, so depth cannot exhaust the stack."""
    stack: list[tuple[str | None, Any]] = [(None, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                yield path, key
                stack.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(item, list):
            stack.extend((f"{path or ''}[{index}]", child) for index, child in enumerate(item))
        else:
            yield path, item


def check_tree(value: Any) -> None:
    """Check every key and scalar of a decoded JSON document."""
    for path, scalar in _scalars(value):
        check_value(path, scalar)


def decode_body(body: bytes) -> Any:
    """UTF-8, nesting, then msgspec, then every value: the checks of the module docstring.

    A body the plain reading (:func:`_decode_plain`) can vouch for is returned from it; any other
    goes through every check in order, so a refusal names the same field either way."""
    decoded = _decode_plain(body)
    if decoded is not _UNSURE:
        return decoded
    return _decode_checked(body)


_UNSURE = object()
"""``_decode_plain`` could not vouch for the body: the full checks decide."""
_TIME_LIKE = re.compile(rb'"([+-]?\d{4,}-\d{2}-\d{2}[^"]*)"')
_EMPTY_PAIR = re.compile(rb"\{\}|\[\]")
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
_QUOTES_AND_BRACKETS = bytes(b for b in range(256) if b not in b'"[]{}')
_TIME_STARTS = (b'"0000', b'"+0000', b'"-0000')


def _decode_plain(body: bytes) -> Any:
    """The decoded body when every check of :func:`_decode_checked` provably passes, else
    ``_UNSURE``; the per-value walk that builds a path for each of a batch's thousand values is
    what it saves (regular expressions without a literal prefix are slow too: the scans here
    are ``bytes`` operations). It vouches only for bodies without a backslash: then no string
    holds an escape, so no text holds NUL (JSON cannot carry it unescaped), a string that reads
    as a date starts with a digit or sign right after its opening quote, and strings are the
    stretches between alternate quotes. No text can be longer than a body of
    ``MAX_TEXT_LENGTH`` bytes, and no integer leaves 64 bits without 19 digits in a row."""
    if b"\\" in body or len(body) > MAX_TEXT_LENGTH:
        return _UNSURE
    digits = body.translate(_DIGITS_AS_ZERO)
    if b"0" * 19 in digits:
        return _UNSURE
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return _UNSURE
    try:
        decoded = msgspec.json.decode(body)
    except (msgspec.DecodeError, ValueError, RecursionError):
        return _UNSURE
    if _plain_depth(body) > MAX_JSON_DEPTH:
        return _UNSURE
    if any(start in digits for start in _TIME_STARTS):
        for match in _TIME_LIKE.finditer(body):
            try:
                check_time_text(None, match.group(1).decode("utf-8"))
            except InvalidRequest:
                return _UNSURE
    return decoded


def _plain_depth(body: bytes) -> int:
    """:func:`json_depth` of a valid JSON text without backslashes: strings (between alternate
    quotes) dropped, only brackets kept, then the innermost empty pairs removed level by level."""
    outside_strings = body.translate(None, _QUOTES_AND_BRACKETS).split(b'"')[::2]
    brackets = b"".join(outside_strings)
    depth = 0
    while brackets and depth <= MAX_JSON_DEPTH:
        brackets = _EMPTY_PAIR.sub(b"", brackets)
        depth += 1
    return depth if not brackets else MAX_JSON_DEPTH + 1


def _decode_checked(body: bytes) -> Any:
    """Every check in the order of the module docstring; refusals name the field."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise InvalidRequest(None, f"JSON nested deeper than {MAX_JSON_DEPTH} levels; flatten the body")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        detail = f"text is not valid UTF-8 (byte {error.start}); send UTF-8 JSON"
        raise InvalidRequest(_field_with_bad_bytes(body), detail) from None
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        if "out of range" not in str(error):
            raise InvalidRequest(None, f"body is not valid JSON: {error}", not_json=True) from None
        _refuse_out_of_range_number(body)
    except ValueError:  # an integer literal of thousands of digits
        _refuse_out_of_range_number(body)
    check_tree(decoded)
    return decoded


def _refuse_out_of_range_number(body: bytes) -> NoReturn:
    """msgspec names no field for a number beyond float/int range: find it with exact decimals."""
    check_tree(json.loads(body, parse_float=_FloatLiteral, parse_int=Decimal))
    raise InvalidRequest(None, "a number is out of range; send finite 64-bit numbers")


def _field_with_bad_bytes(body: bytes) -> str | None:
    """The field whose text holds the invalid bytes (None when the body is not JSON even then)."""
    try:
        decoded = msgspec.json.decode(body.decode("utf-8", errors="replace"))
    except msgspec.DecodeError:
        return None
    return next((path for path, v in _scalars(decoded) if isinstance(v, str) and "\ufffd" in v), None)


def check_raw_json(body: bytes) -> None:
    """For handlers that parse their own JSON (device ingest): the same checks; a body that is not
    JSON at all is left to the handler, which knows what its protocol expects."""
    try:
        decode_body(body)
    except InvalidRequest as refused:
        if not refused.not_json:
            raise


class ApiRequest(Request[Any, Any, Any]):
    """Litestar's request with :func:`decode_body` as its JSON decoder."""

    async def json(self) -> Any:
        cached = value_or_default(self._connection_state.json, None)
        if cached is not None:
            return cached
        body = await self.body()
        self._connection_state.json = decoded = decode_body(body or b"null")
        return decoded


def check_query(query_string: bytes) -> None:
    """Query values: UTF-8, no NUL, integers within 64 bits, times within 1900–2200."""
    try:
        pairs = parse_qsl(query_string.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise InvalidRequest(None, "query string is not valid UTF-8; percent-encode UTF-8") from None
    for name, value in pairs:
        check_text(None, name)
        check_text(name, value)
        if _INTEGER.match(value) and (len(value.lstrip("+-")) > 19 or int(value) not in INT64):
            raise InvalidRequest(name, "integer out of range (signed 64-bit); send a smaller number")


class InputGuardMiddleware(ASGIMiddleware):
    """Checks the path and query string of every HTTP request (see :func:`check_query`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if "\x00" in scope["path"]:
            raise InvalidRequest("path", "path must not contain NUL (%00)")
        check_query(scope.get("query_string", b""))
        await next_app(scope, receive, send)
