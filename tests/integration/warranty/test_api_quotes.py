"""Paid visits through the API (R-WA-7): a quote, the customer's yes (hotline or link), refusal,
the executive's override, expired and used links, and two confirms racing."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from storage.migrate import sync_url
from tests.conftest import Auth
from tests.integration.warranty.helpers import create_plant, new_asset, new_ticket


def paid_ticket(client: TestClient, auth: Auth) -> tuple[dict[str, str], dict[str, Any]]:  # type: ignore[type-arg]
    """wear_lines reported on the first uncovered day (2025-04-15): paid (R-WA-4, R-WA-7)."""
    headers = auth("dispatcher")
    plant = create_plant(client, headers)
    asset = new_asset(client, headers, plant["id"])
    ticket = new_ticket(
        client, headers, plant["id"], asset["id"], ["wear_lines"], "2025-04-15T09:00:00+08:00"
    )
    return headers, ticket


def issue(client: TestClient, headers: dict[str, str], ticket_id: str, **body: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(f"/api/v1/tickets/{ticket_id}/quote", json=body or None, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def blocked(client: TestClient, headers: dict[str, str], ticket_id: str) -> list[str]:  # type: ignore[type-arg]
    return list(client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["blocked_by"])


def events(client: TestClient, headers: dict[str, str], ticket_id: str) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    return list(client.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()["events"])


def test_r_wa_7_paid_ticket_cannot_be_dispatched_until_the_hotline_records_a_yes(
    client: TestClient, auth: Auth
) -> None:  # type: ignore[type-arg]
    headers, ticket = paid_ticket(client, auth)
    assert ticket["dispatchable"] is False
    assert "quote_unconfirmed" in ticket["blocked_by"]
    quote = issue(client, headers, ticket["id"])
    assert set(quote) >= {"id", "total", "currency", "lines", "expires_at", "token"}
    # vehicle price list: call-out 300 + travel (100 km − 30 free) × 3/km + hydraulic standard 3 h × 150/h
    assert quote["currency"] == "CNY"
    assert [line["kind"] for line in quote["lines"]] == ["call_out", "travel", "labour"]
    assert quote["total"] == pytest.approx(300 + 70 * 3 + 3 * 150, abs=0.5)
    assert "quote_unconfirmed" in blocked(client, headers, ticket["id"])
    confirmed = client.post(
        f"/api/v1/quotes/{quote['id']}/confirm",
        json={"channel": "phone", "note": "Mr Wang agreed"},
        headers=headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decided_by"] == "dispatcher:dev"
    assert confirmed.json()["decided_at"] is not None
    assert "quote_unconfirmed" not in blocked(client, headers, ticket["id"])
    trail = [e for e in events(client, headers, ticket["id"]) if e["kind"] == "quote_confirmed"]
    assert (
        len(trail) == 1 and trail[0]["actor"] == "dispatcher:dev" and trail[0]["data"]["channel"] == "phone"
    )
    used = client.post(f"/api/v1/quotes/confirm/{quote['token']}")
    assert used.status_code == 409
    assert used.json()["error"] == "quote_already_decided"


def test_r_wa_7_customer_confirms_through_the_link_without_login(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, ticket = paid_ticket(client, auth)
    quote = issue(
        client,
        headers,
        ticket["id"],
        labour_hours="1.5",
        parts=[{"sku": "WL-10", "quantity": 2, "unit_price": "45.50"}],
    )
    assert quote["lines"][-1]["amount"] == 91.0
    shown = client.get(f"/api/v1/quotes/confirm/{quote['token']}")
    assert shown.status_code == 200 and shown.json()["total"] == quote["total"]
    assert client.get(f"/api/v1/quotes/confirm/{'x' * 43}").status_code == 404
    confirmed = client.post(f"/api/v1/quotes/confirm/{quote['token']}")
    assert confirmed.status_code == 200, confirmed.text
    assert "quote_unconfirmed" not in blocked(client, headers, ticket["id"])
    assert client.post(f"/api/v1/quotes/confirm/{quote['token']}").status_code == 409
    trail = [e for e in events(client, headers, ticket["id"]) if e["kind"] == "quote_confirmed"]
    assert [(e["actor"], e["data"]["channel"]) for e in trail] == [("customer:link", "link")]


def test_r_wa_7_expired_link_is_410(client: TestClient, auth: Auth, database_url: str) -> None:  # type: ignore[type-arg]
    headers, ticket = paid_ticket(client, auth)
    quote = issue(client, headers, ticket["id"])
    with psycopg.connect(sync_url(database_url).replace("+psycopg", ""), autocommit=True) as db:
        db.execute("UPDATE quotes SET expires_at = now() - interval '1 second' WHERE id = %s", (quote["id"],))
    response = client.post(f"/api/v1/quotes/confirm/{quote['token']}")
    assert response.status_code == 410, response.text
    hotline = client.post(f"/api/v1/quotes/{quote['id']}/confirm", json={"channel": "phone"}, headers=headers)
    assert hotline.status_code == 410
    assert "quote_unconfirmed" in blocked(client, headers, ticket["id"])
    fresh = issue(client, headers, ticket["id"])  # a new quote is the way on
    assert client.post(f"/api/v1/quotes/confirm/{fresh['token']}").status_code == 200


def test_r_wa_7_refusal_only_an_executive_with_a_reason_releases(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, ticket = paid_ticket(client, auth)
    quote = issue(client, headers, ticket["id"])
    refused = client.post(f"/api/v1/quotes/{quote['id']}/refuse", json={"channel": "phone"}, headers=headers)
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert "quote_unconfirmed" in blocked(client, headers, ticket["id"])
    assert client.post(f"/api/v1/quotes/confirm/{quote['token']}").status_code == 409
    path = f"/api/v1/quotes/{quote['id']}/override"
    assert client.post(path, json={"reason": "key account"}, headers=headers).status_code == 403
    assert client.post(path, json={"reason": "key account"}, headers=auth("admin")).status_code == 403
    missing = client.post(path, json={}, headers=auth("executive"))
    assert (missing.status_code, missing.json()["field"]) == (400, "reason")
    blank = client.post(path, json={"reason": "  "}, headers=auth("executive"))
    assert (blank.status_code, blank.json()["field"]) == (400, "reason")
    released = client.post(
        path, json={"reason": "key account, fee waived by VP service"}, headers=auth("executive")
    )
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "overridden"
    assert released.json()["decided_by"] == "executive:dev"
    assert "quote_unconfirmed" not in blocked(client, headers, ticket["id"])
    kinds = [e["kind"] for e in events(client, headers, ticket["id"])]
    assert kinds[-3:] == ["quote_issued", "quote_refused", "quote_overridden"]


def test_bad_channel_and_free_ticket_quote(client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    headers, ticket = paid_ticket(client, auth)
    quote = issue(client, headers, ticket["id"])
    bad = client.post(f"/api/v1/quotes/{quote['id']}/confirm", json={"channel": "pigeon"}, headers=headers)
    assert (bad.status_code, bad.json()["field"]) == (400, "channel")
    plant = create_plant(client, headers)
    asset = new_asset(client, headers, plant["id"])
    free = new_ticket(client, headers, plant["id"], asset["id"], ["reducer"], "2025-04-15T09:00:00+08:00")
    assert client.post(f"/api/v1/tickets/{free['id']}/quote", headers=headers).status_code == 409
    negative = client.post(
        f"/api/v1/tickets/{ticket['id']}/quote", json={"labour_hours": "-1"}, headers=headers
    )
    assert (negative.status_code, negative.json()["field"]) == (400, "labour_hours")


def test_r_wa_7_two_concurrent_confirms_one_wins(settings: Settings, auth: Auth) -> None:
    """Two real requests on two app instances (two connections) race for the same quote."""
    headers = auth("dispatcher")
    with TestClient(create_app(settings), raise_server_exceptions=False) as first:
        _, ticket = paid_ticket(first, auth)
        quote = issue(first, headers, ticket["id"])
        with TestClient(create_app(settings), raise_server_exceptions=False) as second:
            barrier = threading.Barrier(2)
            codes: list[int] = []

            def confirm(client: TestClient, body: dict[str, str] | None, path: str) -> None:  # type: ignore[type-arg]
                barrier.wait()
                codes.append(client.post(path, json=body, headers=headers).status_code)

            threads = [
                threading.Thread(
                    target=confirm,
                    args=(first, {"channel": "phone"}, f"/api/v1/quotes/{quote['id']}/confirm"),
                ),
                threading.Thread(
                    target=confirm, args=(second, None, f"/api/v1/quotes/confirm/{quote['token']}")
                ),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        assert sorted(codes) == [200, 409]
        trail = [e for e in events(first, headers, ticket["id"]) if e["kind"] == "quote_confirmed"]
        assert len(trail) == 1
