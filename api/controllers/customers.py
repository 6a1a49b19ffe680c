"""Customers and assets: the customer file the hotline matches a call against (R-IN-2)."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.network import AssetOut, CustomerOut
from dispatch.access import OFFICE, Principal, Role
from storage.repositories.customers import AssetRepository, CustomerRepository

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


class AssetController(Controller):
    path = "/api/v1/assets"
    tags = ["customers"]

    @get("/", summary="List assets")
    async def list_assets(
        self,
        caller: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        customer_id: FromQuery[uuid.UUID | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[AssetOut]:
        caller.require(*CUSTOMER_READERS)
        found = await AssetRepository(db_session).page(page, page_size, customer_id=customer_id)
        return Page([AssetOut.of(a) for a in found.items], found.total, page, page_size)

    @get("/{asset_id:uuid}", summary="One asset")
    async def detail(
        self,
        asset_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> AssetOut:
        caller.require(*CUSTOMER_READERS)
        return AssetOut.of(await AssetRepository(db_session).get(asset_id))
