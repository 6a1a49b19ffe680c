"""The composition root's rules (ADR 0011): controllers receive services, never repositories or
models; the import-linter contract says so and ``lint-imports`` enforces it on every change."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from api.app import create_app
from api.composition import SERVICES, build_components
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = ("storage.repositories", "storage.models")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_forbidden_contract_is_declared_for_lint_imports() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    forbidden = [
        c for c in contracts if c["type"] == "forbidden" and "api.controllers" in c["source_modules"]
    ]
    assert len(forbidden) == 1
    assert set(forbidden[0]["forbidden_modules"]) == set(FORBIDDEN)


@pytest.mark.parametrize("path", sorted((ROOT / "api" / "controllers").glob("*.py")), ids=lambda p: p.name)
def test_controllers_import_no_repository_nor_model(path: Path) -> None:
    reached = {m for m in _imports(path) if m.startswith(FORBIDDEN)}
    assert not reached, f"{path.name} imports {sorted(reached)}: ask a service instead"


def test_every_dependency_is_built_by_the_root(tmp_path: Path) -> None:
    """The app builds (Litestar refuses a handler asking for a dependency nobody provides) and
    every provider is the root's: no controller defines one."""
    settings = Settings(
        home=tmp_path, database_url="postgresql+asyncpg://u@localhost:1/none", secret_key="k" * 32
    )
    app = create_app(settings, build_components(settings))
    assert set(SERVICES) | {"previews", "caller", "session", "read_session"} <= set(app.dependencies)
    for path in (ROOT / "api" / "controllers").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        providers = [
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("provide")
        ]
        assert not providers, f"{path.name} defines {providers}: providers live in api/composition.py"
