"""The dispatcher console in a real browser (headless Debian Chromium) against ``aftersales serve``.

R-DI-9 / R-DI-2: a call taken through the API appears on the console without reload, coloured by
its time left; an engineer's reported position moves their marker.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Auth
from tests.integration.console.server import Served
from tests.integration.helpers import YANTAI, site_at

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _post(served: Served, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(f"{served.base_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def network(served: Served) -> dict[str, Any]:
    from api.auth import issue_token
    from dispatch.access.principal import Role
    from tests.conftest import SECRET

    office = {"Authorization": f"Bearer {issue_token(SECRET, Role.DISPATCHER)}"}
    plant = _post(
        served,
        "/api/v1/plants",
        {"name": "烟台工厂 Yantai", "location": YANTAI, "policy": "vehicle-500km"},
        office,
    )
    outlet = _post(
        served,
        "/api/v1/outlets",
        {
            "name": "成都服务站 Chengdu",
            "plant_id": plant["id"],
            "location": site_at(900),
            "service_radius_km": 150,
        },
        office,
    )
    engineer = _post(
        served,
        "/api/v1/technicians",
        {"name": "Wang Lei", "plant_id": plant["id"], "skills": ["hydraulic"], "home": site_at(20)},
        office,
    )
    return {"plant": plant, "outlet": outlet, "engineer": engineer}


def _open_console(chromium: Any, served: Served, token: str, locale: str = "en-US") -> Any:
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{served.base_url}/console")
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    page.wait_for_selector("#live[data-status=live]", timeout=10000)
    return page


def _ticket(
    served: Served, headers: dict[str, str], plant_id: str, km: float, urgency: str
) -> dict[str, Any]:
    body = {
        "plant_id": plant_id,
        "site": site_at(km),
        "fault": {"description": "液压管爆裂 hydraulic hose burst", "type": "hydraulic"},
        "urgency": urgency,
        "channel": "phone",
        "reported_at": (datetime.now(UTC) - timedelta(hours=20)).isoformat(),
    }
    return _post(served, "/api/v1/tickets", body, headers)


def test_console_shows_a_ticket_created_through_the_api_within_2s(
    chromium: Any, served: Served, network: dict[str, Any], auth: Auth, artifacts: Path
) -> None:
    """R-DI-9, R-DI-2: the new call is listed and drawn without reload within 2 s; a call received
    20 h ago with a 24 h promise (4 h left of 24: under 25 %) is shown at risk."""
    office = auth("dispatcher")
    page = _open_console(chromium, served, office["Authorization"].removeprefix("Bearer "))
    _ticket(served, office, network["plant"]["id"], 900, "normal")  # the outlet's, 48 h
    ticket = _ticket(served, office, network["plant"]["id"], 150, "urgent")
    row = page.wait_for_selector(f"#ticket-list li[data-ticket-id='{ticket['id']}']", timeout=2000)
    assert row.get_attribute("data-risk") == "at_risk"
    assert page.locator(f"path.ticket-marker[data-ticket-id='{ticket['id']}']").count() == 1
    row.click()
    page.wait_for_selector(f"#detail[data-ticket-id='{ticket['id']}'] .explanation li")
    assert "WGS-84 ellipsoid" in page.inner_text("#detail .explanation")
    page.screenshot(path=str(artifacts / "console.png"))
    page.context.close()


def test_console_speaks_chinese_when_the_browser_asks(
    chromium: Any, served: Served, network: dict[str, Any], auth: Auth, artifacts: Path
) -> None:
    page = _open_console(chromium, served, auth("dispatcher")["Authorization"][7:], locale="zh-CN")
    assert page.inner_text("header h1") == "调度台"
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.screenshot(path=str(artifacts / "console-zh.png"))
    page.context.close()


def test_console_refuses_a_bad_token(chromium: Any, served: Served) -> None:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{served.base_url}/console")
    page.fill("#token", "not-a-token")
    page.click("#login-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#login-error').textContent.length > 0")
    assert "invalid token" in page.inner_text("#login-error")
    assert page.is_hidden("#app")
    context.close()


def test_an_engineers_reported_position_moves_the_marker(
    chromium: Any, served: Served, network: dict[str, Any], auth: Auth
) -> None:
    """R-DI-9: positions posted through the API move the engineer's marker without reload."""
    engineer = network["engineer"]
    page = _open_console(chromium, served, auth("dispatcher")["Authorization"][7:])
    field = auth("engineer", technician=engineer["id"])
    marker = f".engineer-marker[data-technician-id='{engineer['id']}']"
    for step, km in enumerate((30.0, 30.5)):  # 500 m in a minute: a plausible drive
        where = site_at(km)
        fix = {
            "technician_id": engineer["id"],
            **where,
            "heading": 240,
            "accuracy_m": 10,
            "fix_time": (datetime.now(UTC) - timedelta(seconds=120 - 60 * step)).isoformat(),
        }
        _post(served, "/api/v1/positions", {"positions": [fix]}, field)
        page.wait_for_function(  # function form: the CSP forbids evaluating strings ('unsafe-eval')
            "([sel, lon]) => { const m = document.querySelector(sel);"
            " return m && Math.abs(Number(m.dataset.lon) - lon) < 1e-9; }",
            arg=[marker, where["lon"]],
            timeout=2000,
        )
    page.context.close()


def test_the_plans_panel_says_when_no_job_worker_runs(
    chromium: Any, served: Served, network: dict[str, Any], auth: Auth
) -> None:
    """R-DI-9: this server has no job worker; the panel says so, and a plan asked for stays queued."""
    page = _open_console(chromium, served, auth("dispatcher")["Authorization"][7:])
    notice = page.wait_for_selector("#plans-no-worker", state="visible", timeout=5000)
    assert "aftersales worker" in notice.inner_text()
    page.click("#plan-routes")
    row = page.wait_for_selector("#plan-list li.plan[data-status=queued]", timeout=5000)
    assert "no job worker is running" in row.inner_text()
    assert row.query_selector("progress.plan-progress") is not None
    page.context.close()


def test_keep_a_screenshot_for_the_readme(artifacts: Path) -> None:
    """The run's console screenshot is a real picture (not a blank page); with
    ``AFTERSALES_UPDATE_SCREENSHOTS=1`` it also replaces the one in docs/screenshots."""
    shot = artifacts / "console.png"
    if not shot.exists():
        pytest.skip("the console screenshot was not made in this run")
    assert shot.stat().st_size > 10_000
    if os.environ.get("AFTERSALES_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOTS / "console.png")
