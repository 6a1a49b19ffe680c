"""Policy presets load, validate, and fail loudly with the file and tier named (R-DI-2 … R-DI-5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.errors import PolicyError, UnknownPolicy
from dispatch.tickets.intake import Urgency
from dispatch.tickets.policy import DispatchPolicyRegistry, load_policy_file

VALID = """
name = "test-policy"
version = 1
direct_radius_km = 200
[[tiers]]
from_km = 0
to_km = 200
arrival_hours = 12
[[tiers]]
from_km = 200
arrival_hours = 36
"""


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_presets_load() -> None:
    registry = DispatchPolicyRegistry.load()
    assert registry.names() == ["environment-100km", "equipment-1h", "military-300km", "vehicle-500km"]


def test_r_di_2_vehicle_preset_tiers() -> None:
    policy = DispatchPolicyRegistry.load().get("vehicle-500km")
    assert policy.direct_radius_km == 500
    assert [(t.from_km, t.to_km, t.arrival_hours) for t in policy.tiers] == [
        (0, 500, 24),
        (500, 1000, 48),
        (1000, None, 72),
    ]
    # R-DI-2: 500-1000 km inclusive is 48 h; exactly 500 km is still the 24 h tier.
    assert policy.tier_for(500.0).arrival_hours == 24
    assert policy.tier_for(500.001).arrival_hours == 48
    assert policy.tier_for(1000.0).arrival_hours == 48
    assert policy.tier_for(1000.001).arrival_hours == 72
    assert policy.tier_for(0.0).arrival_hours == 24


def test_r_di_3_military_gap_is_declared() -> None:
    policy = DispatchPolicyRegistry.load().get("military-300km")
    gap = policy.tier_for(1200)
    assert gap.gap and gap.arrival_hours is None
    assert policy.tier_for(1500.0).gap
    assert policy.tier_for(1500.001).arrival_hours == 72


def test_r_di_4_environment_appointment_beyond_100km() -> None:
    policy = DispatchPolicyRegistry.load().get("environment-100km")
    near, far = policy.tier_for(100), policy.tier_for(100.001)
    assert near.arrival_hours == 4
    assert far.appointment and far.arrival_hours is None
    assert policy.response_for(Urgency.NORMAL, near) == 30
    assert policy.response_for(Urgency.NORMAL, far) == 30  # the tightest applicable wins


def test_undeclared_gap_fails_naming_file_and_tier(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("from_km = 200\narrival_hours = 36", "from_km = 300\narrival_hours = 36"),
    )
    with pytest.raises(PolicyError) as error:
        load_policy_file(path)
    message = str(error.value)
    assert str(path) in message
    assert "tiers[1]" in message
    assert "between 200 and 300 km are not covered" in message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("arrival_hours = 12", ""), "tiers[0]"),
        (("arrival_hours = 12", "arrival_hours = -1"), "tiers[0].arrival_hours"),
        (("from_km = 200\narrival_hours = 36", "from_km = 150\narrival_hours = 36"), "tiers[1]"),
        (("version = 1", "version = 0"), "version"),
        (("version = 1", 'version = 1\ncolour = "red"'), "top level"),
        (("from_km = 0\n", "from_km = 10\n"), "tiers[0].from_km"),
        (
            ("from_km = 200\narrival_hours = 36", "from_km = 200\nto_km = 900\narrival_hours = 36"),
            "tiers[1].to_km",
        ),
        (("arrival_hours = 12", "arrival_hours = 12\ngap = true"), "tiers[0]"),
    ],
)
def test_malformed_presets_fail_at_load(tmp_path: Path, change: tuple[str, str], where: str) -> None:
    path = write(tmp_path, VALID.replace(*change, 1))
    with pytest.raises(PolicyError) as error:
        load_policy_file(path)
    assert error.value.where == where
    assert str(path) in str(error.value)


def test_syntax_error_names_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name = ")
    with pytest.raises(PolicyError, match="syntax"):
        load_policy_file(path)


def test_extra_directory_and_versions(tmp_path: Path) -> None:
    write(tmp_path, VALID, "v1.toml")
    write(tmp_path, VALID.replace("version = 1", "version = 2").replace("36", "30"), "v2.toml")
    registry = DispatchPolicyRegistry.load(tmp_path)
    assert registry.get("test-policy").version == 2
    assert registry.get("test-policy", 1).tiers[1].arrival_hours == 36


def test_duplicate_version_is_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, VALID, "b.toml")
    with pytest.raises(PolicyError, match="also defined"):
        DispatchPolicyRegistry.load(tmp_path)


def test_unknown_policy_lists_known_ones() -> None:
    with pytest.raises(UnknownPolicy, match="vehicle-500km"):
        DispatchPolicyRegistry.load().get("nope")
