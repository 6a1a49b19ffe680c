"""Assets: the customer file (R-IN-2), registration bound to a warranty policy, coverage and downtime.

The list and detail endpoints moved here from ``customers.py`` so that one controller owns the
``/api/v1/assets`` path (Litestar registers one OPTIONS handler per path).
"""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.network import AssetOut
from api.schemas.warranty import AssetIn, DowntimeIn, DowntimeOut, WarrantyOut
from dispatch.access import OFFICE, Principal, Role
from dispatch.warranty.service import DOWNTIME_WRITERS, AssetRegistration, DowntimeInput, WarrantyService
from storage.repositories.customers import AssetRepository

CUSTOMER_READERS = (*OFFICE, Role.QA, Role.EXECUTIVE)


class AssetController(Controller):
    path = "/api/v1/assets"
    tags = ["assets"]

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

    @post("/", summary="Register a sold asset, bound for life to the policy version in force on sold_on")
    async def create(
        self,
        data: JSONBody[AssetIn],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> AssetOut:
        asset = await warranty.register_asset(
            caller,
            AssetRegistration(
                serial=data.serial.strip(),
                model=data.model.strip(),
                product_line=data.product_line,
                plant_id=data.plant_id,
                sold_on=data.sold_on,
                warranty_policy=data.warranty_policy,
                registration_date=data.registration_date,
                acceptance_date=data.acceptance_date,
                factory_date=data.factory_date,
                batch=data.batch,
                customer_name=data.customer.name if data.customer else None,
                customer_phone=data.customer.phone if data.customer else None,
                customer_id=data.customer_id,
            ),
        )
        return AssetOut.of(asset)

    @get("/{asset_id:uuid}/warranty", summary="Last covered day per component class (R-WA-1/2/3)")
    async def warranty_status(
        self,
        asset_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
        on: FromQuery[date | None] = None,
    ) -> WarrantyOut:
        return WarrantyOut.of(await warranty.asset_warranty(caller, asset_id, on))

    @post(
        "/{asset_id:uuid}/downtime",
        summary="Record downtime by a fault; extends warranty where the policy says (R-WA-3)",
    )
    async def add_downtime(
        self,
        asset_id: FromPath[uuid.UUID],
        data: JSONBody[DowntimeIn],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> DowntimeOut:
        caller.require(*DOWNTIME_WRITERS)
        row, days, extends = await warranty.record_downtime(
            caller.label, asset_id, DowntimeInput(data.from_, data.to, data.reason, data.ticket_id)
        )
        return DowntimeOut.of(row, days, extends)

    @get("/{asset_id:uuid}/downtime", summary="Downtime periods of an asset")
    async def list_downtime(
        self,
        asset_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        warranty: NamedDependency[WarrantyService],
    ) -> list[DowntimeOut]:
        return [DowntimeOut.of(row) for row in await warranty.downtime(caller, asset_id)]
