"""What a webhook may point at, which events it may ask for, and how each delivery is signed.

Signature (the receiver recomputes it with the secret it was given once, at creation)::

    X-Aftersales-Signature: t=1796570000,v1=<hex HMAC-SHA256(secret, "1796570000." + body)>

The timestamp inside the signed text lets a receiver refuse replays older than a few minutes;
``X-Aftersales-Delivery`` (the delivery's id) lets it drop a retry it has already processed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from urllib.parse import urlsplit

from dispatch.errors import InvalidInput

EVENT_KINDS = (
    "ticket.created",
    "ticket.updated",
    "work_order.created",
    "work_order.updated",
    "plan.created",
    "plan.updated",
    "clock.at_risk",
    "clock.breached",
    "clock.escalated",
)
"""The journal's event kinds offered to webhooks (positions are not: too many, too personal)."""
SIGNATURE_HEADER = "X-Aftersales-Signature"
MAX_URL = 2000


def check_events(events: list[str]) -> list[str]:
    if not events:
        raise InvalidInput("events", f"name at least one of {', '.join(EVENT_KINDS)}")
    unknown = sorted(set(events) - set(EVENT_KINDS))
    if unknown:
        raise InvalidInput(
            "events", f"unknown event(s) {', '.join(unknown)}; known: {', '.join(EVENT_KINDS)}"
        )
    return sorted(set(events))


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL with a host; unless ``allow_private``, one that resolves to public addresses
    only (a webhook must not become a way into the plant's own network or the loopback)."""
    if len(url) > MAX_URL:
        raise InvalidInput("url", f"at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("url", "must be an http:// or https:// URL")
    if not parts.hostname:
        raise InvalidInput("url", "must name a host")
    if parts.username or parts.password:
        raise InvalidInput("url", "must not carry credentials: the signature authenticates deliveries")
    if not allow_private:
        for address in resolve(parts.hostname, parts.port):
            if _private(address):
                raise InvalidInput(
                    "url",
                    f"{parts.hostname} resolves to {address}, a loopback or private address: "
                    "not allowed (AFTERSALES_WEBHOOK_ALLOW_PRIVATE for test setups)",
                )
    return url


def resolve(host: str, port: int | None) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise InvalidInput("url", f"the host {host} does not resolve") from None
    return sorted({str(info[4][0]) for info in found})


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (and the tests): recompute and compare in constant time."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields or not fields["t"].isdigit():
        return False
    return hmac.compare_digest(signature(secret, int(fields["t"]), body), header)
