"""Who pays: covered / expired / excluded / exchange (R-WA-1 … R-WA-8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.warranty import (
    AssetFacts,
    Charge,
    CoverageStatus,
    ExchangeClaim,
    Exclusion,
    ExclusionRule,
    PolicyNotInForce,
    ProductLine,
    TicketFacts,
    UnknownComponentClass,
    WarrantyFactsError,
    WarrantyPolicy,
    evaluate,
)

SH = ZoneInfo("Asia/Shanghai")

TRUCK = AssetFacts(
    product_line=ProductLine.VEHICLE,
    sold_on=date(2025, 3, 1),
    registration_date=date(2025, 3, 10),
)
ANALYSER = AssetFacts(
    product_line=ProductLine.EQUIPMENT,
    sold_on=date(2024, 1, 2),
    acceptance_date=date(2024, 1, 10),  # last covered day 2025-01-09
)
INTACT = ExchangeClaim(
    unrepairable_quality_fault=True,
    unit_intact=True,
    accessories_complete=True,
    packaging_intact=True,
)


def ticket(day: date, *components: str, claim: ExchangeClaim | None = None) -> TicketFacts:
    reported = datetime(day.year, day.month, day.day, 10, tzinfo=SH)
    return TicketFacts(reported_at=reported, components=components, exchange_claim=claim)


def excl(rule: ExclusionRule, component: str | None = None) -> Exclusion:
    return Exclusion(rule, reason="seen on site", recorded_by="qa.li", component_class=component)


def test_r_wa_6_in_warranty_is_free(vehicle: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2026, 3, 9), "reducer"), TRUCK, vehicle)
    assert result.charge is Charge.FREE
    (reducer,) = result.components
    assert (reducer.status, reducer.ends_on) == (CoverageStatus.COVERED, date(2026, 3, 9))
    assert reducer.rules == ("R-WA-1", "R-WA-2", "R-WA-6")
    assert not result.needs_confirmation
    assert result.visit_free_rule == "R-WA-6"
    assert "2026-03-09" in result.explanation
    assert "registration date" in result.explanation


def test_r_wa_4_r_wa_7_first_uncovered_day_is_paid(vehicle: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2026, 3, 10), "reducer"), TRUCK, vehicle)
    assert result.charge is Charge.PAID
    assert result.components[0].status is CoverageStatus.EXPIRED
    assert result.components[0].rules == ("R-WA-1", "R-WA-2", "R-WA-4", "R-WA-7")
    assert result.needs_confirmation
    assert not result.visit_free
    assert not result.uses_free_visit


def test_r_wa_1_evaluated_on_the_local_reporting_date(vehicle: WarrantyPolicy) -> None:
    # 15:59 UTC on 9 March is 23:59 in Shanghai: still the last covered day
    late = TicketFacts(datetime(2026, 3, 9, 15, 59, tzinfo=UTC), ("reducer",))
    assert evaluate(late, TRUCK, vehicle).components[0].status is CoverageStatus.COVERED
    # 16:30 UTC on 9 March is already 10 March in Shanghai: expired
    later = TicketFacts(datetime(2026, 3, 9, 16, 30, tzinfo=UTC), ("reducer",))
    result = evaluate(later, TRUCK, vehicle)
    assert result.on == date(2026, 3, 10)
    assert result.components[0].status is CoverageStatus.EXPIRED


def test_r_wa_1_components_expire_separately(vehicle: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2025, 7, 1), "wear_lines", "tow_wheel"), TRUCK, vehicle)
    assert [c.status for c in result.components] == [
        CoverageStatus.EXPIRED,
        CoverageStatus.COVERED,
    ]
    # the covered repair takes the engineer there anyway: visit free, other parts paid
    assert result.charge is Charge.PAID
    assert result.visit_free_rule == "R-WA-6"
    assert result.needs_confirmation


def test_r_wa_3_downtime_extends_the_entitlement(equipment: WarrantyPolicy) -> None:
    down = [(datetime(2024, 5, 1, 9, tzinfo=SH), datetime(2024, 5, 2, 8, tzinfo=SH))]  # 2 days
    day = date(2025, 1, 11)
    assert evaluate(ticket(day), ANALYSER, equipment).components[0].status is (CoverageStatus.EXPIRED)
    result = evaluate(ticket(day), ANALYSER, equipment, downtime=down)
    (whole,) = result.components
    assert (whole.class_id, whole.status, whole.ends_on) == (
        "whole_unit",
        CoverageStatus.COVERED,
        date(2025, 1, 11),
    )
    assert "R-WA-3" in whole.rules
    assert "2 downtime day(s)" in whole.explanation
    nxt = evaluate(ticket(date(2025, 1, 12)), ANALYSER, equipment, downtime=down)
    assert nxt.components[0].status is CoverageStatus.EXPIRED


@pytest.mark.parametrize(
    "rule",
    [
        ExclusionRule.ACCIDENT,
        ExclusionRule.UNAUTHORISED_REPAIR,
        ExclusionRule.FORCE_MAJEURE,
        ExclusionRule.ALTERED_DOCUMENTS,
        ExclusionRule.CONCEALMENT,
    ],
)
def test_r_wa_4_exclusion_in_warranty_is_paid_at_list_price(
    vehicle: WarrantyPolicy, rule: ExclusionRule
) -> None:
    result = evaluate(ticket(date(2025, 5, 1), "reducer"), TRUCK, vehicle, [excl(rule)])
    (reducer,) = result.components
    assert reducer.status is CoverageStatus.EXCLUDED
    assert reducer.exclusions == (rule,)
    assert reducer.rules == ("R-WA-4", "R-WA-7")
    assert result.charge is Charge.PAID
    assert not result.preferential_parts
    assert not result.visit_free
    assert "qa.li" in reducer.explanation
    assert rule.value in reducer.explanation


def test_r_wa_6_misuse_in_warranty_is_paid_with_preferential_parts(
    vehicle: WarrantyPolicy,
) -> None:
    misuse = [excl(ExclusionRule.MISUSE)]
    result = evaluate(ticket(date(2025, 5, 1), "oil_pump"), TRUCK, vehicle, misuse)
    assert result.charge is Charge.PAID
    assert result.components[0].status is CoverageStatus.EXCLUDED
    assert result.components[0].rules == ("R-WA-4", "R-WA-6", "R-WA-7")
    assert result.preferential_parts
    assert "preferential" in result.explanation


def test_r_wa_6_misuse_together_with_an_accident_loses_the_discount(
    vehicle: WarrantyPolicy,
) -> None:
    both = [excl(ExclusionRule.MISUSE), excl(ExclusionRule.ACCIDENT)]
    result = evaluate(ticket(date(2025, 5, 1), "oil_pump"), TRUCK, vehicle, both)
    assert result.components[0].status is CoverageStatus.EXCLUDED
    assert not result.preferential_parts


def test_r_wa_6_misuse_after_warranty_is_plain_expiry(vehicle: WarrantyPolicy) -> None:
    misuse = [excl(ExclusionRule.MISUSE)]
    result = evaluate(ticket(date(2026, 4, 1), "oil_pump"), TRUCK, vehicle, misuse)
    assert result.components[0].status is CoverageStatus.EXPIRED
    assert not result.preferential_parts


def test_r_wa_4_exclusion_of_one_component_leaves_the_other_covered(
    vehicle: WarrantyPolicy,
) -> None:
    accident = [excl(ExclusionRule.ACCIDENT, "tank_body")]
    result = evaluate(ticket(date(2025, 5, 1), "tank_body", "oil_pump"), TRUCK, vehicle, accident)
    statuses = {c.class_id: c.status for c in result.components}
    assert statuses == {"tank_body": CoverageStatus.EXCLUDED, "oil_pump": CoverageStatus.COVERED}
    assert result.charge is Charge.PAID


# R-WA-5: window = sale day + 1 calendar month − 1 day
@pytest.mark.parametrize(
    ("sold_on", "last_exchange_day"),
    [
        (date(2026, 4, 1), date(2026, 4, 30)),  # 30-day month: day 30 in, day 31 out
        (date(2026, 3, 1), date(2026, 3, 31)),  # 31-day month: day 31 in, day 32 out
        (date(2026, 1, 31), date(2026, 2, 27)),  # clamped: 31 Jan + 1 month = 28 Feb
        (date(2024, 1, 31), date(2024, 2, 28)),  # leap year: 29 Feb − 1 day
    ],
)
def test_r_wa_5_exchange_window_boundaries(
    vehicle: WarrantyPolicy, sold_on: date, last_exchange_day: date
) -> None:
    asset = AssetFacts(ProductLine.VEHICLE, sold_on=sold_on, registration_date=sold_on)
    inside = evaluate(ticket(last_exchange_day, "reducer", claim=INTACT), asset, vehicle)
    assert inside.charge is Charge.EXCHANGE
    assert inside.components[0].status is CoverageStatus.EXCHANGE
    assert inside.rules == ("R-WA-5",)
    assert not inside.needs_confirmation
    day_after = date.fromordinal(last_exchange_day.toordinal() + 1)
    outside = evaluate(ticket(day_after, "reducer", claim=INTACT), asset, vehicle)
    assert outside.charge is Charge.FREE  # still in the 12-month warranty: repaired for free
    assert outside.components[0].status is CoverageStatus.COVERED
    assert "No exchange" in outside.explanation
    assert "exchange window" in outside.explanation


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("unrepairable_quality_fault", "not an unrepairable quality fault"),
        ("unit_intact", "unit is not intact"),
        ("accessories_complete", "accessories are not complete"),
        ("packaging_intact", "packaging is not intact"),
    ],
)
def test_r_wa_5_exchange_needs_every_condition(vehicle: WarrantyPolicy, field: str, text: str) -> None:
    claim = replace(INTACT, **{field: False})
    asset = AssetFacts(ProductLine.VEHICLE, date(2026, 4, 1), registration_date=date(2026, 4, 1))
    result = evaluate(ticket(date(2026, 4, 10), "reducer", claim=claim), asset, vehicle)
    assert result.charge is Charge.FREE
    assert text in result.explanation


def test_r_wa_5_no_exchange_with_an_exclusion(vehicle: WarrantyPolicy) -> None:
    asset = AssetFacts(ProductLine.VEHICLE, date(2026, 4, 1), registration_date=date(2026, 4, 1))
    accident = [excl(ExclusionRule.ACCIDENT)]
    result = evaluate(ticket(date(2026, 4, 10), "reducer", claim=INTACT), asset, vehicle, accident)
    assert result.charge is Charge.PAID
    assert result.components[0].status is CoverageStatus.EXCLUDED


def test_r_wa_5_not_in_a_policy_without_an_exchange_rule(equipment: WarrantyPolicy) -> None:
    asset = AssetFacts(ProductLine.EQUIPMENT, date(2026, 4, 1), acceptance_date=date(2026, 4, 2))
    result = evaluate(ticket(date(2026, 4, 10), claim=INTACT), asset, equipment)
    assert result.charge is Charge.FREE
    assert "has no exchange rule" in result.explanation


@pytest.mark.parametrize(("used", "left"), [(0, 1), (1, 0)])
def test_r_wa_8_free_visit_after_warranty(equipment: WarrantyPolicy, used: int, left: int) -> None:
    result = evaluate(ticket(date(2025, 5, 1)), ANALYSER, equipment, free_visits_used=used)
    assert result.components[0].status is CoverageStatus.EXPIRED
    assert result.charge is Charge.PAID  # parts are charged
    assert result.uses_free_visit
    assert result.visit_free_rule == "R-WA-8"
    assert result.free_visits_left == left
    assert "R-WA-8" in result.rules
    assert result.needs_confirmation


def test_r_wa_8_no_free_visit_once_they_are_used(equipment: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2025, 5, 1)), ANALYSER, equipment, free_visits_used=2)
    assert not result.uses_free_visit
    assert result.visit_free_rule is None
    assert result.free_visits_left == 0
    assert "R-WA-8" not in result.rules


def test_r_wa_8_free_visits_are_not_used_inside_warranty(equipment: WarrantyPolicy) -> None:
    misuse = [excl(ExclusionRule.MISUSE)]
    result = evaluate(ticket(date(2024, 6, 1)), ANALYSER, equipment, misuse)
    assert result.components[0].status is CoverageStatus.EXCLUDED
    assert not result.uses_free_visit
    assert result.free_visits_left == 2


def test_r_wa_8_vehicle_preset_grants_no_free_visits(vehicle: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2027, 1, 1), "reducer"), TRUCK, vehicle)
    assert not result.uses_free_visit
    assert result.free_visits_left == 0


def test_r_wa_1_unknown_component_class_is_refused(vehicle: WarrantyPolicy) -> None:
    with pytest.raises(UnknownComponentClass) as info:
        evaluate(ticket(date(2025, 5, 1), "reducer", "gearbox"), TRUCK, vehicle)
    assert info.value.class_id == "gearbox"
    assert info.value.valid == vehicle.class_ids
    with pytest.raises(UnknownComponentClass):
        evaluate(ticket(date(2025, 5, 1), "reducer"), TRUCK, vehicle, [excl(ExclusionRule.MISUSE, "x")])


def test_ticket_without_components(vehicle: WarrantyPolicy, equipment: WarrantyPolicy) -> None:
    assert evaluate(ticket(date(2024, 6, 1)), ANALYSER, equipment).components[0].class_id == ("whole_unit")
    with pytest.raises(WarrantyFactsError) as info:
        evaluate(ticket(date(2025, 5, 1)), TRUCK, vehicle)
    assert info.value.field == "components"


def test_repeated_components_are_evaluated_once(vehicle: WarrantyPolicy) -> None:
    result = evaluate(ticket(date(2025, 5, 1), "reducer", "reducer"), TRUCK, vehicle)
    assert len(result.components) == 1


def test_inconsistent_facts_are_refused(vehicle: WarrantyPolicy) -> None:
    with pytest.raises(WarrantyFactsError) as before_sale:
        evaluate(ticket(date(2025, 2, 1), "reducer"), TRUCK, vehicle)
    assert before_sale.value.field == "reported_at"
    with pytest.raises(WarrantyFactsError) as naive:
        evaluate(TicketFacts(datetime(2025, 5, 1, 10), ("reducer",)), TRUCK, vehicle)
    assert naive.value.field == "reported_at"
    anonymous = [Exclusion(ExclusionRule.MISUSE, reason=" ", recorded_by="qa.li")]
    with pytest.raises(WarrantyFactsError, match="reason"):
        evaluate(ticket(date(2025, 5, 1), "reducer"), TRUCK, vehicle, anonymous)
    with pytest.raises(WarrantyFactsError):
        evaluate(ticket(date(2025, 5, 1), "reducer"), TRUCK, vehicle, free_visits_used=-1)


def test_policy_not_in_force_is_refused_at_evaluation(vehicle: WarrantyPolicy) -> None:
    old = AssetFacts(ProductLine.VEHICLE, date(2019, 6, 1), registration_date=date(2019, 6, 1))
    with pytest.raises(PolicyNotInForce):
        evaluate(ticket(date(2019, 7, 1), "reducer"), old, vehicle)
