"""A served instance with the demo data and a token per role, for the contract tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import issue_token
from dispatch.access.principal import Role
from tests.conftest import SECRET
from tests.integration.console.server import Served, serve


@pytest.fixture(scope="module")
def demo_served(module_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``aftersales demo`` then ``aftersales serve`` on the module's database."""
    home = tmp_path_factory.mktemp("contract")
    env = {**os.environ, "AFTERSALES_HOME": str(home), "AFTERSALES_DATABASE_URL": module_database}
    env["AFTERSALES_SECRET_KEY"] = SECRET
    subprocess.run(
        [sys.executable, "-m", "api.cli", "demo"], env=env, check=True, capture_output=True, timeout=120
    )
    with serve(module_database, Path(home)) as instance:
        yield instance


@pytest.fixture(scope="module")
def role_headers(demo_served: Served) -> dict[str, dict[str, str]]:
    """An Authorization header per role; outlet and engineer tokens are scoped to demo rows."""
    admin = {"Authorization": f"Bearer {issue_token(SECRET, Role.ADMIN)}"}
    with httpx.Client(base_url=demo_served.base_url, headers=admin, timeout=10) as client:
        technicians = client.get("/api/v1/technicians", params={"page_size": 50}).json()["items"]
    engineer = next(t for t in technicians if t.get("outlet_id"))
    tokens = {
        "admin": issue_token(SECRET, Role.ADMIN),
        "dispatcher": issue_token(SECRET, Role.DISPATCHER),
        "qa": issue_token(SECRET, Role.QA),
        "executive": issue_token(SECRET, Role.EXECUTIVE),
        "outlet": issue_token(SECRET, Role.OUTLET, outlet_id=uuid.UUID(engineer["outlet_id"])),
        "engineer": issue_token(SECRET, Role.ENGINEER, technician_id=uuid.UUID(engineer["id"])),
    }
    return {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
