"""Warranty status of an asset on a day: per component class, the last covered day.

R-WA-1 gives each component class its months; R-WA-2 picks the start date (registration
date for vehicles, acceptance date for equipment); R-WA-3 adds downtime days where the
policy says so. Downtime counts for a class only when the fault that caused it began
inside that class's (already extended) warranty: a period starting after the class expired,
or before the warranty started, adds nothing to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatch.warranty.dates import DowntimePeriod, coverage_end, local_date, period_dates
from dispatch.warranty.errors import PolicyNotInForce, WarrantyFactsError
from dispatch.warranty.facts import AssetFacts
from dispatch.warranty.policy import ProductLine, StartBasis, WarrantyPolicy


@dataclass(frozen=True, slots=True)
class ClassStatus:
    """One component class on the status day. ``ends_on`` is the last covered day."""

    class_id: str
    label: str
    months: int
    base_ends_on: date
    downtime_days: int
    ends_on: date
    covered: bool


@dataclass(frozen=True, slots=True)
class WarrantyStatus:
    """Warranty of one asset on day ``on`` under one policy version."""

    policy_name: str
    policy_version: int
    basis: StartBasis
    start: date
    on: date
    downtime_extends: bool
    components: tuple[ClassStatus, ...]

    def component(self, class_id: str) -> ClassStatus:
        """The status of ``class_id`` (``KeyError`` if the policy has no such class)."""
        for status in self.components:
            if status.class_id == class_id:
                return status
        raise KeyError(class_id)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def asset_zone(asset: AssetFacts) -> tzinfo:
    """The customer's time zone of ``asset``; ``WarrantyFactsError`` if it is unknown."""
    try:
        return _zone(asset.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise WarrantyFactsError("timezone", f"unknown time zone {asset.timezone!r}") from None


def warranty_start(asset: AssetFacts, policy: WarrantyPolicy) -> date:
    """The start date the policy's basis names (R-WA-2); refuses to guess when it is missing."""
    if policy.start_basis is StartBasis.REGISTRATION_DATE:
        start = asset.registration_date
    else:
        start = asset.acceptance_date
    if start is None:
        raise WarrantyFactsError(
            policy.start_basis.value,
            f"policy {policy.name} v{policy.version} starts the warranty on the "
            f"{policy.start_basis.value.replace('_', ' ')} (R-WA-2), and the asset has none",
        )
    return start


def check_policy_applies(asset: AssetFacts, policy: WarrantyPolicy) -> None:
    """The policy must be written for the asset's product line and in force on its sale day."""
    if policy.product_line != asset.product_line:
        raise WarrantyFactsError(
            "product_line",
            f"policy {policy.name} is for {policy.product_line.value} assets, "
            f"not {ProductLine(asset.product_line).value}",
        )
    if asset.sold_on < policy.effective_from:
        raise PolicyNotInForce(policy.name, asset.sold_on, policy.effective_from)


def _extended_end(
    start: date, base_end: date, periods: Sequence[tuple[date, frozenset[date]]]
) -> tuple[date, int]:
    """Add downtime of periods that began inside ``[start, end]``, growing ``end`` as it goes."""
    counted: set[date] = set()
    end = base_end
    for first_day, days in periods:
        if first_day < start:
            continue
        if first_day > end:
            break
        counted |= days
        end = base_end + timedelta(days=len(counted))
    return end, len(counted)


def warranty_status(
    asset: AssetFacts,
    policy: WarrantyPolicy,
    on: date,
    downtime: Sequence[DowntimePeriod] = (),
) -> WarrantyStatus:
    """Per component class: months, last covered day and whether ``on`` is covered.

    ``covered`` means ``sold_on ≤ on ≤ ends_on``; a day between the sale and the start date
    (e.g. before registration) is covered — the clock has not started running yet.
    R-WA-1, R-WA-2, R-WA-3.
    """
    check_policy_applies(asset, policy)
    start = warranty_start(asset, policy)
    periods: list[tuple[date, frozenset[date]]] = []
    if policy.downtime_extends and downtime:
        tz = asset_zone(asset)
        periods = sorted(
            (
                (local_date(begin, tz, field="downtime"), period_dates((begin, end), tz))
                for begin, end in downtime
            ),
            key=lambda item: item[0],
        )
    components = []
    for component in policy.classes:
        base_end = coverage_end(start, component.months)
        ends_on, extra = _extended_end(start, base_end, periods)
        components.append(
            ClassStatus(
                class_id=component.id,
                label=component.label,
                months=component.months,
                base_ends_on=base_end,
                downtime_days=extra,
                ends_on=ends_on,
                covered=asset.sold_on <= on <= ends_on,
            )
        )
    return WarrantyStatus(
        policy_name=policy.name,
        policy_version=policy.version,
        basis=policy.start_basis,
        start=start,
        on=on,
        downtime_extends=policy.downtime_extends,
        components=tuple(components),
    )
