"""Price a paid visit from the policy's price list (R-WA-7).

Lines: call-out fee, travel (per km of the one-way distance beyond the free radius), labour
(given hours, or the fault type's standard hours) and one line per part. Amounts are rounded
to the cent, half up, line by line; the total is the sum of the lines. A free visit (R-WA-8,
or a covered component on the same ticket, R-WA-6) keeps the call-out, travel and labour lines
at amount 0 so the customer sees what was waived; misuse in warranty sells parts at the
preferential price (R-WA-6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from dispatch.warranty.errors import WarrantyFactsError
from dispatch.warranty.facts import sorted_rules
from dispatch.warranty.policy import PriceList

_CENT = Decimal("0.01")


class LineKind(StrEnum):
    CALL_OUT = "call_out"
    TRAVEL = "travel"
    LABOUR = "labour"
    PART = "part"


@dataclass(frozen=True, slots=True)
class PartLine:
    """A part to quote: list ``unit_price`` in the price list's currency."""

    sku: str
    description: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class QuoteLine:
    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class PricedQuote:
    """A priced proposal; the caller stores it and sets ``expires_at`` from ``valid_days``."""

    currency: str
    fault_type: str
    lines: tuple[QuoteLine, ...]
    total: Decimal
    valid_days: int
    rules: tuple[str, ...]


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Decimal | int | float, field: str) -> Decimal:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise WarrantyFactsError(field, f"expected a finite number ≥ 0, got {value!r}")
    return number


def quote(
    prices: PriceList,
    distance_km: Decimal | int | float,
    fault_type: str,
    labour_hours: Decimal | int | float | None = None,
    parts: Sequence[PartLine] = (),
    *,
    visit_free_rule: str | None = None,
    preferential_parts: bool = False,
) -> PricedQuote:
    """PricedQuote a visit of ``distance_km`` (one way) for ``fault_type`` (R-WA-7).

    ``labour_hours`` None → the price list's standard hours for the fault type
    (``UnknownFaultType`` if it has none). ``visit_free_rule`` (e.g. ``"R-WA-8"``, from
    ``Entitlement.visit_free_rule``) waives call-out, travel and labour; ``preferential_parts``
    applies the price list's ``misuse_parts_discount`` to parts (R-WA-6).
    """
    distance = _decimal(distance_km, "distance_km")
    standard = prices.standard_hours(fault_type)
    hours = standard if labour_hours is None else _decimal(labour_hours, "labour_hours")
    chargeable_km = max(distance - prices.travel_free_km, Decimal(0))
    waived = f"waived: free visit ({visit_free_rule})" if visit_free_rule else ""
    visit = Decimal(0) if visit_free_rule else Decimal(1)
    lines = [
        QuoteLine(
            LineKind.CALL_OUT,
            "call-out fee",
            Decimal(1),
            "visit",
            prices.call_out_fee,
            _money(prices.call_out_fee * visit),
            waived,
        ),
        QuoteLine(
            LineKind.TRAVEL,
            f"travel: {distance} km one way, first {prices.travel_free_km} km free",
            chargeable_km,
            "km",
            prices.travel_per_km,
            _money(chargeable_km * prices.travel_per_km * visit),
            waived,
        ),
        QuoteLine(
            LineKind.LABOUR,
            f"labour ({fault_type})" + (" at standard hours" if labour_hours is None else ""),
            hours,
            "h",
            prices.labour_per_hour,
            _money(hours * prices.labour_per_hour * visit),
            waived,
        ),
    ]
    discount = prices.misuse_parts_discount if preferential_parts else Decimal(0)
    for part in parts:
        if part.quantity <= 0:
            raise WarrantyFactsError("parts", f"{part.sku}: quantity must be > 0")
        unit_price = _decimal(part.unit_price, "parts")
        note = f"preferential price: {discount * 100:g} % off (R-WA-6)" if discount else ""
        lines.append(
            QuoteLine(
                LineKind.PART,
                f"{part.sku} {part.description}".strip(),
                Decimal(part.quantity),
                "pc",
                unit_price,
                _money(unit_price * part.quantity * (1 - discount)),
                note,
            )
        )
    rules = {"R-WA-7"} | ({visit_free_rule} if visit_free_rule else set())
    rules |= {"R-WA-6"} if discount else set()
    return PricedQuote(
        currency=prices.currency,
        fault_type=fault_type,
        lines=tuple(lines),
        total=sum((line.amount for line in lines), Decimal(0)),
        valid_days=prices.quote_valid_days,
        rules=sorted_rules(rules),
    )
