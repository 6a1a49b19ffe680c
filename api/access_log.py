"""Secrets out of the logs: paths that carry a credential are logged redacted.

Several URLs *are* credentials: a device's ingest secret (``/track/osmand/{secret}``,
``/track/owntracks/{secret}``), the customer's tracking token (``/track/{token}``,
``/api/v1/track/{token}/…``), a quote's decision link (``/api/v1/quotes/confirm|refuse/{token}``)
and the filesystem store's signed upload/download links (``/api/v1/objects/…/{token}``). Whoever
reads the access log must not be able to replay them, so the log shows ``/track/osmand/***``.
Query strings of those paths are dropped, and query parameters named like a credential
(``token``, ``secret``, ``signature``, ``X-Amz-*`` …) are masked on every path.

``serve`` passes :func:`granian_log_config` to granian (or :func:`uvicorn_log_config` to uvicorn):
the filter sits on the server's handlers, so the access log and anything else written through them
(errors naming a path) are redacted. granian hands the path and the query string to the access
log separately; the filter redacts them together, so the log reads ``/track/osmand/***?***``.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

MASK = "***"
SECRET_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/track/(osmand|owntracks)/[^/?#]+"), rf"/track/\1/{MASK}"),
    (re.compile(r"^/track/(?!osmand(?:[/?#]|$)|owntracks(?:[/?#]|$))[^/?#]+"), f"/track/{MASK}"),
    (re.compile(r"^/api/v1/track/[^/?#]+"), f"/api/v1/track/{MASK}"),
    (re.compile(r"^/api/v1/quotes/(confirm|refuse)/[^/?#]+"), rf"/api/v1/quotes/\1/{MASK}"),
    (re.compile(r"^/api/v1/objects/(uploads|downloads)/[^/?#]+"), rf"/api/v1/objects/\1/{MASK}"),
)
"""(pattern, replacement) for each path whose segment is a credential."""
SECRET_PARAMETER = re.compile(r"(token|secret|password|signature|credential|^key$|^x-amz-)", re.IGNORECASE)


def redact_path(path: str) -> str:
    """``/track/osmand/s3cr3t?lat=1`` → ``/track/osmand/***?***``; other paths keep their shape."""
    for pattern, replacement in SECRET_PATHS:
        redacted, found = pattern.subn(replacement, path, count=1)
        if found:
            base, _, query = redacted.partition("?")
            return f"{base}?{MASK}" if query else base
    base, sep, query = path.partition("?")
    if not sep:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(SECRET_PARAMETER.search(name) for name, _ in pairs):
        return path
    masked = [(name, MASK if SECRET_PARAMETER.search(name) else value) for name, value in pairs]
    return f"{base}?{urlencode(masked, safe='*')}"


ACCESS_FORMAT = '%(addr)s - "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1f ms'
"""granian's access line in uvicorn's shape (``path`` carries the redacted query, see below)."""


def _redacted(value: object) -> object:
    return redact_path(value) if isinstance(value, str) and value.startswith("/") else value


def _redacted_access(args: dict[str, object]) -> dict[str, object]:
    """granian's access record: ``path`` and ``query_string`` redacted as one, shown as one."""
    path, query = args.get("path"), args.get("query_string")
    if not isinstance(path, str):
        return {key: _redacted(value) for key, value in args.items()}
    full = f"{path}?{query}" if isinstance(query, str) and query else path
    return {**args, "path": redact_path(full) if full.startswith("/") else full, "query_string": ""}


class RedactSecrets(logging.Filter):
    """Redacts credential paths among a record's arguments (uvicorn's access log passes the path
    as an argument: ``'%s - "%s %s HTTP/%s" %d'``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = _redacted_access(dict(record.args))
        if isinstance(record.msg, str) and record.msg.startswith("/"):
            record.msg = redact_path(record.msg)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration plus :class:`RedactSecrets` on every handler, and the
    service's ``aftersales`` loggers written through the same (redacted) default handler."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_secrets")
    config["loggers"]["aftersales"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def granian_log_config() -> dict[str, Any]:
    """granian's logging configuration with :class:`RedactSecrets` on every handler, and the
    service's ``aftersales`` loggers written through the same (redacted) handler."""
    from granian.log import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_secrets")
    config["formatters"]["generic"]["fmt"] = "%(levelname)s: %(message)s"
    config["loggers"]["aftersales"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
    return config
