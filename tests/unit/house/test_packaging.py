"""The console ships as package data of ``api`` (ADR 0010): an installed wheel serves it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from api.controllers import console

ROOT = Path(__file__).resolve().parents[3]
API = ROOT / "api"


def _package_data_globs() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["setuptools"]["package-data"]["api"])


def test_api_console_is_the_console_source_folder() -> None:
    assert (API / "console").resolve() == (ROOT / "console" / "src").resolve()


def test_every_console_file_is_package_data() -> None:
    shipped = {p for pattern in _package_data_globs() for p in API.glob(pattern) if p.is_file()}
    sources = {API / "console" / p.name for p in (ROOT / "console" / "src").iterdir() if p.is_file()}
    assert sources and sources <= shipped, sorted(str(p) for p in sources - shipped)


def test_leaflet_lands_inside_the_package_and_is_package_data() -> None:
    assert console.STATIC_DIR == API / "static"
    assert console.LEAFLET.is_relative_to(API)
    assert any(pattern.startswith("static/vendor/leaflet/") for pattern in _package_data_globs())


def test_pages_are_read_from_the_package_not_the_source_tree_root() -> None:
    """In a wheel ``api/console`` is a real folder beside ``api/controllers``; here it links to ``console/src``."""
    assert (Path(console.__file__).resolve().parents[1] / "console").resolve() == console.CONSOLE_DIR
    assert (console.CONSOLE_DIR / "index.html").is_file()
    assert (console.CONSOLE_DIR / "track.html").is_file()
