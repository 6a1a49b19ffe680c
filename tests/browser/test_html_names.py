"""Names are text, never HTML (docs/security.md#browser): an outlet, a plant, a technician and a
customer's words containing markup are shown literally in the console (Leaflet tooltips, lists,
the ticket detail) and on the customer's tracking page, nothing in them runs, and the pages work
under the Content-Security-Policy without a single violation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import Auth
from tests.integration.console.server import Served
from tests.integration.customer_tracking.served import live_job
from tests.integration.helpers import YANTAI, site_at

XSS = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
OUTLET = f"Outlet {XSS}"
ENGINEER = f"Zhang {XSS}"
CUSTOMER = f"Customer {XSS}"
FAULT = f"hose burst {XSS}"


def _post(served: Served, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(f"{served.base_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _watch(page: Any) -> list[str]:
    """Console messages about the CSP (Chromium reports every violation there)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _nothing_ran(page: Any) -> None:
    assert page.evaluate("window.__xss === undefined")
    assert page.locator('img[src="x"]').count() == 0


def _tooltip_after_hover(page: Any, selector: str) -> str:
    """The tooltip Leaflet opens on ``mouseover`` (dispatched: markers may overlap each other)."""
    page.dispatch_event(selector, "mouseover")
    tooltip = page.wait_for_selector(".leaflet-tooltip", timeout=5000)
    text = str(tooltip.inner_text())
    assert tooltip.query_selector("img") is None
    page.dispatch_event(selector, "mouseout")
    page.wait_for_selector(".leaflet-tooltip", state="detached", timeout=5000)
    return text


def test_console_shows_html_names_as_text(chromium: Any, served: Served, auth: Auth) -> None:
    office = auth("dispatcher")
    plant = _post(
        served, "/api/v1/plants", {"name": "Plant", "location": YANTAI, "policy": "vehicle-500km"}, office
    )
    _post(
        served,
        "/api/v1/outlets",
        {"name": OUTLET, "plant_id": plant["id"], "location": site_at(900), "service_radius_km": 150},
        office,
    )
    engineer = _post(
        served,
        "/api/v1/technicians",
        {"name": ENGINEER, "plant_id": plant["id"], "skills": ["hydraulic"], "home": site_at(20)},
        office,
    )
    ticket = _post(
        served,
        "/api/v1/tickets",
        {
            "plant_id": plant["id"],
            "site": site_at(150),
            "customer": {"name": CUSTOMER},
            "fault": {"description": FAULT, "type": "hydraulic"},
            "urgency": "urgent",
            "channel": "phone",
            "reported_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        },
        office,
    )
    fix = {
        "technician_id": engineer["id"],
        **site_at(30),
        "accuracy_m": 10,
        "fix_time": datetime.now(UTC).isoformat(),
    }
    _post(served, "/api/v1/positions", {"positions": [fix]}, auth("engineer", technician=engineer["id"]))

    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    violations = _watch(page)
    page.goto(f"{served.base_url}/console")
    page.fill("#token", office["Authorization"].removeprefix("Bearer "))
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    assert OUTLET in page.inner_text("#filter-outlet")

    assert OUTLET in _tooltip_after_hover(page, "path.outlet-marker")
    marker = f".engineer-marker[data-technician-id='{engineer['id']}']"
    page.wait_for_selector(marker, timeout=10000)
    assert ENGINEER in _tooltip_after_hover(page, marker)

    page.click(f"#ticket-list li[data-ticket-id='{ticket['id']}']")
    page.wait_for_selector("#detail .fault", timeout=10000)
    assert page.inner_text("#detail .fault") == FAULT
    assert ENGINEER in page.inner_text("#assign-form select")
    _nothing_ran(page)
    assert violations == []
    context.close()


def test_tracking_page_shows_html_names_as_text(chromium: Any, served: Served) -> None:
    job = live_job(served.base_url, engineer_name=f"{XSS} Li")
    made = job.link()
    context = chromium.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    violations = _watch(page)
    page.goto(made["url"])
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    assert page.inner_text("#engineer").startswith("<img")  # the first word, literally
    _nothing_ran(page)
    assert violations == []
    response = httpx.get(made["url"])
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    context.close()
