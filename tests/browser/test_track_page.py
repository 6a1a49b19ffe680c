"""The customer's tracking page in a real browser (headless Debian Chromium) against ``aftersales serve``.

R-TR-2: the engineer's marker and the ETA appear only while en route; R-TR-3: the ETA falls as the
engineer approaches; R-TR-4: an expired link shows nothing (plain 404 page).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import SECRET
from tests.integration.console.server import Served
from tests.integration.customer_tracking.served import live_job
from tests.integration.field_work.helpers import HYDRAULIC_CHECKLIST

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _open(chromium: Any, url: str, locale: str) -> Any:
    context = chromium.new_context(locale=locale, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(url)
    return page


def test_tracking_page_shows_marker_and_eta_only_while_en_route(
    chromium: Any, served: Served, artifacts: Path
) -> None:
    job = live_job(served.base_url)
    made = job.link()
    brief = job.link(hours_after_completion=0)
    page = _open(chromium, made["url"], "zh-CN")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    assert page.get_attribute("body", "data-state") == "scheduled"
    assert page.is_hidden("#map") and page.locator(".engineer-marker").count() == 0
    assert "王" not in page.inner_text("#engineer") and "Wang" in page.inner_text("#engineer")
    page.screenshot(path=str(artifacts / "track-scheduled.png"))

    start = datetime.now(UTC) - timedelta(minutes=10)
    job.send("accept", at=start)
    job.send("depart", at=start + timedelta(minutes=1))
    job.drive(20_000, start + timedelta(minutes=5))
    page.wait_for_selector(".engineer-marker", timeout=10000)
    assert page.get_attribute("body", "data-state") == "en_route"
    first_eta = page.get_attribute("#eta", "data-eta")
    assert first_eta and page.inner_text("#eta") != "—"
    assert page.is_hidden("#report")  # no report before completion
    first_lon = page.get_attribute("#map", "data-lon")

    job.drive(18_500, start + timedelta(minutes=6))  # the marker moves, the ETA falls
    # function form with an argument: the page's CSP forbids evaluating strings (no 'unsafe-eval')
    page.wait_for_function(
        "(lon) => document.getElementById('map').dataset.lon !== lon", arg=first_lon, timeout=10000
    )
    page.wait_for_function(
        "(eta) => document.getElementById('eta').dataset.eta < eta", arg=first_eta, timeout=10000
    )
    page.screenshot(path=str(artifacts / "track-en-route.png"))
    if os.environ.get("AFTERSALES_UPDATE_SCREENSHOTS") == "1":  # refresh the README's picture
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(artifacts / "track-en-route.png", DOCS_SCREENSHOTS / "track.png")

    job.send("arrive")
    page.wait_for_selector("body[data-state=arrived]", timeout=10000)
    assert page.locator(".engineer-marker").count() == 0 and page.is_hidden("#map")
    assert page.inner_text("#eta") == "—"

    _finish(job)
    gone = _open(chromium, brief["url"], "en-US")
    assert gone.locator("#eta").count() == 0 and gone.locator("#map").count() == 0
    assert httpx.get(brief["url"]).status_code == 404
    gone.screenshot(path=str(artifacts / "track-expired.png"))
    page.wait_for_selector("body[data-state=completed]", timeout=10000)
    assert page.is_visible("#report")


def _finish(job: Any) -> None:
    from api.auth import issue_token
    from dispatch.access.principal import Role

    job.send("checklist_done", items=HYDRAULIC_CHECKLIST)
    for step in ("start_work", "test_run_done", "product_check_done"):
        job.send(step)
    job.send("customer_signed", signature_ref="sig/abc.png", rating=5)
    qa = {"Authorization": f"Bearer {issue_token(SECRET, Role.QA)}"}
    job.post(f"/api/v1/work-orders/{job.work_order_id}/approve-return", None, qa)
    job.send("complete")
