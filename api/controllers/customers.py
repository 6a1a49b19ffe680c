"""Customers: the customer file the hotline matches a call against (R-IN-2)."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.network import CustomerOut
from dispatch.access import OFFICE, Principal, Role
from storage.repositories.customers import CustomerRepository

CUSTOMER_READERS = (*OFFICE, Role.QA, Role.EXECUTIVE)


class CustomerController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]

    @get("/", summary="List customers (q: name or phone contains)")
    async def list_customers(
        self,
        caller: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[CustomerOut]:
        caller.require(*CUSTOMER_READERS)
        found = await CustomerRepository(db_session).page(page, page_size, q=q)
        return Page([CustomerOut.of(c) for c in found.items], found.total, page, page_size)

    @get("/{customer_id:uuid}", summary="One customer")
    async def detail(
        self,
        customer_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> CustomerOut:
        caller.require(*CUSTOMER_READERS)
        return CustomerOut.of(await CustomerRepository(db_session).get(customer_id))
