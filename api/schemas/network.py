"""Request and response shapes for plants, outlets, technicians, customers and assets."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from api.schemas.common import LocationIn, LocationOut, Name, Phone, location_out
from geo.areas import area_geojson
from storage.models import Asset, Customer, Outlet, Plant, Technician


class PlantIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    location: LocationIn
    policy: str
    timezone: str = "Asia/Shanghai"


class PlantOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    location: LocationOut
    policy: str
    timezone: str
    created_at: datetime

    @classmethod
    def of(cls, plant: Plant) -> PlantOut:
        return cls(
            id=plant.id,
            name=plant.name,
            location=location_out(plant.location_lon, plant.location_lat),
            policy=plant.policy,
            timezone=plant.timezone,
            created_at=plant.created_at,
        )


class OutletIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    plant_id: uuid.UUID
    location: LocationIn
    service_radius_km: Annotated[float, msgspec.Meta(gt=0, le=20000)] | None = None
    service_area: dict[str, Any] | None = None
    """GeoJSON Polygon or MultiPolygon (WGS-84) the outlet covers; with a radius, both must hold."""
    capabilities: list[str] = msgspec.field(default_factory=list)
    phone: Phone | None = None


class OutletPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out stay as they are."""

    active: bool | None = None
    service_radius_km: Annotated[float, msgspec.Meta(gt=0, le=20000)] | None = None
    service_area: dict[str, Any] | None = None


class OutletOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    plant_id: uuid.UUID
    location: LocationOut
    service_radius_km: float | None
    service_area: dict[str, Any] | None
    active: bool
    capabilities: list[str]
    phone: str | None

    @classmethod
    def of(cls, outlet: Outlet) -> OutletOut:
        return cls(
            id=outlet.id,
            name=outlet.name,
            plant_id=outlet.plant_id,
            location=location_out(outlet.location_lon, outlet.location_lat),
            service_radius_km=float(outlet.service_radius_km)
            if outlet.service_radius_km is not None
            else None,
            service_area=area_geojson(bytes(outlet.service_area.data))
            if outlet.service_area is not None
            else None,
            active=outlet.active,
            capabilities=list(outlet.capabilities),
            phone=outlet.phone,
        )


class TechnicianIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    home: LocationIn
    plant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None
    skills: list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]] = msgspec.field(
        default_factory=list
    )
    phone: Phone | None = None


class TechnicianOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    plant_id: uuid.UUID | None
    outlet_id: uuid.UUID | None
    skills: list[str]
    home: LocationOut
    phone: str | None
    active: bool

    @classmethod
    def of(cls, technician: Technician) -> TechnicianOut:
        return cls(
            id=technician.id,
            name=technician.name,
            plant_id=technician.plant_id,
            outlet_id=technician.outlet_id,
            skills=list(technician.skills),
            home=location_out(technician.home_lon, technician.home_lat),
            phone=technician.phone,
            active=technician.active,
        )


class CustomerOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    phone: str | None
    timezone: str

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        return cls(id=customer.id, name=customer.name, phone=customer.phone, timezone=customer.timezone)


class AssetOut(msgspec.Struct):
    id: uuid.UUID
    serial: str
    model: str
    product_line: str
    plant_id: uuid.UUID
    customer_id: uuid.UUID | None
    factory_date: date | None
    sold_on: date | None
    registration_date: date | None
    acceptance_date: date | None
    batch: str | None
    warranty_policy: str | None
    warranty_policy_version: int | None

    @classmethod
    def of(cls, asset: Asset) -> AssetOut:
        return cls(
            id=asset.id,
            serial=asset.serial,
            model=asset.model,
            product_line=asset.product_line,
            plant_id=asset.plant_id,
            customer_id=asset.customer_id,
            factory_date=asset.factory_date,
            sold_on=asset.sold_on,
            registration_date=asset.registration_date,
            acceptance_date=asset.acceptance_date,
            batch=asset.batch,
            warranty_policy=asset.warranty_policy,
            warranty_policy_version=asset.warranty_policy_version,
        )
