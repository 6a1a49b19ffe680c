"""Plants, outlets and technicians: the service network a dispatcher registers."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.network import (
    OutletIn,
    OutletOut,
    OutletPatch,
    PlantIn,
    PlantOut,
    TechnicianIn,
    TechnicianOut,
)
from dispatch.access import READERS, Principal
from dispatch.network import NetworkService, OutletCreate, OutletUpdate, PlantCreate, TechnicianCreate
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
        caller.require(*READERS)
        found = await network.plants.page(page, page_size)
        return Page([PlantOut.of(p) for p in found.items], found.total, page, page_size)

    @get("/{plant_id:uuid}", summary="One plant")
    async def detail(
        self,
        plant_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> PlantOut:
        caller.require(*READERS)
        return PlantOut.of(await network.plants.get(plant_id))


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
        caller.require(*READERS)
        found = await network.outlets.page(page, page_size, plant_id=plant_id, active=active)
        return Page([OutletOut.of(o) for o in found.items], found.total, page, page_size)

    @get("/{outlet_id:uuid}", summary="One outlet")
    async def detail(
        self,
        outlet_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> OutletOut:
        caller.require(*READERS)
        return OutletOut.of(await network.outlets.get(outlet_id))

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
        caller.require(*READERS)
        found = await network.technicians.page(page, page_size, plant_id=plant_id, outlet_id=outlet_id)
        return Page([TechnicianOut.of(t) for t in found.items], found.total, page, page_size)

    @get("/{technician_id:uuid}", summary="One technician")
    async def detail(
        self,
        technician_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        network: NamedDependency[NetworkService],
    ) -> TechnicianOut:
        caller.require(*READERS)
        return TechnicianOut.of(await network.technicians.get(technician_id))
