"""Which access-table row guards each API route (docs/security.md).

Every operation in the OpenAPI document is either here or in :data:`PUBLIC`; the route-generated
matrix test (``tests/integration/access/test_access_matrix.py``) fails for a route in neither,
naming this file. Adding a route: add ``("METHOD", "/path/{param}"): (Resource.X, Action.Y)``
below, and a row for ``(Resource.X, Action.Y)`` to ``TABLE`` in ``dispatch/access/policy.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dispatch.access.policy import Action, Resource

Route = tuple[str, str]

PUBLIC: Mapping[Route, str] = MappingProxyType(
    {
        ("GET", "/health"): "liveness, no data",
        ("GET", "/api/v1/objects/downloads/{token}"): "signed, short-lived download token",
        ("PUT", "/api/v1/objects/uploads/{token}"): "signed, one-time upload token",
        ("GET", "/api/v1/quotes/confirm/{token}"): "the customer's quote link token",
        ("POST", "/api/v1/quotes/confirm/{token}"): "the customer's quote link token",
        ("POST", "/api/v1/quotes/refuse/{token}"): "the customer's quote link token",
        ("GET", "/api/v1/track/{token}"): "tracking link: the customer principal (tracking view)",
        ("GET", "/api/v1/track/{token}/events"): "tracking link: the customer principal (tracking view)",
        ("GET", "/api/v1/track/{token}/report.pdf"): "tracking link: the customer principal (service report)",
        ("GET", "/track/osmand/{secret}"): "device secret",
        ("POST", "/track/osmand/{secret}"): "device secret",
        ("POST", "/track/owntracks"): "device secret (Basic auth password)",
        ("POST", "/track/owntracks/{secret}"): "device secret",
    }
)
"""Routes without a bearer token: the credential is in the URL or the device's secret."""

P, A = Resource, Action

