"""Warranty entitlement core (R-WA-1 … R-WA-8): pure functions over frozen dataclasses.

No database, no HTTP. The service layer loads the facts, calls these functions and stores
the answers:

* ``load_policies(dir) -> WarrantyPolicyRegistry`` — versioned policy presets from TOML;
  ``registry.version_for(name, sold_on)`` binds an asset to a version for life.
* ``warranty_status(asset, policy, on, downtime)`` — last covered day per component class.
* ``evaluate(ticket, asset, policy, exclusions, free_visits_used, downtime)`` — free / paid /
  exchange with per-component status, rule ids and an explanation.
* ``quote(prices, distance_km, fault_type, labour_hours, parts, ...)`` — lines and total.
"""

from dispatch.warranty.dates import (
    DowntimePeriod,
    coverage_end,
    downtime_dates,
    downtime_days,
    period_dates,
)
from dispatch.warranty.entitlement import (
    Charge,
    ComponentEntitlement,
    CoverageStatus,
    Entitlement,
    evaluate,
)
from dispatch.warranty.errors import (
    PolicyFileError,
    PolicyNotInForce,
    UnknownComponentClass,
    UnknownFaultType,
    UnknownWarrantyPolicy,
    WarrantyError,
    WarrantyFactsError,
)
from dispatch.warranty.facts import (
    DEFAULT_TIMEZONE,
    AssetFacts,
    ExchangeClaim,
    Exclusion,
    ExclusionRule,
    TicketFacts,
)
from dispatch.warranty.loader import load_policy_file, parse_policy
from dispatch.warranty.policy import (
    FAULT_TYPES,
    ComponentClass,
    PriceList,
    ProductLine,
    StartBasis,
    WarrantyPolicy,
)
from dispatch.warranty.quote import LineKind, PartLine, PricedQuote, QuoteLine, quote
from dispatch.warranty.registry import BUILTIN_POLICIES_DIR, WarrantyPolicyRegistry, load_policies
from dispatch.warranty.status import ClassStatus, WarrantyStatus, warranty_start, warranty_status

__all__ = [
    "BUILTIN_POLICIES_DIR",
    "DEFAULT_TIMEZONE",
    "FAULT_TYPES",
    "AssetFacts",
    "Charge",
    "ClassStatus",
    "ComponentClass",
    "ComponentEntitlement",
    "CoverageStatus",
    "DowntimePeriod",
    "Entitlement",
    "ExchangeClaim",
    "Exclusion",
    "ExclusionRule",
    "LineKind",
    "PartLine",
    "PolicyFileError",
    "PolicyNotInForce",
    "PriceList",
    "PricedQuote",
    "ProductLine",
    "QuoteLine",
    "StartBasis",
    "TicketFacts",
    "UnknownComponentClass",
    "UnknownFaultType",
    "UnknownWarrantyPolicy",
    "WarrantyError",
    "WarrantyFactsError",
    "WarrantyPolicy",
    "WarrantyPolicyRegistry",
    "WarrantyStatus",
    "coverage_end",
    "downtime_dates",
    "downtime_days",
    "evaluate",
    "load_policies",
    "load_policy_file",
    "parse_policy",
    "period_dates",
    "quote",
    "warranty_start",
    "warranty_status",
]
