"""SQLAlchemy models: the rows the product keeps. Schemas for the API live in ``api/schemas``."""

from storage.models.base import Base
from storage.models.calendar import CalendarYear, PlantWorkingHours
from storage.models.customer_tracking import TrackingLink
from storage.models.evidence import Evidence
from storage.models.field_work import WorkOrder, WorkOrderEvent
from storage.models.live import LiveEvent
from storage.models.network import Asset, Customer, Outlet, Plant, Technician
from storage.models.notifications import WebhookDelivery, WebhookSubscription
from storage.models.planning import Plan, TechnicianAbsence
from storage.models.positions import Device, LatestPosition, Position
from storage.models.tickets import DispatchDecision, Ticket, TicketClockState, TicketEvent
from storage.models.warranty import (
    AssetDowntime,
    InternalLoss,
    Quote,
    RecallCampaign,
    RecallItem,
    SupplierClaim,
    TicketComponent,
    WarrantyEntitlement,
    WarrantyExclusion,
)

__all__ = [
    "Asset",
    "AssetDowntime",
    "Base",
    "CalendarYear",
    "Customer",
    "Device",
    "DispatchDecision",
    "Evidence",
    "InternalLoss",
    "LatestPosition",
    "LiveEvent",
    "Outlet",
    "Plan",
    "Plant",
    "PlantWorkingHours",
    "Position",
    "Quote",
    "RecallCampaign",
    "RecallItem",
    "SupplierClaim",
    "Technician",
    "TechnicianAbsence",
    "Ticket",
    "TicketClockState",
    "TicketComponent",
    "TicketEvent",
    "TrackingLink",
    "WarrantyEntitlement",
    "WarrantyExclusion",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkOrder",
    "WorkOrderEvent",
]
