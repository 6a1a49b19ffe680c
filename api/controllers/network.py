"""Plants, outlets and technicians: the service network a dispatcher registers."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.network import (
    AssetOut,
    CustomerOut,
    OutletIn,
    OutletOut,
    OutletPatch,
    PlantIn,
    PlantOut,
    TechnicianIn,
    TechnicianOut,
)
from api.schemas.warranty import AssetIn, DowntimeIn, DowntimeOut, WarrantyOut
from dispatch.access.principal import Principal
from dispatch.network.service import NetworkService, OutletCreate, OutletUpdate, PlantCreate, TechnicianCreate
from dispatch.warranty.service import AssetRegistration, DowntimeInput, WarrantyService
from geo.areas import parse_area


class PlantController(Controller):
    path = "/api/v1/plants"
    tags = ["network"]

    @post("/", summary="Register a plant (the origin of dispatch distances, R-DI-1)")
    async def create(
        self,
        data: JSONBody[PlantIn],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> PlantOut:
        plant = await network.create_plant(
            caller,
            PlantCreate(
                name=data.name,
                location=data.location.to_wgs84("location"),
                policy=data.policy,
                timezone=data.timezone,
            ),
        )
        return PlantOut.of(plant)

    @get("/", summary="List plants")
    async def list_plants(
        self,
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[PlantOut]:
        found = await network.plants_page(caller, page, page_size)
        return Page([PlantOut.of(p) for p in found.items], found.total, page, page_size)

    @get("/{plant_id:uuid}", summary="One plant")
    async def detail(
        self,
        plant_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> PlantOut:
        return PlantOut.of(await network.plant(caller, plant_id))


class OutletController(Controller):
    path = "/api/v1/outlets"
    tags = ["network"]

    @post("/", summary="Register a service outlet (R-DI-1, R-NW-1)")
    async def create(
        self,
        data: JSONBody[OutletIn],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> OutletOut:
        outlet = await network.create_outlet(
            caller,
            OutletCreate(
                name=data.name,
                plant_id=data.plant_id,
                location=data.location.to_wgs84("location"),
                service_radius_km=data.service_radius_km,
                service_area=parse_area(data.service_area) if data.service_area is not None else None,
                capabilities=tuple(data.capabilities),
                phone=data.phone,
            ),
        )
        return OutletOut.of(outlet)

    @get("/", summary="List outlets")
    async def list_outlets(
        self,
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
        plant_id: FromQuery[uuid.UUID | None] = None,
        active: FromQuery[bool | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[OutletOut]:
        found = await network.outlets_page(caller, page, page_size, plant_id, active)
        return Page([OutletOut.of(o) for o in found.items], found.total, page, page_size)

    @get("/{outlet_id:uuid}", summary="One outlet")
    async def detail(
        self,
        outlet_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> OutletOut:
        return OutletOut.of(await network.outlet(caller, outlet_id))

    @patch("/{outlet_id:uuid}", summary="Activate or deactivate an outlet")
    async def update(
        self,
        outlet_id: FromPath[uuid.UUID],
        data: JSONBody[OutletPatch],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> OutletOut:
        outlet = await network.update_outlet(
            caller,
            outlet_id,
            OutletUpdate(
                active=data.active,
                service_radius_km=data.service_radius_km,
                service_area=parse_area(data.service_area) if data.service_area is not None else None,
            ),
        )
        return OutletOut.of(outlet)


class TechnicianController(Controller):
    path = "/api/v1/technicians"
    tags = ["network"]

    @post("/", summary="Register a field engineer of the plant or of an outlet")
    async def create(
        self,
        data: JSONBody[TechnicianIn],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> TechnicianOut:
        technician = await network.create_technician(
            caller,
            TechnicianCreate(
                name=data.name,
                home=data.home.to_wgs84("home"),
                plant_id=data.plant_id,
                outlet_id=data.outlet_id,
                skills=tuple(data.skills),
                phone=data.phone,
            ),
        )
        return TechnicianOut.of(technician)

    @get("/", summary="List technicians")
    async def list_technicians(
        self,
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
        plant_id: FromQuery[uuid.UUID | None] = None,
        outlet_id: FromQuery[uuid.UUID | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[TechnicianOut]:
        found = await network.technicians_page(caller, page, page_size, plant_id, outlet_id)
        return Page([TechnicianOut.of(t) for t in found.items], found.total, page, page_size)

    @get("/{technician_id:uuid}", summary="One technician")
    async def detail(
        self,
        technician_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> TechnicianOut:
        return TechnicianOut.of(await network.technician(caller, technician_id))


class CustomerController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]

    @get("/", summary="List customers (q: name or phone contains)")
    async def list_customers(
        self,
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
        q: FromQuery[str | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[CustomerOut]:
        found = await network.customers_page(caller, page, page_size, q)
        return Page([CustomerOut.of(c) for c in found.items], found.total, page, page_size)

    @get("/{customer_id:uuid}", summary="One customer")
    async def detail(
        self,
        customer_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> CustomerOut:
        return CustomerOut.of(await network.customer(caller, customer_id))


class AssetController(Controller):
    path = "/api/v1/assets"
    tags = ["assets"]

    @get("/", summary="List assets")
    async def list_assets(
        self,
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
        customer_id: FromQuery[uuid.UUID | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[AssetOut]:
        found = await network.assets_page(caller, page, page_size, customer_id)
        return Page([AssetOut.of(a) for a in found.items], found.total, page, page_size)

    @get("/{asset_id:uuid}", summary="One asset")
    async def detail(
        self,
        asset_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> AssetOut:
        return AssetOut.of(await network.asset(caller, asset_id))

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
        row, days, extends = await warranty.add_downtime(
            caller, asset_id, DowntimeInput(data.from_, data.to, data.reason, data.ticket_id)
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
