"""Warranty status per component class: R-WA-1 months, R-WA-2 start, R-WA-3 downtime."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.warranty import (
    AssetFacts,
    PolicyNotInForce,
    ProductLine,
    StartBasis,
    WarrantyFactsError,
    WarrantyPolicy,
    warranty_status,
)

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=SH)


TRUCK = AssetFacts(
    product_line=ProductLine.VEHICLE,
    sold_on=date(2025, 3, 1),
    registration_date=date(2025, 3, 10),
)
ANALYSER = AssetFacts(
    product_line=ProductLine.EQUIPMENT,
    sold_on=date(2025, 5, 20),
    acceptance_date=date(2025, 6, 15),
)


@pytest.mark.parametrize(
    ("class_id", "last_day"),
    [
        ("wear_lines", date(2025, 6, 9)),
        ("rotating_shaft", date(2025, 6, 9)),
        ("tow_wheel", date(2025, 9, 9)),
        ("radiator", date(2025, 9, 9)),
        ("reducer", date(2026, 3, 9)),
        ("sub_frame", date(2026, 3, 9)),
    ],
)
def test_r_wa_1_r_wa_2_last_covered_day_then_expired(
    vehicle: WarrantyPolicy, class_id: str, last_day: date
) -> None:
    on_last = warranty_status(TRUCK, vehicle, last_day).component(class_id)
    assert on_last.ends_on == last_day
    assert on_last.covered
    day_after = date.fromordinal(last_day.toordinal() + 1)
    assert not warranty_status(TRUCK, vehicle, day_after).component(class_id).covered


def test_r_wa_2_vehicle_starts_on_registration_date(vehicle: WarrantyPolicy) -> None:
    status = warranty_status(TRUCK, vehicle, date(2025, 4, 1))
    assert status.start == date(2025, 3, 10)
    assert status.basis is StartBasis.REGISTRATION_DATE
    assert (status.policy_name, status.policy_version) == ("vehicle-components", 1)
    assert [c.class_id for c in status.components] == list(vehicle.class_ids)


def test_r_wa_2_equipment_starts_on_acceptance_date(equipment: WarrantyPolicy) -> None:
    status = warranty_status(ANALYSER, equipment, date(2026, 6, 14))
    assert status.start == date(2025, 6, 15)
    assert status.basis is StartBasis.ACCEPTANCE_DATE
    whole = status.component("whole_unit")
    assert (whole.ends_on, whole.covered) == (date(2026, 6, 14), True)
    assert not warranty_status(ANALYSER, equipment, date(2026, 6, 15)).components[0].covered


def test_r_wa_2_missing_start_date_is_an_error_not_a_guess(vehicle: WarrantyPolicy) -> None:
    unregistered = AssetFacts(product_line=ProductLine.VEHICLE, sold_on=date(2025, 3, 1))
    with pytest.raises(WarrantyFactsError, match="registration date") as info:
        warranty_status(unregistered, vehicle, date(2025, 4, 1))
    assert info.value.field == "registration_date"


def test_r_wa_2_days_between_sale_and_start_are_covered(vehicle: WarrantyPolicy) -> None:
    assert warranty_status(TRUCK, vehicle, date(2025, 3, 5)).component("wear_lines").covered
    assert not warranty_status(TRUCK, vehicle, date(2025, 2, 28)).component("wear_lines").covered


def test_r_wa_3_downtime_extends_equipment_warranty(equipment: WarrantyPolicy) -> None:
    down = [(at(2025, 8, 1, 9), at(2025, 8, 3, 17))]  # 1, 2, 3 August → 3 days
    last = warranty_status(ANALYSER, equipment, date(2026, 6, 17), down).component("whole_unit")
    assert (last.base_ends_on, last.downtime_days, last.ends_on) == (
        date(2026, 6, 14),
        3,
        date(2026, 6, 17),
    )
    assert last.covered
    after = warranty_status(ANALYSER, equipment, date(2026, 6, 18), down).component("whole_unit")
    assert not after.covered


def test_r_wa_3_downtime_does_not_extend_where_the_policy_says_no(
    vehicle: WarrantyPolicy,
) -> None:
    down = [(at(2025, 4, 1, 9), at(2025, 4, 10, 17))]
    reducer = warranty_status(TRUCK, vehicle, date(2026, 3, 10), down).component("reducer")
    assert (reducer.downtime_days, reducer.ends_on, reducer.covered) == (0, date(2026, 3, 9), False)


def test_r_wa_3_downtime_counts_only_for_faults_inside_the_warranty(
    equipment: WarrantyPolicy,
) -> None:
    down = [
        (at(2025, 6, 1, 9), at(2025, 6, 3, 9)),  # before acceptance: nothing to extend
        (at(2026, 6, 20, 9), at(2026, 6, 22, 9)),  # after the (extended) end
    ]
    whole = warranty_status(ANALYSER, equipment, date(2026, 6, 1), down).component("whole_unit")
    assert (whole.downtime_days, whole.ends_on) == (0, date(2026, 6, 14))


def test_r_wa_3_extension_can_bring_a_later_fault_into_warranty(
    equipment: WarrantyPolicy,
) -> None:
    down = [
        (at(2026, 6, 10, 9), at(2026, 6, 12, 10)),  # 10–12 June: end moves to 17 June
        (at(2026, 6, 16, 8), at(2026, 6, 16, 18)),  # starts inside the extension: +1 → 18 June
        (at(2026, 6, 19, 8), at(2026, 6, 19, 18)),  # starts after 18 June: not counted
    ]
    whole = warranty_status(ANALYSER, equipment, date(2026, 6, 18), down).component("whole_unit")
    assert (whole.downtime_days, whole.ends_on, whole.covered) == (4, date(2026, 6, 18), True)


def test_r_wa_3_overlapping_downtime_extends_once(equipment: WarrantyPolicy) -> None:
    down = [(at(2025, 8, 1, 9), at(2025, 8, 3, 17)), (at(2025, 8, 2, 9), at(2025, 8, 4, 1))]
    whole = warranty_status(ANALYSER, equipment, date(2026, 1, 1), down).component("whole_unit")
    assert (whole.downtime_days, whole.ends_on) == (4, date(2026, 6, 18))


def test_policy_not_in_force_for_an_asset_sold_before_it(vehicle: WarrantyPolicy) -> None:
    old = AssetFacts(
        product_line=ProductLine.VEHICLE,
        sold_on=date(2019, 12, 31),
        registration_date=date(2020, 1, 5),
    )
    with pytest.raises(PolicyNotInForce, match="2019-12-31"):
        warranty_status(old, vehicle, date(2020, 2, 1))


def test_policy_must_match_the_product_line(equipment: WarrantyPolicy) -> None:
    with pytest.raises(WarrantyFactsError) as info:
        warranty_status(TRUCK, equipment, date(2025, 4, 1))
    assert info.value.field == "product_line"


def test_unknown_time_zone_is_an_error(equipment: WarrantyPolicy) -> None:
    lost = AssetFacts(
        product_line=ProductLine.EQUIPMENT,
        sold_on=date(2025, 5, 20),
        acceptance_date=date(2025, 6, 15),
        timezone="Mars/Olympus",
    )
    with pytest.raises(WarrantyFactsError) as info:
        warranty_status(lost, equipment, date(2025, 7, 1), [(at(2025, 7, 1), at(2025, 7, 2))])
    assert info.value.field == "timezone"
