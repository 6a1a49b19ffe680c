"""Security headers on every response: CSP, nosniff, no referrer, no framing (docs/security.md#browser).

The console and the tracking page load only their own scripts (ES modules from ``/console/assets``
and Leaflet from ``/static``): no inline script, no ``eval``, no inline style attributes (styles
are set through the CSSOM, which the policy allows). Map tiles come from the configured tile URL's
origin; Leaflet's marker images may be ``data:`` URLs. ``Referrer-Policy: no-referrer`` keeps the
tracking token in ``/track/{token}`` from leaking to the tile server. ``/schema`` (the API
reference page, which loads its renderer from a CDN with an inline bootstrap) gets the same
headers except the CSP.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.types import Message, Scope

SCHEMA_PREFIX = "/schema"


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of a Leaflet tile template: ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` →
    ``https://*.tile.example.org`` (a placeholder in the host becomes a wildcard label)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:
        rest = host[host.rindex("}") + 1 :]
        rest = rest.lstrip(".") if rest.startswith(".") else rest.partition(".")[2]
        host = f"*.{rest}"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None) -> str:
    tiles = tile_source(tile_url)
    images = " ".join(filter(None, ("'self'", "data:", tiles)))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def security_headers(tile_url: str | None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(tile_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


Raw = list[tuple[bytes, bytes]]


def _raw(headers: dict[str, str]) -> Raw:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


class SecurityHeaders:
    """A ``before_send`` hook adding ``security_headers(tile_url)`` to every HTTP response — also
    the ones the router (404) and the authentication middleware (401) answer. The headers are
    encoded once: the hook runs on every response, the hot path's included."""

    def __init__(self, tile_url: str | None) -> None:
        self.headers = security_headers(tile_url)
        self.schema_headers = {k: v for k, v in self.headers.items() if k != "Content-Security-Policy"}
        self._raw, self._schema_raw = _raw(self.headers), _raw(self.schema_headers)
        self._names = frozenset(name for name, _ in self._raw)

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        path = str(scope.get("path", ""))
        ours = self._schema_raw if path.startswith(SCHEMA_PREFIX) else self._raw
        kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self._names]
        message["headers"] = [*kept, *ours]
