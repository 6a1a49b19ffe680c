"""Who pays for a ticket: per component covered / expired / excluded / exchange, with reasons.

Evaluated on the ticket's ``reported_at`` date in the customer's time zone.

* In warranty and no exclusion → ``covered``: repair and parts free (R-WA-6).
* Past the last covered day → ``expired`` (R-WA-4): on-site visit and parts paid (R-WA-7),
  unless the policy grants free visits after warranty and some are left (R-WA-8: visit free,
  parts charged).
* In warranty but an exclusion is recorded (R-WA-4) → ``excluded``: paid; if every exclusion
  of the component is misuse, parts are sold at the preferential price (R-WA-6).
* Unrepairable quality fault within the exchange window of the purchase, unit intact,
  accessories complete, packaging intact, no exclusion → ``exchange`` for the same model
  (R-WA-5).

``charge`` is ``free`` when every component is covered, ``exchange`` when R-WA-5 applies and
``paid`` otherwise; a ``paid`` ticket needs the customer's confirmation of a quote (R-WA-7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dispatch.warranty.dates import DowntimePeriod, coverage_end, local_date
from dispatch.warranty.errors import WarrantyFactsError
from dispatch.warranty.facts import (
    AssetFacts,
    ExchangeClaim,
    Exclusion,
    ExclusionRule,
    TicketFacts,
    sorted_rules,
)
from dispatch.warranty.policy import StartBasis, WarrantyPolicy
from dispatch.warranty.status import ClassStatus, asset_zone, warranty_status


class Charge(StrEnum):
    FREE = "free"
    PAID = "paid"
    EXCHANGE = "exchange"


class CoverageStatus(StrEnum):
    COVERED = "covered"
    EXPIRED = "expired"
    EXCLUDED = "excluded"
    EXCHANGE = "exchange"


@dataclass(frozen=True, slots=True)
class ComponentEntitlement:
    class_id: str
    status: CoverageStatus
    ends_on: date
    rules: tuple[str, ...]
    explanation: str
    exclusions: tuple[ExclusionRule, ...] = ()
    preferential_parts: bool = False


@dataclass(frozen=True, slots=True)
class Entitlement:
    """The answer for one ticket.

    ``visit_free_rule``: the rule that makes call-out, travel and labour free — R-WA-6 (some
    component is covered), R-WA-5 (exchange) or R-WA-8 (a free visit after warranty) — or None
    when the visit is charged. ``uses_free_visit``: the caller must count one R-WA-8 visit as
    used; ``free_visits_left`` is the count after this ticket. ``preferential_parts``: every
    charged component is excluded for misuse only, so parts get the price list's discount
    (R-WA-6). ``needs_confirmation``: the charge is paid, so the customer must confirm a quote
    before dispatch (R-WA-7).
    """

    charge: Charge
    on: date
    policy_name: str
    policy_version: int
    basis: StartBasis
    start: date
    components: tuple[ComponentEntitlement, ...]
    visit_free_rule: str | None
    uses_free_visit: bool
    free_visits_left: int
    preferential_parts: bool
    needs_confirmation: bool
    rules: tuple[str, ...]
    explanation: str

    @property
    def visit_free(self) -> bool:
        """Call-out, travel and labour are not charged."""
        return self.visit_free_rule is not None


def _classes(ticket: TicketFacts, policy: WarrantyPolicy, exclusions: Sequence[Exclusion]) -> list[str]:
    classes = list(dict.fromkeys(ticket.components))
    if not classes and policy.default_class:
        classes = [policy.default_class]
    if not classes:
        raise WarrantyFactsError(
            "components", f"name at least one component class: {', '.join(policy.class_ids)}"
        )
    for class_id in classes:
        policy.component(class_id)
    for exclusion in exclusions:
        if exclusion.component_class is not None:
            policy.component(exclusion.component_class)
        if not exclusion.reason.strip() or not exclusion.recorded_by.strip():
            raise WarrantyFactsError("exclusions", "an exclusion needs a reason and who recorded it")
    return classes


def _exchange_refusal(
    claim: ExchangeClaim,
    asset: AssetFacts,
    policy: WarrantyPolicy,
    on: date,
    exclusions: Sequence[Exclusion],
) -> str | None:
    """Why R-WA-5 does not apply to a claimed exchange, or None when it does."""
    months = policy.exchange_window_months
    if months is None:
        return f"policy {policy.name} has no exchange rule"
    last = coverage_end(asset.sold_on, months)
    if on > last:
        return (
            f"reported on {on}, after the exchange window ({months} month(s) from the purchase "
            f"on {asset.sold_on}, last day {last}) (R-WA-5)"
        )
    if exclusions:
        rules = ", ".join(sorted({e.rule.value for e in exclusions}))
        return f"an exclusion is recorded ({rules}) (R-WA-4)"
    missing = [
        text
        for ok, text in (
            (claim.unrepairable_quality_fault, "the fault is not an unrepairable quality fault"),
            (claim.unit_intact, "the unit is not intact"),
            (claim.accessories_complete, "accessories are not complete"),
            (claim.packaging_intact, "the packaging is not intact"),
        )
        if not ok
    ]
    return "; ".join(missing) + " (R-WA-5)" if missing else None


def _judge(
    status: ClassStatus, basis: str, start: date, on: date, exclusions: Sequence[Exclusion]
) -> ComponentEntitlement:
    """Status, rules and explanation of one component that is not exchanged."""
    dated = {"R-WA-1", "R-WA-2"} | ({"R-WA-3"} if status.downtime_days else set())
    extra = f" plus {status.downtime_days} downtime day(s) (R-WA-3)" if status.downtime_days else ""
    head = (
        f"{status.class_id}: {status.months} month(s) from the {basis} {start}{extra}, "
        f"last covered day {status.ends_on}; reported {on}"
    )
    applicable = tuple(e for e in exclusions if e.component_class in (None, status.class_id))
    rules_hit = tuple(dict.fromkeys(e.rule for e in applicable))
    if not status.covered:
        late = (on - status.ends_on).days
        return ComponentEntitlement(
            status.class_id,
            CoverageStatus.EXPIRED,
            status.ends_on,
            sorted_rules(dated | {"R-WA-4", "R-WA-7"}),
            f"{head}: out of warranty for {late} day(s) (R-WA-4) — paid service (R-WA-7).",
            rules_hit,
        )
    if applicable:
        misuse_only = all(e.rule is ExclusionRule.MISUSE for e in applicable)
        why = "; ".join(f"{e.rule.value}: {e.reason} (by {e.recorded_by})" for e in applicable)
        price = ", parts at the preferential price (R-WA-6)" if misuse_only else ""
        return ComponentEntitlement(
            status.class_id,
            CoverageStatus.EXCLUDED,
            status.ends_on,
            sorted_rules({"R-WA-4", "R-WA-7"} | ({"R-WA-6"} if misuse_only else set())),
            f"{head}: in warranty but excluded — {why} (R-WA-4); paid{price}.",
            rules_hit,
            misuse_only,
        )
    return ComponentEntitlement(
        status.class_id,
        CoverageStatus.COVERED,
        status.ends_on,
        sorted_rules(dated | {"R-WA-6"}),
        f"{head}: covered — repair and parts free (R-WA-6).",
    )


def evaluate(
    ticket: TicketFacts,
    asset: AssetFacts,
    policy: WarrantyPolicy,
    exclusions: Sequence[Exclusion] = (),
    free_visits_used: int = 0,
    downtime: Sequence[DowntimePeriod] = (),
) -> Entitlement:
    """Decide the charge of ``ticket`` (R-WA-1 … R-WA-8); see the module docstring."""
    classes = _classes(ticket, policy, exclusions)
    if free_visits_used < 0:
        raise WarrantyFactsError("free_visits_used", "must be ≥ 0")
    on = local_date(ticket.reported_at, asset_zone(asset), field="reported_at")
    if on < asset.sold_on:
        raise WarrantyFactsError("reported_at", f"{on} is before the sale on {asset.sold_on}")
    status = warranty_status(asset, policy, on, downtime)
    basis = status.basis.value.replace("_", " ")
    notes: list[str] = []
    claim = ticket.exchange_claim
    refusal = None if claim is None else _exchange_refusal(claim, asset, policy, on, exclusions)
    if refusal is not None:
        notes.append(f"No exchange: {refusal}.")
    if claim is not None and refusal is None:
        text = (
            f"reported {on}, within {policy.exchange_window_months} month(s) of the purchase on "
            f"{asset.sold_on}; unrepairable quality fault, unit intact, accessories complete, "
            "packaging intact → exchange for the same model (R-WA-5)."
        )
        components = tuple(
            ComponentEntitlement(
                c, CoverageStatus.EXCHANGE, status.component(c).ends_on, ("R-WA-5",), f"{c}: {text}"
            )
            for c in classes
        )
    else:
        components = tuple(_judge(status.component(c), basis, status.start, on, exclusions) for c in classes)
    kinds = {c.status for c in components}
    free_left = max(policy.free_visits_after_warranty - free_visits_used, 0)
    uses_free_visit = kinds == {CoverageStatus.EXPIRED} and free_left > 0
    if kinds == {CoverageStatus.EXCHANGE}:
        charge = Charge.EXCHANGE
    elif kinds == {CoverageStatus.COVERED}:
        charge = Charge.FREE
    else:
        charge = Charge.PAID
    charged = [c for c in components if c.status in (CoverageStatus.EXPIRED, CoverageStatus.EXCLUDED)]
    preferential = bool(charged) and all(c.preferential_parts for c in charged)
    visit_free_rule = None
    if charge is Charge.EXCHANGE:
        visit_free_rule = "R-WA-5"
    elif CoverageStatus.COVERED in kinds:
        visit_free_rule = "R-WA-6"
    elif uses_free_visit:
        visit_free_rule = "R-WA-8"
    rules = {r for c in components for r in c.rules}
    if uses_free_visit:
        rules.add("R-WA-8")
        free_left -= 1
        notes.append(f"Free visit after warranty (R-WA-8): {free_left} left after this one; parts charged.")
    elif charge is Charge.PAID and CoverageStatus.COVERED in kinds:
        notes.append("The visit is free because a covered component is repaired; other parts paid.")
    elif charge is Charge.PAID:
        notes.append("Call-out, travel, labour and parts are paid (R-WA-7).")
    if charge is Charge.PAID:
        notes.append("The customer must confirm the quote before dispatch (R-WA-7).")
    headline = f"Charge: {charge.value} (policy {policy.name} v{policy.version})."
    return Entitlement(
        charge=charge,
        on=on,
        policy_name=policy.name,
        policy_version=policy.version,
        basis=status.basis,
        start=status.start,
        components=components,
        visit_free_rule=visit_free_rule,
        uses_free_visit=uses_free_visit,
        free_visits_left=free_left,
        preferential_parts=preferential,
        needs_confirmation=charge is Charge.PAID,
        rules=sorted_rules(rules | ({"R-WA-7"} if charge is Charge.PAID else set())),
        explanation=" ".join([headline, *(c.explanation for c in components), *notes]),
    )
