"""Fixtures of the warranty unit tests: the shipped policy presets, loaded once."""

from __future__ import annotations

import pytest

from dispatch.warranty import PolicyRegistry, WarrantyPolicy, load_policies


@pytest.fixture(scope="session")
def registry() -> PolicyRegistry:
    return load_policies()


@pytest.fixture(scope="session")
def vehicle(registry: PolicyRegistry) -> WarrantyPolicy:
    return registry.get("vehicle-components", 1)


@pytest.fixture(scope="session")
def equipment(registry: PolicyRegistry) -> WarrantyPolicy:
    return registry.get("equipment-1y", 1)
