"""Repair calls and dispatch decisions (R-IN-1, R-DI-1 … R-DI-5)."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.schemas.common import Page, PageNumber, PageSize
from api.schemas.tickets import (
    CancelIn,
    ClocksOut,
    CloseIn,
    DeadlineIn,
    DecisionOut,
    EventOut,
    PreviewIn,
    RemoteResolutionIn,
    TicketIn,
    TicketOut,
)
from dispatch.access.principal import Principal
from dispatch.tickets.clock_service import TicketClockService
from dispatch.tickets.ending import RemoteResolution, TicketEnding
from dispatch.tickets.intake import Channel, FaultType, TicketStatus, Urgency, parse_choice
from dispatch.tickets.preview import PreviewService
from dispatch.tickets.service import (
    CustomerInput,
    DeadlineSet,
    SiteInput,
    TicketCreate,
    TicketQuery,
    TicketService,
    TicketView,
)


class DispatchController(Controller):
    path = "/api/v1/dispatch"
    tags = ["dispatch"]

    @post("/preview", status_code=200, summary="The decision a repair call at this site would get now")
    async def preview(
        self,
        data: JSONBody[PreviewIn],
        request: Request[Principal, Any, Any],
        previews: NamedDependency[PreviewService],
    ) -> DecisionOut:
        # No docstring: it would become the operation's description in the OpenAPI document.
        # A valid preview is answered by the fast lane in front of the router
        # (api/preview_lane.py); this route answers every other one and defines the contract.
        # The caller is read off the request (the authentication middleware put it there) rather
        # than injected beside `previews`: two dependencies of one level make Litestar resolve
        # them in a task group, which cost more than the rest of the injection.
        return DecisionOut.of(await previews.preview(request.user, data.to_request()))


async def _ticket_out(view: TicketView, tickets: TicketService, with_events: bool) -> TicketOut:
    ticket = view.ticket
    decision = None
    if view.decision is not None:
        outlet_name = None
        if view.decision.outlet_id is not None:
            outlet_name = await tickets.outlet_name(view.decision.outlet_id)
        decision = DecisionOut.of_row(view.decision, outlet_name, ZoneInfo(ticket.timezone))
    events = [EventOut.of(e) for e in await tickets.events(ticket.id)] if with_events else None
    return TicketOut.of(ticket, decision, events, view.blocked_by)


class TicketController(Controller):
    path = "/api/v1/tickets"
    tags = ["tickets"]

    @post("/", summary="Take a repair call: record it and decide who goes and by when")
    async def create(
        self,
        data: JSONBody[TicketIn],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
    ) -> TicketOut:
        site = data.site.to_wgs84("site")
        view = await tickets.create(
            caller,
            TicketCreate(
                plant_id=data.plant_id,
                site=site,
                site_input=SiteInput(float(data.site.lon), float(data.site.lat), data.site.crs.upper()),
                fault_description=data.fault.description,
                fault_type=parse_choice(FaultType, data.fault.type, "fault.type"),
                urgency=parse_choice(Urgency, data.urgency, "urgency"),
                channel=parse_choice(Channel, data.channel, "channel"),
                customer=CustomerInput(data.customer.name, data.customer.phone) if data.customer else None,
                asset_id=data.asset_id,
                contact_name=data.contact_name,
                contact_phone=data.contact_phone,
                address=data.address,
                reported_at=data.reported_at,
                components=tuple(data.components or ()),
            ),
        )
        return await _ticket_out(view, tickets, with_events=False)

    @get("/{ticket_id:uuid}", summary="One ticket with its decision and audit trail")
    async def detail(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
    ) -> TicketOut:
        return await _ticket_out(await tickets.get(caller, ticket_id), tickets, with_events=True)

    @get(
        "/{ticket_id:uuid}/clocks",
        summary="The ticket's promise clocks, judged now (R-IN-3, R-IN-4, R-DI-2, R-FU-3)",
    )
    async def clocks(
        self,
        ticket_id: FromPath[uuid.UUID],
        caller: NamedDependency[Principal],
        clocks: NamedDependency[TicketClockService],
    ) -> ClocksOut:
        return ClocksOut.of(await clocks.clocks(caller, ticket_id))

    @post(
        "/{ticket_id:uuid}/deadline",
        status_code=200,
        summary="Set the arrival deadline by hand (R-DI-3 gaps)",
    )
    async def set_deadline(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[DeadlineIn],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
    ) -> TicketOut:
        view = await tickets.set_deadline(caller, ticket_id, DeadlineSet(data.arrival_deadline, data.reason))
        return await _ticket_out(view, tickets, with_events=True)

    @post(
        "/{ticket_id:uuid}/resolve-remotely",
        status_code=200,
        summary="Solved by phone or remote support, no visit (R-IN-6); unstarted work orders are cancelled",
    )
    async def resolve_remotely(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[RemoteResolutionIn],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
        ending: NamedDependency[TicketEnding],
    ) -> TicketOut:
        resolution = RemoteResolution(data.method, data.advice, data.customer_confirmed, data.confirmed_by)
        await ending.resolve_remotely(caller, ticket_id, resolution)
        return await _ticket_out(await tickets.get(caller, ticket_id), tickets, with_events=True)

    @post("/{ticket_id:uuid}/cancel", status_code=200, summary="Cancel with a reason; open work orders too")
    async def cancel(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[CancelIn],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
        ending: NamedDependency[TicketEnding],
    ) -> TicketOut:
        await ending.cancel(caller, ticket_id, data.reason)
        return await _ticket_out(await tickets.get(caller, ticket_id), tickets, with_events=True)

    @post(
        "/{ticket_id:uuid}/close",
        status_code=200,
        summary="Close a resolved ticket (a visit's evidence must be complete)",
    )
    async def close(
        self,
        ticket_id: FromPath[uuid.UUID],
        data: JSONBody[CloseIn],
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
        ending: NamedDependency[TicketEnding],
    ) -> TicketOut:
        await ending.close(caller, ticket_id, data.note)
        return await _ticket_out(await tickets.get(caller, ticket_id), tickets, with_events=True)

    @get("/", summary="Tickets by arrival deadline, for the console")
    async def list_tickets(
        self,
        caller: NamedDependency[Principal],
        tickets: NamedDependency[TicketService],
        status: FromQuery[str | None] = None,
        plant_id: FromQuery[uuid.UUID | None] = None,
        outlet_id: FromQuery[uuid.UUID | None] = None,
        urgency: FromQuery[str | None] = None,
        bbox: FromQuery[str | None] = None,
        page: PageNumber = 1,
        page_size: PageSize = 50,
    ) -> Page[TicketOut]:
        where = TicketQuery(
            status=parse_choice(TicketStatus, status, "status") if status else None,
            plant_id=plant_id,
            outlet_id=outlet_id,
            urgency=parse_choice(Urgency, urgency, "urgency") if urgency else None,
            bbox=bbox,
        )
        found = await tickets.page(caller, where, page, page_size)
        return Page([TicketOut.of(t) for t in found.items], found.total, page, page_size)
