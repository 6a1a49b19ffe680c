"""The ASGI servers ``aftersales serve`` can run the app under: uvicorn (default) and granian.

Both get the same contract (docs/adr/0016-asgi-server-granian-or-uvicorn.md): ``--workers`` processes
sharing one socket, SIGTERM stops accepting and gives in-flight requests ``graceful_timeout``
seconds, and every log line, the access log included, goes through
:class:`api.access_log.RedactSecrets`. Several workers (and granian always) build the app in
each worker from the environment (``api.app:app_from_env``); the caller puts the resolved
database URL, public URL and secret there first.
"""

from __future__ import annotations

import enum
import math
import os
from dataclasses import dataclass
from typing import Any

APP_FACTORY = "api.app:app_from_env"
GRANIAN_FACTORY = "api.servers:granian_app"
TRUSTED_PROXIES = "127.0.0.1,::1"
"""Whose ``X-Forwarded-For``/``-Proto`` are believed (``FORWARDED_ALLOW_IPS`` overrides), as
uvicorn does by default: behind a local reverse proxy the client address (rate limits) is the
customer's, not the proxy's."""


class Server(enum.StrEnum):
    GRANIAN = "granian"
    UVICORN = "uvicorn"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    log_level: str
    graceful_timeout_s: float


def writes_access_log(log_level: str) -> bool:
    """The access log is an info-level log: on at ``info`` and ``debug``."""
    return log_level in ("info", "debug")


def run_uvicorn(options: ServeOptions, app: Any | None) -> None:
    """uvicorn with httptools and uvloop; ``app`` (one worker) or the factory (several)."""
    import uvicorn

    from api.access_log import uvicorn_log_config

    common: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        "log_level": options.log_level,
        "log_config": uvicorn_log_config(),
        "timeout_graceful_shutdown": options.graceful_timeout_s,
        # below info no access line is written, but uvicorn would still format its arguments
        "access_log": writes_access_log(options.log_level),
    }
    if app is None or options.workers > 1:
        uvicorn.run(APP_FACTORY, factory=True, workers=options.workers, **common)
    else:
        uvicorn.run(app, **common)


def granian_app() -> Any:
    """The app for granian's workers: ``app_from_env`` behind the same forwarded-headers handling
    uvicorn applies by default (granian applies none by itself)."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    from api.app import app_from_env

    trusted = os.environ.get("FORWARDED_ALLOW_IPS", TRUSTED_PROXIES)
    return wrap_asgi_with_proxy_headers(app_from_env(), trusted_hosts=trusted)


def run_granian(options: ServeOptions) -> None:
    """granian's Rust HTTP/1.1 server, ASGI interface with lifespan, one process per worker.

    The access log is on at ``info`` and ``debug`` (as uvicorn's is) and written in uvicorn's
    shape, so log readers see the same lines. ``workers_kill_timeout``: after SIGTERM a worker
    gets the graceful timeout to finish its requests and lifespan shutdown, then it is killed."""
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.log import LogLevels
    from granian.server import Server as Granian

    from api.access_log import ACCESS_FORMAT, granian_log_config

    Granian(
        GRANIAN_FACTORY,
        address=options.host,
        port=options.port,
        interface=Interfaces.ASGI,
        workers=options.workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,  # a proxy in front speaks HTTP/2; no protocol sniffing per connection
        websockets=False,  # the service has no websocket route (live updates are SSE)
        factory=True,
        log_level=LogLevels(options.log_level),
        log_dictconfig=granian_log_config(),
        log_access=writes_access_log(options.log_level),
        log_access_format=ACCESS_FORMAT,
        workers_kill_timeout=max(1, math.ceil(options.graceful_timeout_s)),
    ).serve()
