"""Quotes for paid visits (R-WA-7), with free visits (R-WA-8) and misuse discount (R-WA-6)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch.warranty import (
    AssetFacts,
    LineKind,
    PartLine,
    PricedQuote,
    ProductLine,
    TicketFacts,
    UnknownFaultType,
    WarrantyFactsError,
    WarrantyPolicy,
    evaluate,
    quote,
)

PUMP = PartLine(sku="OP-200", description="oil pump", quantity=2, unit_price=Decimal("185.50"))


def amounts(q: PricedQuote) -> dict[LineKind, Decimal]:
    return {line.kind: line.amount for line in q.lines if line.kind is not LineKind.PART}


def test_r_wa_7_standard_quote(vehicle: WarrantyPolicy) -> None:
    # call-out 300; travel (120 − 30 free) km × 3.00 = 270; mechanical 3 h × 150 = 450
    result = quote(vehicle.prices, 120, "mechanical")
    assert amounts(result) == {
        LineKind.CALL_OUT: Decimal("300.00"),
        LineKind.TRAVEL: Decimal("270.00"),
        LineKind.LABOUR: Decimal("450.00"),
    }
    assert result.total == Decimal("1020.00")
    assert isinstance(result.total, Decimal)
    assert result.currency == "CNY"
    assert result.rules == ("R-WA-7",)
    assert result.valid_days == 7
    assert [line.kind for line in result.lines] == [
        LineKind.CALL_OUT,
        LineKind.TRAVEL,
        LineKind.LABOUR,
    ]


def test_r_wa_7_parts_and_given_labour_hours(vehicle: WarrantyPolicy) -> None:
    result = quote(vehicle.prices, Decimal("20"), "hydraulic", labour_hours=Decimal("1.25"), parts=[PUMP])
    assert amounts(result)[LineKind.TRAVEL] == Decimal("0.00")  # inside the free radius
    assert amounts(result)[LineKind.LABOUR] == Decimal("187.50")
    part = result.lines[-1]
    assert (part.kind, part.quantity, part.amount) == (LineKind.PART, Decimal(2), Decimal("371.00"))
    assert result.total == Decimal("300.00") + Decimal("187.50") + Decimal("371.00")


def test_r_wa_7_amounts_are_rounded_to_the_cent(vehicle: WarrantyPolicy) -> None:
    result = quote(vehicle.prices, 33.333, "other")  # 3.333 km × 3.00 = 9.999
    assert amounts(result)[LineKind.TRAVEL] == Decimal("10.00")


def test_r_wa_6_misuse_parts_at_the_preferential_price(vehicle: WarrantyPolicy) -> None:
    result = quote(vehicle.prices, 10, "mechanical", parts=[PUMP], preferential_parts=True)
    assert result.lines[-1].amount == Decimal("296.80")  # 371.00 × (1 − 0.20)
    assert "R-WA-6" in result.lines[-1].note
    assert amounts(result)[LineKind.LABOUR] == Decimal("450.00")  # service itself is paid
    assert result.rules == ("R-WA-6", "R-WA-7")


def test_r_wa_8_free_visit_charges_parts_only(equipment: WarrantyPolicy) -> None:
    result = quote(equipment.prices, 300, "electrical", parts=[PUMP], visit_free_rule="R-WA-8")
    assert set(amounts(result).values()) == {Decimal("0.00")}
    assert all("R-WA-8" in line.note for line in result.lines if line.kind is not LineKind.PART)
    assert result.total == Decimal("371.00")
    assert result.rules == ("R-WA-7", "R-WA-8")


def test_unknown_fault_type_names_the_valid_ones(vehicle: WarrantyPolicy) -> None:
    with pytest.raises(UnknownFaultType) as info:
        quote(vehicle.prices, 10, "plumbing")
    assert "tyre" in info.value.valid
    assert info.value.field == "fault_type"


@pytest.mark.parametrize(
    ("distance", "hours", "parts", "field"),
    [
        (-1, None, (), "distance_km"),
        (float("nan"), None, (), "distance_km"),
        (10, Decimal(-2), (), "labour_hours"),
        (10, None, (PartLine("X", "", 0, Decimal(1)),), "parts"),
        (10, None, (PartLine("X", "", 1, Decimal(-1)),), "parts"),
    ],
)
def test_bad_quote_input_is_refused(
    vehicle: WarrantyPolicy,
    distance: float,
    hours: Decimal | None,
    parts: tuple[PartLine, ...],
    field: str,
) -> None:
    with pytest.raises(WarrantyFactsError) as info:
        quote(vehicle.prices, distance, "body", labour_hours=hours, parts=parts)
    assert info.value.field == field


def test_r_wa_6_r_wa_8_quote_follows_the_entitlement(equipment: WarrantyPolicy) -> None:
    asset = AssetFacts(ProductLine.EQUIPMENT, date(2024, 1, 2), acceptance_date=date(2024, 1, 10))
    reported = datetime(2025, 5, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    entitlement = evaluate(TicketFacts(reported), asset, equipment)
    result = quote(
        equipment.prices,
        80,
        "control",
        parts=[PUMP],
        visit_free_rule=entitlement.visit_free_rule,
        preferential_parts=entitlement.preferential_parts,
    )
    assert result.total == Decimal("371.00")
