"""The web pages the product serves: the dispatcher's console (``/console``) and its assets.

The page itself is public (it asks for a bearer token and keeps it in memory only); every
API call it makes carries the token. Sources are plain ES modules in ``console/src`` (no build
step), package data of ``api`` as ``api/console`` (a link to that folder in the repository, real
files in an installed wheel), so they are served from the installed package (ADR 0010). Leaflet
comes from the npm registry (``console/package-lock.json``) and is copied to
``api/static/vendor/leaflet`` (package data too) by ``make setup`` (``scripts/console-assets.sh``).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path

import msgspec
from litestar import Controller, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.static_files import create_static_files_router

from api.settings import Settings
from dispatch.access.principal import Principal
from geo.datums import Datum

PACKAGE = Path(__file__).resolve().parents[1]
CONSOLE_DIR = (PACKAGE / "console").resolve()
"""The pages and their ES modules, inside the installed ``api`` package."""
CONSOLE_SRC = CONSOLE_DIR  # the name other modules import
STATIC_DIR = PACKAGE / "static"
LEAFLET = STATIC_DIR / "vendor" / "leaflet" / "leaflet-src.esm.js"
HTML = "text/html; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store"}

log = logging.getLogger("aftersales.console")


class ConsoleConfig(msgspec.Struct):
    """What the pages need to draw their map (no secrets)."""

    tile_url: str | None
    tile_datum: str
    tile_attribution: str


def console_config(settings: Settings) -> ConsoleConfig:
    """Checked at start-up: an unknown ``AFTERSALES_TILE_DATUM`` stops the service."""
    datum = Datum.parse(settings.tile_datum, "AFTERSALES_TILE_DATUM")
    return ConsoleConfig(settings.tile_url, datum.value, settings.tile_attribution)


def asset_routers() -> list[Router]:
    """``/console/assets`` (the console's sources) and ``/static`` (vendored Leaflet)."""
    if not LEAFLET.exists():
        log.warning("Leaflet is missing under %s: run `make setup` for the console", LEAFLET.parent)
    with contextlib.suppress(OSError):  # a read-only install: /static then serves nothing
        STATIC_DIR.mkdir(parents=True, exist_ok=True)
    cache = CacheControlHeader(no_cache=True)
    return [
        create_static_files_router(
            path="/console/assets", directories=[CONSOLE_DIR], name="console-assets", cache_control=cache
        ),
        create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
    ]


def page(name: str, status_code: int = 200) -> Response[bytes]:
    return Response(
        (CONSOLE_DIR / name).read_bytes(), media_type=HTML, headers=NO_STORE, status_code=status_code
    )


class ConsolePageController(Controller):
    path = "/console"
    include_in_schema = False

    @get("/", summary="The dispatcher's map console (asks for a bearer token)")
    async def console(self) -> Response[bytes]:
        return page("index.html")

    @get("/config.json", summary="Base-map settings for the pages")
    async def config(self, console_config: NamedDependency[ConsoleConfig]) -> ConsoleConfig:
        return console_config


class SessionOut(msgspec.Struct):
    role: str
    subject: str
    outlet_id: uuid.UUID | None
    technician_id: uuid.UUID | None


class ConsoleSessionController(Controller):
    path = "/api/v1/console"
    tags = ["live"]

    @get("/session", summary="Who the bearer token names (the console checks its token with this)")
    async def session(self, caller: NamedDependency[Principal]) -> SessionOut:
        return SessionOut(caller.role.value, caller.subject, caller.outlet_id, caller.technician_id)
