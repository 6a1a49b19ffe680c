"""Customers and their assets (the customer file of R-IN-2)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict, NotFound
from storage.models import Asset, Customer
from storage.repositories.pages import Page, paginate


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, customer_id: uuid.UUID) -> Customer:
        customer = await self.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("customer", customer_id)
        return customer

    async def find_or_add(self, name: str, phone: str | None) -> Customer:
        """The hotline rarely knows a customer id: match on name and phone, else create."""
        query = select(Customer).where(Customer.name == name)
        query = query.where(Customer.phone == phone) if phone else query.where(Customer.phone.is_(None))
        existing = await self.session.scalar(query.limit(1))
        if existing is not None:
            return existing
        customer = Customer(name=name, phone=phone)
        self.session.add(customer)
        await self.session.flush()
        await self.session.refresh(customer)
        return customer

    async def page(self, page: int, page_size: int, q: str | None = None) -> Page[Customer]:
        query = select(Customer).order_by(Customer.name, Customer.id)
        if q:
            query = query.where(Customer.name.ilike(f"%{q}%") | Customer.phone.ilike(f"%{q}%"))
        return await paginate(self.session, query, page, page_size)


class AssetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, asset: Asset) -> Asset:
        if await self.session.scalar(select(Asset.id).where(Asset.serial == asset.serial)):
            raise Conflict(f"an asset with serial {asset.serial!r} already exists", field="serial")
        self.session.add(asset)
        await self.session.flush()
        await self.session.refresh(asset)
        return asset

    async def get(self, asset_id: uuid.UUID) -> Asset:
        asset = await self.session.get(Asset, asset_id)
        if asset is None:
            raise NotFound("asset", asset_id)
        return asset

    async def page(self, page: int, page_size: int, customer_id: uuid.UUID | None = None) -> Page[Asset]:
        query = select(Asset).order_by(Asset.serial)
        if customer_id is not None:
            query = query.where(Asset.customer_id == customer_id)
        return await paginate(self.session, query, page, page_size)
