"""Every API route × every role × own/foreign row answers what the access table says (docs/security.md).

Generated from the app's OpenAPI document: a route that is neither in ``ROUTES`` nor ``PUBLIC`` of
``dispatch/access/routes.py`` fails here. Expected answers come from ``TABLE`` in
``dispatch/access/policy.py``: no entry → 403; a reach of "any" or the caller's own row → anything
but 401/403; a scoped reach on another outlet's or engineer's row → 403 or 404.

One world per module: a plant, two outlets (A, B) with one engineer each, a ticket per outlet
about its own asset, a work order per engineer on its outlet's ticket, evidence and an exclusion
on each ticket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.auth import issue_token
from api.settings import Settings
from dispatch.access.policy import TABLE, Reach
from dispatch.access.principal import Role
from dispatch.access.routes import PUBLIC, ROUTES
from tests.conftest import SECRET
from tests.integration.helpers import call, create_outlet, create_plant, site_at

METHODS = ("get", "post", "put", "patch", "delete")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _served_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(home=Path("/nonexistent-access-matrix"), secret_key=SECRET))
    paths = app.openapi_schema.to_schema()["paths"]
    return sorted((m.upper(), p) for p, ops in paths.items() for m in ops if m in METHODS)


SERVED = _served_routes()


@dataclass
class Side:
    """One outlet's slice of the world."""

    outlet_id: str
    technician_id: str
    ticket_id: str
    asset_id: str
    work_order_id: str
    evidence_id: str
    exclusion_id: str


@dataclass
class World:
    client: TestClient  # type: ignore[type-arg]
    plant_id: str
    customer_id: str
    a: Side
    b: Side


def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def _side(
    client: TestClient, office: dict[str, str], qa: dict[str, str], plant_id: str, az: float, n: int
) -> Side:  # type: ignore[type-arg]
    site = site_at(900, az)
    outlet = create_outlet(client, office, plant_id, site, name=f"outlet {n}")
    asset = _ok(
        client.post(
            "/api/v1/assets",
            json={
                "serial": f"ACCESS-{n}",
                "model": "ZLJ5180GQX",
                "product_line": "vehicle",
                "plant_id": plant_id,
                "sold_on": "2025-01-10",
                "registration_date": "2025-01-15",
                "warranty_policy": "vehicle-components",
                "customer": {"name": f"Customer {n}", "phone": f"0532-00{n}"},
            },
            headers=office,
        )
    )
    body = call(plant_id, site, asset_id=asset["id"], reported_at=NOW.isoformat())
    ticket = _ok(client.post("/api/v1/tickets", json=body, headers=office))
    assert ticket["outlet_id"] == outlet["id"]
    technician = _ok(
        client.post(
            "/api/v1/technicians",
            json={"name": f"Engineer {n}", "outlet_id": outlet["id"], "skills": ["hydraulic"], "home": site},
            headers=office,
        )
    )
    order = _ok(
        client.post(
            "/api/v1/work-orders",
            json={"ticket_id": ticket["id"], "technician_id": technician["id"]},
            headers=office,
        )
    )
    evidence = _ok(
        client.post(
            f"/api/v1/tickets/{ticket['id']}/evidence",
            json={
                "kind": "before",
                "filename": "IMG_0001.jpg",
                "content_type": "image/jpeg",
                "size": 1000,
                "sha256": "0" * 64,
                "source": "camera",
            },
            headers=office,
        )
    )
    exclusion = _ok(
        client.post(
            f"/api/v1/tickets/{ticket['id']}/exclusions",
            json={"rule": "misuse", "reason": "overloaded"},
            headers=qa,
        )
    )
    return Side(
        outlet["id"],
        technician["id"],
        ticket["id"],
        asset["id"],
        order["id"],
        evidence["evidence_id"],
        exclusion["id"],
    )


