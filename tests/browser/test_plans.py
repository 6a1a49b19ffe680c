"""Route plans in the dispatcher console, in a real browser against ``aftersales serve`` with a
job worker beside it: plan a plant's routes, watch the progress bar move while the worker solves
(live topic ``plans``), read the summary with the unassigned ticket and its reason, see one route
per engineer on the map, hide and show them, commit.

R-DI-9 (keep people informed): the dispatcher follows the solve as it runs. R-DI-1: the plant's
own engineers take the sites within 500 km. R-DI-6: a ticket nobody has the skills for stays
unassigned with that reason.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Auth
from tests.integration.console.server import Served, serve
from tests.integration.helpers import YANTAI, call, site_at

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIME_LIMIT_S = "10"
"""The shortest choice of the panel: long enough for several progress reports."""
ENGINEERS = {"Wang Lei": ["hydraulic", "mechanical"], "Li Na <b>2</b>": ["hydraulic", "electrical"]}
"""The second name is markup on purpose: the panel shows it as text."""
SITES = [(40, 200, "hydraulic"), (70, 215, "electrical"), (95, 230, "hydraulic"), (55, 260, "mechanical")]
SITES += [(120, 245, "hydraulic"), (85, 180, "tyre")]
"""(km from the plant, azimuth, fault type): nobody has tyre skills (R-DI-6)."""


@pytest.fixture(scope="module")
def served_with_worker(module_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(module_database, tmp_path_factory.mktemp("served"), job_workers=1) as instance:
        yield instance


def _post(served: Served, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(f"{served.base_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def _get(served: Served, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.get(f"{served.base_url}{path}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _world(served: Served, office: dict[str, str]) -> dict[str, Any]:
    plant = _post(
        served,
        "/api/v1/plants",
        {"name": "烟台工厂 Yantai", "location": YANTAI, "policy": "vehicle-500km"},
        office,
    )
    for name, skills in ENGINEERS.items():
        body = {"name": name, "plant_id": plant["id"], "skills": skills, "home": site_at(5, azimuth=90)}
        _post(served, "/api/v1/technicians", body, office)
    tickets = []
    for km, azimuth, fault in SITES:
        body = call(plant["id"], site_at(km, azimuth=azimuth))
        body["fault"] = {"description": f"{fault} fault", "type": fault}
        tickets.append(_post(served, "/api/v1/tickets", body, office))
    return {"plant": plant, "tickets": tickets}


def _wait_for_job_worker(served: Served, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while httpx.get(f"{served.base_url}/health", timeout=5).json()["jobs"]["workers"] < 1:
        assert time.monotonic() < deadline, f"no job worker came up\n{served.log_tail()}"
        time.sleep(0.2)


def _open_console(chromium: Any, served: Served, token: str) -> Any:
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{served.base_url}/console")
    page.fill("#token", token)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    page.wait_for_selector("#live[data-status=live]", timeout=10000)
    return page


def _watch_progress(page: Any, row: str, timeout_s: float = 60) -> list[tuple[str, float]]:
    """(status, progress bar value) as the row shows them, every 100 ms until the plan has ended."""
    seen: list[tuple[str, float]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = page.get_attribute(row, "data-status")
        value = float(page.locator(f"{row} progress.plan-progress").evaluate("bar => bar.value"))
        if not seen or seen[-1] != (status, value):
            seen.append((status, value))
        if status in ("done", "failed"):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the plan did not end in {timeout_s} s: {seen}")


def test_plan_routes_with_a_live_progress_bar_then_commit(
    chromium: Any, served_with_worker: Served, auth: Auth, artifacts: Path
) -> None:
    """R-DI-9: the bar moves with the solve; the result is summarised, drawn and committed."""
    served = served_with_worker
    office = auth("dispatcher")
    world = _world(served, office)
    _wait_for_job_worker(served)
    page = _open_console(chromium, served, office["Authorization"].removeprefix("Bearer "))
    assert page.is_hidden("#plans-no-worker"), "a job worker runs: no notice"

    page.select_option("#filter-plant", world["plant"]["id"])
    page.select_option("#plan-time-limit", TIME_LIMIT_S)
    page.click("#plan-routes")
    plan_id = page.wait_for_selector("#plan-list li.plan", timeout=5000).get_attribute("data-plan-id")
    row = f"#plan-list li.plan[data-plan-id='{plan_id}']"

    seen = _watch_progress(page, row)
    running = [value for status, value in seen if status == "running"]
    assert seen[-1] == ("done", 1.0), seen
    assert running and running[0] > 0, f"the bar showed the solve running: {seen}"
    assert len(set(running)) >= 2 and max(running) > running[0], f"the bar moved while solving: {seen}"

    plan = _get(served, f"/api/v1/plans/{plan_id}", office)
    routes = [route for route in plan["routes"] if route["stops"]]
    assert plan["totals"]["stops"] + len(plan["unassigned"]) == len(SITES)
    assert [u["reason"] for u in plan["unassigned"]] == ["no_skill"]
    summary = page.wait_for_selector(f"{row} .plan-summary", timeout=5000)
    assert f"{plan['totals']['stops']} stops" in summary.inner_text()
    assert "no engineer with the skills" in page.inner_text(f"{row} .plan-unassigned")
    legend = page.inner_text(f"{row} .plan-legend")
    assert all(route["name"] in legend for route in routes), (legend, routes)
    assert page.locator(f"{row} .plan-legend b").count() == 0, "names are text, never markup"

    lines = ".leaflet-overlay-pane path.plan-route"
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[lines, len(routes)], timeout=5000
    )
    assert page.locator(".leaflet-marker-pane .plan-stop").count() == plan["totals"]["stops"]
    page.screenshot(path=str(artifacts / "console-plans.png"))

    page.uncheck("#plan-routes-visible")
    assert page.locator(lines).count() == 0
    page.check("#plan-routes-visible")
    assert page.locator(lines).count() == len(routes)

    page.click(f"{row} .plan-commit")
    page.wait_for_selector(f"{row}[data-status=committed]", timeout=10000)
    assert "work orders are assigned" in page.inner_text(f"{row} .plan-message")
    committed = _get(served, f"/api/v1/plans/{plan_id}", office)
    assert committed["status"] == "committed"
    assert all(stop["work_order_id"] for route in committed["routes"] for stop in route["stops"])
    page.context.close()


def test_keep_the_plans_screenshot_for_the_docs(artifacts: Path) -> None:
    """The plans screenshot is a real picture; ``AFTERSALES_UPDATE_SCREENSHOTS=1`` also puts it in
    docs/screenshots (docs/console.md shows it)."""
    shot = artifacts / "console-plans.png"
    if not shot.exists():
        pytest.skip("the plans screenshot was not made in this run")
    assert shot.stat().st_size > 10_000
    if os.environ.get("AFTERSALES_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOTS / "plans.png")