ROUTES: Mapping[Route, tuple[Resource, Action]] = MappingProxyType(
    {
        ("GET", "/api/v1/plants"): (P.PLANT, A.LIST),
        ("POST", "/api/v1/webhooks"): (P.WEBHOOK, A.CREATE),
        ("GET", "/api/v1/webhooks"): (P.WEBHOOK, A.LIST),
        ("GET", "/api/v1/webhooks/{webhook_id}"): (P.WEBHOOK, A.READ),
        ("DELETE", "/api/v1/webhooks/{webhook_id}"): (P.WEBHOOK, A.DELETE),
        ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): (P.WEBHOOK, A.READ),
        ("POST", "/api/v1/plants"): (P.PLANT, A.CREATE),
        ("GET", "/api/v1/plants/{plant_id}"): (P.PLANT, A.READ),
        ("GET", "/api/v1/plants/{plant_id}/working-hours"): (P.WORKING_HOURS, A.READ),
        ("PUT", "/api/v1/plants/{plant_id}/working-hours"): (P.WORKING_HOURS, A.UPDATE),
        ("GET", "/api/v1/plants/{plant_id}/calendar/add"): (P.CALENDAR, A.READ),
        ("GET", "/api/v1/plants/{plant_id}/calendar/elapsed"): (P.CALENDAR, A.READ),
        ("GET", "/api/v1/calendar/years/{year}"): (P.CALENDAR, A.READ),
        ("POST", "/api/v1/calendar/notices"): (P.CALENDAR, A.CREATE),
        ("GET", "/api/v1/outlets"): (P.OUTLET, A.LIST),
        ("POST", "/api/v1/outlets"): (P.OUTLET, A.CREATE),
        ("GET", "/api/v1/outlets/{outlet_id}"): (P.OUTLET, A.READ),
        ("PATCH", "/api/v1/outlets/{outlet_id}"): (P.OUTLET, A.UPDATE),
        ("GET", "/api/v1/technicians"): (P.TECHNICIAN, A.LIST),
        ("POST", "/api/v1/technicians"): (P.TECHNICIAN, A.CREATE),
        ("GET", "/api/v1/technicians/{technician_id}"): (P.TECHNICIAN, A.READ),
        ("GET", "/api/v1/technicians/{technician_id}/position"): (P.POSITION, A.READ),
        ("GET", "/api/v1/technicians/{technician_id}/track"): (P.POSITION, A.READ),
        ("POST", "/api/v1/technicians/{technician_id}/unavailable"): (P.ABSENCE, A.CREATE),
        ("GET", "/api/v1/customers"): (P.CUSTOMER, A.LIST),
        ("GET", "/api/v1/customers/{customer_id}"): (P.CUSTOMER, A.READ),
        ("GET", "/api/v1/assets"): (P.ASSET, A.LIST),
        ("POST", "/api/v1/assets"): (P.ASSET, A.CREATE),
        ("GET", "/api/v1/assets/{asset_id}"): (P.ASSET, A.READ),
        ("GET", "/api/v1/assets/{asset_id}/warranty"): (P.ASSET_WARRANTY, A.READ),
        ("GET", "/api/v1/assets/{asset_id}/downtime"): (P.DOWNTIME, A.READ),
        ("POST", "/api/v1/assets/{asset_id}/downtime"): (P.DOWNTIME, A.CREATE),
        ("GET", "/api/v1/policies"): (P.POLICY, A.LIST),
        ("POST", "/api/v1/dispatch/preview"): (P.DISPATCH_PREVIEW, A.READ),
        ("GET", "/api/v1/tickets"): (P.TICKET, A.LIST),
        ("POST", "/api/v1/tickets"): (P.TICKET, A.CREATE),
        ("GET", "/api/v1/tickets/{ticket_id}"): (P.TICKET, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/deadline"): (P.TICKET, A.UPDATE),
        ("POST", "/api/v1/tickets/{ticket_id}/resolve-remotely"): (P.TICKET_END, A.CREATE),
        ("POST", "/api/v1/tickets/{ticket_id}/cancel"): (P.TICKET_END, A.DELETE),
        ("POST", "/api/v1/tickets/{ticket_id}/close"): (P.TICKET_END, A.DECIDE),
        ("GET", "/api/v1/tickets/{ticket_id}/clocks"): (P.TICKET, A.READ),
        ("GET", "/api/v1/tickets/{ticket_id}/entitlement"): (P.ENTITLEMENT, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/entitlement"): (P.ENTITLEMENT, A.CREATE),
        ("GET", "/api/v1/tickets/{ticket_id}/exclusions"): (P.EXCLUSION, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/exclusions"): (P.EXCLUSION, A.CREATE),
        ("POST", "/api/v1/tickets/{ticket_id}/exclusions/{exclusion_id}/withdraw"): (P.EXCLUSION, A.DECIDE),
        ("GET", "/api/v1/tickets/{ticket_id}/supplier-claims"): (P.SUPPLIER_CLAIM, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/supplier-claims"): (P.SUPPLIER_CLAIM, A.CREATE),
        ("GET", "/api/v1/tickets/{ticket_id}/costs"): (P.COST, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/costs"): (P.COST, A.CREATE),
        ("POST", "/api/v1/tickets/{ticket_id}/quote"): (P.QUOTE, A.CREATE),
        ("GET", "/api/v1/tickets/{ticket_id}/quotes"): (P.QUOTE, A.READ),
        ("GET", "/api/v1/quotes/{quote_id}"): (P.QUOTE, A.READ),
        ("POST", "/api/v1/quotes/{quote_id}/confirm"): (P.QUOTE, A.DECIDE),
        ("POST", "/api/v1/quotes/{quote_id}/refuse"): (P.QUOTE, A.DECIDE),
        ("POST", "/api/v1/quotes/{quote_id}/override"): (P.QUOTE, A.OVERRIDE),
        ("POST", "/api/v1/recalls"): (P.RECALL, A.CREATE),
        ("GET", "/api/v1/recalls/{recall_id}"): (P.RECALL, A.READ),
        ("GET", "/api/v1/tickets/{ticket_id}/evidence"): (P.EVIDENCE, A.LIST),
        ("POST", "/api/v1/tickets/{ticket_id}/evidence"): (P.EVIDENCE, A.CREATE),
        ("GET", "/api/v1/tickets/{ticket_id}/evidence/completeness"): (P.EVIDENCE, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/evidence/sign-off"): (P.EVIDENCE_SIGN_OFF, A.CREATE),
        ("POST", "/api/v1/evidence/{evidence_id}/complete"): (P.EVIDENCE, A.UPDATE),
        ("POST", "/api/v1/evidence/{evidence_id}/accept"): (P.EVIDENCE, A.DECIDE),
        ("DELETE", "/api/v1/evidence/{evidence_id}"): (P.EVIDENCE, A.DELETE),
        ("GET", "/api/v1/tickets/{ticket_id}/report.pdf"): (P.REPORT, A.READ),
        ("POST", "/api/v1/tickets/{ticket_id}/tracking-links"): (P.TRACKING_LINK, A.CREATE),
        ("DELETE", "/api/v1/tracking-links/{link_id}"): (P.TRACKING_LINK, A.DELETE),
        ("POST", "/api/v1/work-orders"): (P.WORK_ORDER, A.CREATE),
        ("GET", "/api/v1/work-orders/{work_order_id}"): (P.WORK_ORDER, A.READ),
        ("POST", "/api/v1/work-orders/{work_order_id}/events"): (P.WORK_ORDER, A.UPDATE),
        ("POST", "/api/v1/work-orders/{work_order_id}/approve-return"): (P.WORK_ORDER, A.DECIDE),
        ("POST", "/api/v1/sync"): (P.WORK_ORDER, A.UPDATE),
        ("GET", "/api/v1/me/jobs"): (P.JOBS, A.LIST),
        ("POST", "/api/v1/plans"): (P.PLAN, A.CREATE),
        ("GET", "/api/v1/plans/{plan_id}"): (P.PLAN, A.READ),
        ("POST", "/api/v1/plans/{plan_id}/commit"): (P.PLAN, A.UPDATE),
        ("POST", "/api/v1/plans/{plan_id}/insert"): (P.PLAN, A.UPDATE),
        ("POST", "/api/v1/devices"): (P.DEVICE, A.CREATE),
        ("POST", "/api/v1/positions"): (P.POSITION, A.CREATE),
        ("GET", "/api/v1/events"): (P.LIVE_EVENT, A.LIST),
        ("GET", "/api/v1/console/session"): (P.SESSION, A.READ),
    }
)
"""Bearer-token routes and the table row each one is decided by."""
