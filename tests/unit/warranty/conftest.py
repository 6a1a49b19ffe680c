"""Fixtures of the warranty unit tests: the shipped policy presets, loaded once."""

from __future__ import annotations

import pytest

from dispatch.warranty import WarrantyPolicy, WarrantyPolicyRegistry, load_policies


@pytest.fixture(scope="session")
def registry() -> WarrantyPolicyRegistry:
    return load_policies()


@pytest.fixture(scope="session")
def vehicle(registry: WarrantyPolicyRegistry) -> WarrantyPolicy:
    return registry.get("vehicle-components", 1)


@pytest.fixture(scope="session")
def equipment(registry: WarrantyPolicyRegistry) -> WarrantyPolicy:
    return registry.get("equipment-1y", 1)
