"""The service network: registering plants, outlets and technicians (R-DI-1, R-NW-1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely.geometry import MultiPolygon

from dispatch.access.policy import Action, Resource, require, scope
from dispatch.access.principal import Principal
from dispatch.errors import InvalidInput
from dispatch.tickets.policy import DispatchPolicyRegistry
from geo.areas import area_ewkt
from geo.coordinates import LonLat
from geo.wkt import point_ewkt
from storage.models import Asset, Customer, Outlet, Plant, Technician
from storage.repositories.network import (
    AssetRepository,
    CustomerRepository,
    OutletRepository,
    PlantRepository,
    TechnicianRepository,
)
from storage.repositories.pages import RowPage


@dataclass(frozen=True, slots=True)
class PlantCreate:
    name: str
    location: LonLat
    policy: str
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class OutletCreate:
    name: str
    plant_id: uuid.UUID
    location: LonLat
    service_radius_km: float | None = None
    service_area: MultiPolygon | None = None
    capabilities: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class OutletUpdate:
    """Fields left ``None`` stay as they are."""

    active: bool | None = None
    service_radius_km: float | None = None
    service_area: MultiPolygon | None = None


@dataclass(frozen=True, slots=True)
class TechnicianCreate:
    name: str
    home: LonLat
    plant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None
    skills: tuple[str, ...] = ()
    phone: str | None = None


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"unknown IANA time zone {name!r} (e.g. Asia/Shanghai)") from None
    return name


class NetworkService:
    def __init__(
        self,
        plants: PlantRepository,
        outlets: OutletRepository,
        technicians: TechnicianRepository,
        customers: CustomerRepository,
        assets: AssetRepository,
        policies: DispatchPolicyRegistry,
    ) -> None:
        self.plants = plants
        self.outlets = outlets
        self.technicians = technicians
        self.customers = customers
        self.assets = assets
        self.policies = policies

    async def customers_page(
        self, caller: Principal, page: int, page_size: int, q: str | None
    ) -> RowPage[Customer]:
        """Customers, ``q`` matching a name or phone."""
        require(caller, Resource.CUSTOMER, Action.LIST)
        return await self.customers.page(page, page_size, q=q)

    async def customer(self, caller: Principal, customer_id: uuid.UUID) -> Customer:
        require(caller, Resource.CUSTOMER, Action.READ)
        return await self.customers.get(customer_id)

    async def assets_page(
        self, caller: Principal, page: int, page_size: int, customer_id: uuid.UUID | None
    ) -> RowPage[Asset]:
        rows = scope(caller, Resource.ASSET, Action.LIST)
        return await self.assets.page(page, page_size, customer_id=customer_id, scope=rows)

    async def asset(self, caller: Principal, asset_id: uuid.UUID) -> Asset:
        return await self.assets.get(asset_id, scope(caller, Resource.ASSET, Action.READ))

    async def create_plant(self, caller: Principal, data: PlantCreate) -> Plant:
        require(caller, Resource.PLANT, Action.CREATE)
        self.policies.get(data.policy)  # unknown policy -> UnknownPolicy naming the field
        plant = Plant(
            name=data.name,
            location=point_ewkt(data.location),
            policy=data.policy,
            timezone=_check_timezone(data.timezone),
        )
        return await self.plants.add(plant)

    async def create_outlet(self, caller: Principal, data: OutletCreate) -> Outlet:
        require(caller, Resource.OUTLET, Action.CREATE)
        await self.plants.get(data.plant_id)
        radius = data.service_radius_km
        if radius is not None and radius <= 0:
            raise InvalidInput("service_radius_km", "service_radius_km must be > 0 (omit it for no limit)")
        outlet = Outlet(
            name=data.name,
            plant_id=data.plant_id,
            location=point_ewkt(data.location),
            service_radius_km=Decimal(str(radius)) if radius is not None else None,
            service_area=area_ewkt(data.service_area) if data.service_area is not None else None,
            capabilities=list(data.capabilities),
            phone=data.phone,
        )
        return await self.outlets.add(outlet)

    async def update_outlet(self, caller: Principal, outlet_id: uuid.UUID, data: OutletUpdate) -> Outlet:
        """Deactivate an outlet (never chosen again, R-DI-1) or change what it covers."""
        require(caller, Resource.OUTLET, Action.UPDATE)
        changes: dict[str, object] = {}
        if data.active is not None:
            changes["active"] = data.active
        if data.service_radius_km is not None:
            if data.service_radius_km <= 0:
                raise InvalidInput("service_radius_km", "service_radius_km must be > 0")
            changes["service_radius_km"] = Decimal(str(data.service_radius_km))
        if data.service_area is not None:
            changes["service_area"] = area_ewkt(data.service_area)
        return await self.outlets.update(outlet_id, changes)

    async def create_technician(self, caller: Principal, data: TechnicianCreate) -> Technician:
        require(caller, Resource.TECHNICIAN, Action.CREATE)
        if (data.plant_id is None) == (data.outlet_id is None):
            raise InvalidInput("plant_id", "give exactly one of plant_id or outlet_id (the employer)")
        if data.plant_id is not None:
            await self.plants.get(data.plant_id)
        if data.outlet_id is not None:
            await self.outlets.get(data.outlet_id)
        technician = Technician(
            name=data.name,
            plant_id=data.plant_id,
            outlet_id=data.outlet_id,
            skills=sorted(set(data.skills)),
            home=point_ewkt(data.home),
            phone=data.phone,
        )
        return await self.technicians.add(technician)

    # reading (the access table decides; lists are filtered in SQL) -------------------------
    async def plants_page(self, caller: Principal, page: int, page_size: int) -> RowPage[Plant]:
        require(caller, Resource.PLANT, Action.LIST)
        return await self.plants.page(page, page_size)

    async def plant(self, caller: Principal, plant_id: uuid.UUID) -> Plant:
        require(caller, Resource.PLANT, Action.READ)
        return await self.plants.get(plant_id)

    async def outlets_page(
        self, caller: Principal, page: int, page_size: int, plant_id: uuid.UUID | None, active: bool | None
    ) -> RowPage[Outlet]:
        rows = scope(caller, Resource.OUTLET, Action.LIST)
        return await self.outlets.page(page, page_size, plant_id=plant_id, active=active, scope=rows)

    async def outlet(self, caller: Principal, outlet_id: uuid.UUID) -> Outlet:
        return await self.outlets.get(outlet_id, scope(caller, Resource.OUTLET, Action.READ))

    async def technicians_page(
        self,
        caller: Principal,
        page: int,
        page_size: int,
        plant_id: uuid.UUID | None,
        outlet_id: uuid.UUID | None,
    ) -> RowPage[Technician]:
        rows = scope(caller, Resource.TECHNICIAN, Action.LIST)
        return await self.technicians.page(
            page, page_size, plant_id=plant_id, outlet_id=outlet_id, scope=rows
        )

    async def technician(self, caller: Principal, technician_id: uuid.UUID) -> Technician:
        return await self.technicians.get(technician_id, scope(caller, Resource.TECHNICIAN, Action.READ))
