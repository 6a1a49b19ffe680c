"""The access table fails closed, scopes come from claims, and every route has its row (docs/security.md)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from litestar.exceptions import NotAuthorizedException
from sqlalchemy.dialects import postgresql

from api.app import create_app
from api.auth import issue_token, read_token
from api.settings import Settings
from dispatch.access.document import DOC, refreshed
from dispatch.access.policy import (
    TABLE,
    Action,
    Reach,
    Resource,
    reach,
    reaches_job,
    require,
    require_self,
    scope,
)
from dispatch.access.principal import Principal, Role, tracking_principal
from dispatch.access.routes import PUBLIC, ROUTES
from dispatch.errors import NotPermitted
from storage.scope import ALL, RowScope, ticket_condition

SECRET = "unit-secret-not-for-production-0123456789"
OUTLET = uuid.uuid4()
TECH = uuid.uuid4()
TICKET = uuid.uuid4()


def who(role: Role, **claims: uuid.UUID) -> Principal:
    return Principal("t", role, **claims)


def test_a_role_missing_from_a_row_is_denied() -> None:
    with pytest.raises(NotPermitted, match=r"executive.*create plant"):
        require(who(Role.EXECUTIVE), Resource.PLANT, Action.CREATE)
    with pytest.raises(NotPermitted):
        scope(who(Role.OUTLET, outlet_id=OUTLET), Resource.COST, Action.READ)
    with pytest.raises(NotPermitted):  # a tracking link reaches no bearer-token route
        scope(tracking_principal(uuid.uuid4(), TICKET), Resource.TICKET, Action.READ)


def test_an_unknown_resource_action_pair_is_denied_for_every_role() -> None:
    assert (Resource.PLANT, Action.DELETE) not in TABLE
    for role in Role:
        with pytest.raises(NotPermitted):
            reach(who(role, outlet_id=OUTLET, technician_id=TECH), Resource.PLANT, Action.DELETE)


def test_scopes_come_from_the_claims() -> None:
    assert scope(who(Role.DISPATCHER), Resource.TICKET, Action.LIST) is ALL
    assert scope(who(Role.OUTLET, outlet_id=OUTLET), Resource.TICKET, Action.LIST) == RowScope(
        outlet_id=OUTLET
    )
    engineer = scope(who(Role.ENGINEER, technician_id=TECH), Resource.EVIDENCE, Action.CREATE)
    assert engineer.technician_id == TECH and not engineer.everything and "reported" in engineer.closed_states
    link = scope(tracking_principal(uuid.uuid4(), TICKET), Resource.REPORT, Action.READ)
    assert link == RowScope(ticket_id=TICKET)


def test_a_missing_claim_is_never_read_as_no_limit() -> None:
    with pytest.raises(NotPermitted, match="outlet claim"):
        scope(who(Role.OUTLET), Resource.TICKET, Action.LIST)
    with pytest.raises(NotPermitted, match="technician claim"):
        scope(who(Role.ENGINEER), Resource.EVIDENCE, Action.LIST)
    assert "false" in str(ticket_condition(RowScope()).compile(dialect=postgresql.dialect())).lower()


def test_the_door_refuses_tokens_without_their_scope() -> None:
    for role, claim in ((Role.OUTLET, "outlet"), (Role.ENGINEER, "technician")):
        with pytest.raises(ValueError, match=f"needs a '{claim}' claim"):
            issue_token(SECRET, role)
    import jwt

    forged = jwt.encode({"sub": "x", "role": "outlet", "exp": 4102444800}, SECRET, algorithm="HS256")
    with pytest.raises(NotAuthorizedException, match="needs a 'outlet' claim"):
        read_token(SECRET, forged)
    customer = jwt.encode({"sub": "x", "role": "customer", "exp": 4102444800}, SECRET, algorithm="HS256")
    with pytest.raises(NotAuthorizedException, match="not issued as a bearer token"):
        read_token(SECRET, customer)
    assert read_token(SECRET, issue_token(SECRET, Role.OUTLET, outlet_id=OUTLET)).outlet_id == OUTLET


def test_own_job_is_the_current_or_a_former_assignee() -> None:
    me = who(Role.ENGINEER, technician_id=TECH)
    assert reaches_job(me, Resource.WORK_ORDER, Action.READ, TECH)
    assert reaches_job(me, Resource.WORK_ORDER, Action.READ, uuid.uuid4(), [TECH])
    assert not reaches_job(me, Resource.WORK_ORDER, Action.READ, uuid.uuid4())
    assert reaches_job(who(Role.QA), Resource.WORK_ORDER, Action.READ, uuid.uuid4())


def test_self_reaches_only_the_tokens_technician() -> None:
    me = who(Role.ENGINEER, technician_id=TECH)
    require_self(me, Resource.POSITION, Action.READ, TECH)
    with pytest.raises(NotPermitted):
        require_self(me, Resource.POSITION, Action.READ, uuid.uuid4())
    with pytest.raises(NotPermitted):
        require_self(who(Role.OUTLET, outlet_id=OUTLET), Resource.POSITION, Action.READ, TECH)


def test_engineer_scope_is_a_subquery_on_work_orders() -> None:
    sql = str(
        ticket_condition(scope(who(Role.ENGINEER, technician_id=TECH), Resource.TICKET, Action.LIST)).compile(
            dialect=postgresql.dialect()
        )
    )
    assert "work_orders.technician_id" in sql and "former_technician_ids" in sql


def test_every_route_names_a_table_row() -> None:
    for route, key in ROUTES.items():
        assert key in TABLE, f"{route} is decided by {key}, which has no row in dispatch/access/policy.py"
    assert not set(ROUTES) & set(PUBLIC)


def test_every_openapi_route_is_in_the_route_map(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path, secret_key=SECRET))
    paths = app.openapi_schema.to_schema()["paths"]
    served = {
        (m.upper(), p)
        for p, ops in paths.items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    }
    missing = sorted(served - set(ROUTES) - set(PUBLIC))
    assert not missing, (
        f"routes without an access decision: {missing}. Add each to ROUTES (or PUBLIC) in "
        "dispatch/access/routes.py and its (resource, action) row to TABLE in dispatch/access/policy.py"
    )
    assert not (set(ROUTES) | set(PUBLIC)) - served, (
        "dispatch/access/routes.py names routes the app no longer has"
    )


def test_security_doc_carries_the_current_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == refreshed(text), (
        "docs/security.md's access table is out of date: run "
        "`PYTHONPATH=. .venv/bin/python -m dispatch.access.document --write`"
    )


def test_reach_values_are_the_documented_ones() -> None:
    used = {r for row in TABLE.values() for r in row.values()}
    assert used == set(Reach)