@pytest.fixture(scope="module")
def world(module_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = Settings(
        home=tmp_path_factory.mktemp("access"),
        database_url=module_database,
        secret_key=SECRET,
        db_pool_size=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        office = {"Authorization": f"Bearer {issue_token(SECRET, Role.ADMIN)}"}
        qa = {"Authorization": f"Bearer {issue_token(SECRET, Role.QA)}"}
        plant = create_plant(client, office)
        a = _side(client, office, qa, plant["id"], 250, 1)
        b = _side(client, office, qa, plant["id"], 200, 2)
        customers = _ok(client.get("/api/v1/customers", headers=office), 200)
        yield World(client, plant["id"], customers["items"][0]["id"], a, b)


HARMLESS_EVENT = {Role.QA: "qa_inspected", Role.ENGINEER: "depart"}
"""An event the role may send that the job's state refuses (409): no transition happens."""


def _ids(world: World, side: Side, role: Role) -> dict[str, str]:
    random = str(uuid.uuid4())
    return {
        "harmless_event": HARMLESS_EVENT.get(role, "resume"),
        "plant_id": world.plant_id,
        "customer_id": world.customer_id,
        "outlet_id": side.outlet_id,
        "technician_id": side.technician_id,
        "ticket_id": side.ticket_id,
        "asset_id": side.asset_id,
        "work_order_id": side.work_order_id,
        "evidence_id": side.evidence_id,
        "exclusion_id": side.exclusion_id,
        "quote_id": random,
        "recall_id": random,
        "plan_id": random,
        "link_id": random,
        "webhook_id": random,
        "year": "2027",
    }


Body = Callable[[dict[str, str]], Any]
LATER = (NOW + timedelta(days=3)).isoformat()
BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/plants"): lambda i: {"name": "x", "location": site_at(1), "policy": "no-such-policy"},
    ("POST", "/api/v1/outlets"): lambda i: {
        "name": "x",
        "plant_id": str(uuid.uuid4()),
        "location": site_at(1),
    },
    ("PATCH", "/api/v1/outlets/{outlet_id}"): lambda i: {"active": True},
    ("POST", "/api/v1/webhooks"): lambda i: {"url": "ftp://not-http", "events": ["ticket.created"]},
    ("POST", "/api/v1/tickets/{ticket_id}/resolve-remotely"): lambda i: {
        "method": "no-such-method",
        "advice": "x",
        "customer_confirmed": False,
    },
    ("POST", "/api/v1/tickets/{ticket_id}/cancel"): lambda i: {"reason": ""},
    ("POST", "/api/v1/tickets/{ticket_id}/close"): lambda i: {},  # the ticket is not resolved: 409
    ("POST", "/api/v1/technicians"): lambda i: {
        "name": "x",
        "plant_id": str(uuid.uuid4()),
        "home": site_at(1),
    },
    ("POST", "/api/v1/technicians/{technician_id}/unavailable"): lambda i: {
        "from": LATER,
        "to": LATER,
        "reason": "x",
    },
    ("POST", "/api/v1/assets"): lambda i: {
        "serial": "ACCESS-1",
        "model": "m",
        "product_line": "vehicle",
        "plant_id": i["plant_id"],
        "sold_on": "2025-01-10",
        "warranty_policy": "vehicle-components",
    },
    ("POST", "/api/v1/assets/{asset_id}/downtime"): lambda i: {
        "from": NOW.isoformat(),
        "to": (NOW + timedelta(hours=5)).isoformat(),
        "reason": "hose burst",
        "ticket_id": i["ticket_id"],
    },
    ("PUT", "/api/v1/plants/{plant_id}/working-hours"): lambda i: {
        "zone": "Asia/Shanghai",
        "periods": [["08:30", "12:00"], ["13:30", "17:30"]],  # the default: nothing changes
    },
    ("POST", "/api/v1/calendar/notices"): lambda i: {  # refused (400) when allowed: nothing kept
        "years": {"27": {"source": "x", "holidays": [], "workdays": []}}
    },
    ("POST", "/api/v1/dispatch/preview"): lambda i: {"plant_id": i["plant_id"], "site": site_at(10)},
    ("POST", "/api/v1/tickets"): lambda i: call(i["plant_id"], site_at(10)),
    ("POST", "/api/v1/tickets/{ticket_id}/deadline"): lambda i: {"arrival_deadline": LATER, "reason": "x"},
    ("POST", "/api/v1/tickets/{ticket_id}/entitlement"): lambda i: None,
    ("POST", "/api/v1/tickets/{ticket_id}/exclusions"): lambda i: {"rule": "no-such-rule", "reason": "x"},
    ("POST", "/api/v1/tickets/{ticket_id}/exclusions/{exclusion_id}/withdraw"): lambda i: {"reason": "x"},
    ("POST", "/api/v1/tickets/{ticket_id}/supplier-claims"): lambda i: {
        "component": "no-such-class",
        "supplier": "s",
        "description": "d",
    },
    ("POST", "/api/v1/tickets/{ticket_id}/costs"): lambda i: {
        "component": "no-such-class",
        "kind": "parts",
        "amount": "1.00",
    },
    ("POST", "/api/v1/tickets/{ticket_id}/quote"): lambda i: {},
    ("POST", "/api/v1/quotes/{quote_id}/confirm"): lambda i: {"channel": "phone"},
    ("POST", "/api/v1/quotes/{quote_id}/refuse"): lambda i: {"channel": "phone"},
    ("POST", "/api/v1/quotes/{quote_id}/override"): lambda i: {"reason": "x"},
    ("POST", "/api/v1/recalls"): lambda i: {"defect": "d", "component": "no-such-class"},
    ("POST", "/api/v1/tickets/{ticket_id}/evidence"): lambda i: {
        "kind": "before",
        "filename": "a.jpg",
        "content_type": "application/x-nothing",
        "size": 10,
        "sha256": "0" * 64,
        "source": "camera",
    },
    ("POST", "/api/v1/tickets/{ticket_id}/evidence/sign-off"): lambda i: None,
    ("POST", "/api/v1/evidence/{evidence_id}/complete"): lambda i: None,
    ("POST", "/api/v1/evidence/{evidence_id}/accept"): lambda i: {"reason": "x"},
    ("POST", "/api/v1/tickets/{ticket_id}/tracking-links"): lambda i: {"hours_after_completion": 99999},
    ("POST", "/api/v1/work-orders"): lambda i: {
        "ticket_id": str(uuid.uuid4()),
        "technician_id": i["technician_id"],
    },
    ("POST", "/api/v1/work-orders/{work_order_id}/events"): lambda i: {
        "type": i["harmless_event"],
        "id": str(uuid.uuid4()),
    },
    ("POST", "/api/v1/work-orders/{work_order_id}/approve-return"): lambda i: {"note": "x"},
    ("POST", "/api/v1/sync"): lambda i: {
        "events": [
            {"id": str(uuid.uuid4()), "work_order_id": i["work_order_id"], "type": i["harmless_event"]}
        ]
    },
    ("POST", "/api/v1/plans"): lambda i: {"scope": {"plant_id": str(uuid.uuid4())}},
    ("POST", "/api/v1/plans/{plan_id}/commit"): lambda i: None,
    ("POST", "/api/v1/plans/{plan_id}/insert"): lambda i: {"ticket_id": i["ticket_id"]},
    ("POST", "/api/v1/devices"): lambda i: {
        "technician_id": i["technician_id"],
        "protocol": "no-such-protocol",
    },
    ("POST", "/api/v1/positions"): lambda i: {
        "positions": [
            {"technician_id": i["technician_id"], "lon": 121.4, "lat": 37.5, "fix_time": NOW.isoformat()}
        ]
    },
}
"""Well-formed bodies (so a denial is not hidden behind a 400), chosen to change nothing when allowed."""

QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/v1/plants/{plant_id}/calendar/add"): {"start": NOW.isoformat(), "working_hours": "4"},
    ("GET", "/api/v1/plants/{plant_id}/calendar/elapsed"): {"start": NOW.isoformat(), "end": LATER},
    ("DELETE", "/api/v1/evidence/{evidence_id}"): {"reason": "x"},
    ("GET", "/api/v1/events"): {"topics": "no-such-topic"},  # allowed: 400 instead of an endless stream
}


