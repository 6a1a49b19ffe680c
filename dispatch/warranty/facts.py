"""What the caller hands the engine: facts about the asset, the ticket and exclusions.

All inputs are frozen dataclasses built by the service layer from the database; datetimes must
be time-zone aware. ``sorted_rules`` orders rule ids as ``docs/rules.md`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dispatch.warranty.policy import ProductLine

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class AssetFacts:
    """What the engine needs to know about an asset. ``timezone`` is the customer's zone."""

    product_line: ProductLine
    sold_on: date
    registration_date: date | None = None
    acceptance_date: date | None = None
    timezone: str = DEFAULT_TIMEZONE


class ExclusionRule(StrEnum):
    """Grounds for refusing warranty (R-WA-4)."""

    ACCIDENT = "accident"
    MISUSE = "misuse"
    UNAUTHORISED_REPAIR = "unauthorised_repair"
    FORCE_MAJEURE = "force_majeure"
    ALTERED_DOCUMENTS = "altered_documents"
    CONCEALMENT = "concealment"


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An active (not withdrawn) exclusion; ``component_class`` None = the whole ticket."""

    rule: ExclusionRule
    reason: str
    recorded_by: str
    component_class: str | None = None


@dataclass(frozen=True, slots=True)
class ExchangeClaim:
    """The engineer's findings that R-WA-5 asks for before a unit is exchanged."""

    unrepairable_quality_fault: bool
    unit_intact: bool
    accessories_complete: bool
    packaging_intact: bool


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """A ticket as the engine sees it. Empty ``components`` → the policy's default class."""

    reported_at: datetime
    components: tuple[str, ...] = ()
    exchange_claim: ExchangeClaim | None = None


def sorted_rules(rules: set[str]) -> tuple[str, ...]:
    """Rule ids in document order (R-WA-2 before R-WA-10)."""
    return tuple(sorted(rules, key=lambda r: (r.rsplit("-", 1)[0], int(r.rsplit("-", 1)[1]))))
