"""Policy presets as versioned data: contents, version binding, and validation of the files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dispatch.warranty import (
    BUILTIN_POLICIES_DIR,
    FAULT_TYPES,
    PolicyFileError,
    PolicyNotInForce,
    ProductLine,
    StartBasis,
    UnknownComponentClass,
    UnknownWarrantyPolicy,
    WarrantyPolicy,
    WarrantyPolicyRegistry,
    load_policies,
    load_policy_file,
)

EQUIPMENT_FILE = BUILTIN_POLICIES_DIR / "equipment-1y-v1.toml"


def test_r_wa_1_vehicle_component_classes(vehicle: WarrantyPolicy) -> None:
    assert {c.id: c.months for c in vehicle.classes} == {
        "wear_lines": 3,
        "rotating_shaft": 3,
        "tow_wheel": 6,
        "oil_hose": 6,
        "radiator": 6,
        "reducer": 12,
        "hydraulic_motor": 12,
        "oil_pump": 12,
        "front_bracket": 12,
        "rear_bracket": 12,
        "tank_body": 12,
        "sub_frame": 12,
    }


def test_r_wa_2_r_wa_5_vehicle_preset_flags(vehicle: WarrantyPolicy) -> None:
    assert vehicle.product_line is ProductLine.VEHICLE
    assert vehicle.start_basis is StartBasis.REGISTRATION_DATE
    assert vehicle.exchange_window_months == 1
    assert vehicle.downtime_extends is False
    assert vehicle.free_visits_after_warranty == 0
    assert vehicle.default_class is None


def test_r_wa_2_r_wa_3_r_wa_8_equipment_preset_flags(equipment: WarrantyPolicy) -> None:
    assert equipment.product_line is ProductLine.EQUIPMENT
    assert equipment.start_basis is StartBasis.ACCEPTANCE_DATE
    assert [(c.id, c.months) for c in equipment.classes] == [("whole_unit", 12)]
    assert equipment.downtime_extends is True
    assert equipment.free_visits_after_warranty == 2
    assert equipment.exchange_window_months is None
    assert equipment.default_class == "whole_unit"


@pytest.mark.parametrize("name", ["vehicle-components", "equipment-1y"])
def test_r_wa_7_price_lists_are_exact_decimals(registry: WarrantyPolicyRegistry, name: str) -> None:
    prices = registry.get(name).prices
    assert prices.currency == "CNY"
    assert set(FAULT_TYPES) <= set(prices.standard_labour_hours)
    for value in (prices.call_out_fee, prices.travel_per_km, prices.labour_per_hour):
        assert isinstance(value, Decimal)
    assert Decimal(0) < prices.misuse_parts_discount < Decimal(1)  # R-WA-6


def test_r_wa_1_unknown_component_class_names_the_valid_ones(vehicle: WarrantyPolicy) -> None:
    with pytest.raises(UnknownComponentClass) as info:
        vehicle.component("gearbox")
    assert info.value.class_id == "gearbox"
    assert "reducer" in info.value.valid
    assert "gearbox" in str(info.value)
    assert "sub_frame" in str(info.value)


def test_registry_lookup(registry: WarrantyPolicyRegistry) -> None:
    assert registry.names() == ("equipment-1y", "vehicle-components")
    assert registry.get("vehicle-components").version == 1
    with pytest.raises(UnknownWarrantyPolicy, match="nope"):
        registry.get("nope")
    with pytest.raises(UnknownWarrantyPolicy, match="version 9"):
        registry.get("vehicle-components", 9)


def test_policy_not_in_force_before_the_first_version(registry: WarrantyPolicyRegistry) -> None:
    assert registry.version_for("vehicle-components", date(2020, 1, 1)) == 1
    with pytest.raises(PolicyNotInForce) as info:
        registry.version_for("vehicle-components", date(2019, 12, 31))
    assert info.value.first_effective == date(2020, 1, 1)
    assert "2019-12-31" in str(info.value)
    assert info.value.field == "sold_on"


def _write_versions(directory: Path, second_effective: str = "2026-01-01") -> None:
    text = EQUIPMENT_FILE.read_text(encoding="utf-8")
    (directory / "a-v1.toml").write_text(text, encoding="utf-8")
    v2 = text.replace("version = 1", "version = 2").replace(
        "effective_from = 2020-01-01", f"effective_from = {second_effective}"
    )
    v2 = v2.replace("months = 12", "months = 24")
    (directory / "b-v2.toml").write_text(v2, encoding="utf-8")


def test_an_asset_keeps_the_version_in_force_on_its_sale_day(tmp_path: Path) -> None:
    _write_versions(tmp_path)
    registry = load_policies(tmp_path)
    assert registry.version_for("equipment-1y", date(2025, 12, 31)) == 1
    assert registry.version_for("equipment-1y", date(2026, 1, 1)) == 2
    assert registry.policy_for("equipment-1y", date(2030, 1, 1)).classes[0].months == 24
    assert registry.get("equipment-1y").version == 2
    assert registry.get("equipment-1y", 1).classes[0].months == 12
    assert [p.version for p in registry.versions("equipment-1y")] == [1, 2]


def test_versions_must_take_effect_in_order(tmp_path: Path) -> None:
    _write_versions(tmp_path, second_effective="2019-06-01")
    with pytest.raises(PolicyFileError) as info:
        load_policies(tmp_path)
    assert info.value.key == "effective_from"
    assert info.value.path == tmp_path / "b-v2.toml"


def test_duplicate_versions_name_both_files(tmp_path: Path) -> None:
    text = EQUIPMENT_FILE.read_text(encoding="utf-8")
    (tmp_path / "one.toml").write_text(text, encoding="utf-8")
    (tmp_path / "two.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"one\.toml") as info:
        load_policies(tmp_path)
    assert info.value.path == tmp_path / "two.toml"
    assert info.value.key == "version"


BROKEN = [
    ('name = "equipment-1y"', 'name = "Equipment 1Y"', "name"),
    ("version = 1", 'version = "1"', "version"),
    ("effective_from = 2020-01-01", 'effective_from = "2020-01-01"', "effective_from"),
    ("effective_from = 2020-01-01", "effective_from = 2020-01-01T08:00:00", "effective_from"),
    ('product_line = "equipment"', 'product_line = "boat"', "product_line"),
    ('basis = "acceptance_date"', 'basis = "delivery_date"', "start.basis"),
    ("extends = true", "extend = true", "downtime.extend"),
    ("extends = true", 'extends = "yes"', "downtime.extends"),
    ("free_visits = 2", "free_visits = -1", "after_warranty.free_visits"),
    ("months = 12", "months = 0", "classes.whole_unit.months"),
    ("months = 12", "months = 12.0", "classes.whole_unit.months"),
    ('default_class = "whole_unit"', 'default_class = "engine"', "default_class"),
    ('currency = "CNY"', 'currency = "yuan"', "prices.currency"),
    ('call_out_fee = "500.00"', "call_out_fee = 500.5", "prices.call_out_fee"),
    ('call_out_fee = "500.00"', 'call_out_fee = "lots"', "prices.call_out_fee"),
    ('travel_per_km = "2.50"', 'travel_per_km = "-1"', "prices.travel_per_km"),
    ('labour_per_hour = "200.00"\n', "", "prices.labour_per_hour"),
    (
        'misuse_parts_discount = "0.15"',
        'misuse_parts_discount = "1"',
        "prices.misuse_parts_discount",
    ),
    ('other = "2"\n', "", "prices.standard_labour_hours.other"),
    ("quote_valid_days = 7", "quote_valid_days = 0", "prices.quote_valid_days"),
]


@pytest.mark.parametrize(("old", "new", "key"), BROKEN, ids=[case[2] for case in BROKEN])
def test_malformed_policy_names_the_file_and_the_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    text = EQUIPMENT_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyFileError) as info:
        load_policy_file(path)
    assert info.value.path == path
    assert info.value.key == key
    assert str(path) in str(info.value)
    assert key in str(info.value)
    with pytest.raises(PolicyFileError):
        load_policies(tmp_path)


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text('name = "x"\nversion = \n', encoding="utf-8")
    with pytest.raises(PolicyFileError, match="invalid TOML") as info:
        load_policy_file(path)
    assert info.value.key is None
    assert "syntax.toml" in str(info.value)


def test_policy_without_classes_is_refused(tmp_path: Path) -> None:
    text = EQUIPMENT_FILE.read_text(encoding="utf-8")
    text = text.replace('[classes.whole_unit]\nmonths = 12\nlabel = "Whole unit"\n', "")
    text = text.replace('default_class = "whole_unit"', "")
    path = tmp_path / "empty.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError) as info:
        load_policy_file(path)
    assert info.value.key == "classes"


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match="not a directory"):
        load_policies(tmp_path / "absent")