@dataclass(frozen=True)
class Caller:
    role: Role
    own: bool  # False: the request names the other outlet's / engineer's rows


CALLERS = [
    *(Caller(role, True) for role in (Role.ADMIN, Role.DISPATCHER, Role.QA, Role.EXECUTIVE)),
    *(Caller(role, own) for role in (Role.OUTLET, Role.ENGINEER) for own in (True, False)),
]


def _headers(world: World, caller: Caller) -> dict[str, str]:
    token = issue_token(
        SECRET,
        caller.role,
        outlet_id=uuid.UUID(world.a.outlet_id) if caller.role is Role.OUTLET else None,
        technician_id=uuid.UUID(world.a.technician_id) if caller.role is Role.ENGINEER else None,
    )
    return {"Authorization": f"Bearer {token}"}


def _expected(route: tuple[str, str], caller: Caller) -> str:
    reach = TABLE[ROUTES[route]].get(caller.role)
    if reach is None:
        return "denied"
    if reach is Reach.ANY or caller.own or not _names_a_row(route):
        return "allowed"  # an unkeyed list is filtered, not refused: see test_lists_are_filtered…
    return "hidden"


def _names_a_row(route: tuple[str, str]) -> bool:
    """Whether the request names an id (in the path, or a technician / work order in the body)."""
    return "{" in route[1] or route in BODY_KEYED


BODY_KEYED = {("POST", "/api/v1/devices"), ("POST", "/api/v1/positions"), ("POST", "/api/v1/sync")}


def _send(world: World, route: tuple[str, str], caller: Caller) -> int:
    method, template = route
    ids = _ids(world, world.a if caller.own else world.b, caller.role)
    path = template.format(**{k: v for k, v in ids.items() if "{" + k + "}" in template})
    body = BODIES.get(route, lambda i: None)(ids)
    kwargs: dict[str, Any] = {"headers": _headers(world, caller), "params": QUERIES.get(route)}
    if body is not None:
        kwargs["json"] = body
    return world.client.request(method, path, **kwargs).status_code


def test_every_route_has_an_access_decision() -> None:
    missing = [r for r in SERVED if r not in ROUTES and r not in PUBLIC]
    assert not missing, (
        f"no access decision for {missing}: add each route to ROUTES (or PUBLIC) in "
        "dispatch/access/routes.py, with its (resource, action) row in TABLE of dispatch/access/policy.py"
    )


def test_public_routes_need_no_bearer_token(world: World) -> None:
    """A public route never answers 401 for a missing token (its credential is in the URL)."""
    for method, template in PUBLIC:
        path = template.format(token="x" * 40, secret="x" * 40)
        if method == "GET" and template == "/api/v1/track/{token}/events":
            continue  # unknown link: answered before streaming, covered by the tracking tests
        response = world.client.request(method, path)
        challenge = response.headers.get("www-authenticate", "").lower()
        assert not (response.status_code == 401 and "bearer" in challenge), (
            f"{method} {template} asked for a bearer token"
        )


@pytest.mark.parametrize("route", [r for r in SERVED if r in ROUTES], ids=lambda r: f"{r[0]} {r[1]}")
def test_route_answers_as_the_table_says(world: World, route: tuple[str, str]) -> None:
    wrong: list[str] = []
    for caller in CALLERS:
        expected = _expected(route, caller)
        status = _send(world, route, caller)
        ok = {
            "allowed": status not in (401, 403),
            "denied": status == 403,
            "hidden": status in (403, 404),
        }[expected]
        if not ok:
            relation = "own" if caller.own else "foreign"
            wrong.append(f"{caller.role.value}/{relation}: expected {expected}, got {status}")
    assert not wrong, (
        f"{route[0]} {route[1]} ({ROUTES[route][0].value} {ROUTES[route][1].value}): " + "; ".join(wrong)
    )


def test_lists_are_filtered_by_the_same_rule(world: World) -> None:
    """R-DI-1 outlets and own-job engineers: a list shows only the rows a single read would."""
    client = world.client
    outlet = _headers(world, Caller(Role.OUTLET, True))
    engineer = _headers(world, Caller(Role.ENGINEER, True))
    for headers in (outlet, engineer):
        tickets = _ok(client.get("/api/v1/tickets", headers=headers), 200)["items"]
        assert {t["id"] for t in tickets} == {world.a.ticket_id}
        assets = _ok(client.get("/api/v1/assets", headers=headers), 200)["items"]
        assert {a["id"] for a in assets} == {world.a.asset_id}
        technicians = _ok(client.get("/api/v1/technicians", headers=headers), 200)["items"]
        assert {t["id"] for t in technicians} == {world.a.technician_id}
    outlets = _ok(client.get("/api/v1/outlets", headers=outlet), 200)["items"]
    assert {o["id"] for o in outlets} == {world.a.outlet_id}
