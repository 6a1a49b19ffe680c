"""All loaded policy versions, and which version an asset keeps from its sale day.

An asset is bound to the version in force on the day it was sold and keeps it forever:
later versions never change an old asset's entitlement. Selling before the first version
took effect raises ``PolicyNotInForce`` rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

from dispatch.warranty.errors import PolicyFileError, PolicyNotInForce, UnknownWarrantyPolicy
from dispatch.warranty.loader import load_policy_file
from dispatch.warranty.policy import WarrantyPolicy

#: The presets shipped with the code (``vehicle-components``, ``equipment-1y``).
BUILTIN_POLICIES_DIR = Path(__file__).parent / "policies"


class WarrantyPolicyRegistry:
    """Immutable index of policies by name and version."""

    def __init__(self, policies: Iterable[tuple[WarrantyPolicy, Path]]) -> None:
        by_name: dict[str, dict[int, tuple[WarrantyPolicy, Path]]] = {}
        for policy, path in policies:
            versions = by_name.setdefault(policy.name, {})
            if policy.version in versions:
                other = versions[policy.version][1]
                raise PolicyFileError(
                    path, "version", f"{policy.name} v{policy.version} is also defined in {other}"
                )
            versions[policy.version] = (policy, path)
        self._versions: dict[str, tuple[WarrantyPolicy, ...]] = {}
        for name, versions in by_name.items():
            ordered = [versions[v] for v in sorted(versions)]
            for (older, _), (newer, path) in pairwise(ordered):
                if newer.effective_from <= older.effective_from:
                    raise PolicyFileError(
                        path,
                        "effective_from",
                        f"{name} v{newer.version} must take effect after v{older.version} "
                        f"({older.effective_from.isoformat()})",
                    )
            self._versions[name] = tuple(policy for policy, _ in ordered)

    def names(self) -> tuple[str, ...]:
        """Policy names, sorted."""
        return tuple(sorted(self._versions))

    def versions(self, name: str) -> tuple[WarrantyPolicy, ...]:
        """Every version of ``name``, oldest first."""
        try:
            return self._versions[name]
        except KeyError:
            raise UnknownWarrantyPolicy(name, None, self.names()) from None

    def get(self, name: str, version: int | None = None) -> WarrantyPolicy:
        """Version ``version`` of ``name``, or its latest version when ``version`` is None."""
        versions = self.versions(name)
        if version is None:
            return versions[-1]
        for policy in versions:
            if policy.version == version:
                return policy
        raise UnknownWarrantyPolicy(name, version, self.names())

    def policy_for(self, name: str, sold_on: date) -> WarrantyPolicy:
        """The version of ``name`` in force on ``sold_on`` (the latest one effective by then)."""
        versions = self.versions(name)
        in_force = [p for p in versions if p.effective_from <= sold_on]
        if not in_force:
            raise PolicyNotInForce(name, sold_on, versions[0].effective_from)
        return in_force[-1]

    def version_for(self, name: str, sold_on: date) -> int:
        """The version number an asset sold on ``sold_on`` keeps for life."""
        return self.policy_for(name, sold_on).version


def load_policies(directory: Path = BUILTIN_POLICIES_DIR) -> WarrantyPolicyRegistry:
    """Load every ``*.toml`` in ``directory`` (sorted by file name) into a registry."""
    if not directory.is_dir():
        raise PolicyFileError(directory, None, "not a directory")
    paths = sorted(directory.glob("*.toml"))
    return WarrantyPolicyRegistry((load_policy_file(path), path) for path in paths)


@cache
def builtin_registry() -> WarrantyPolicyRegistry:
    """The shipped presets, loaded and validated once per process."""
    return load_policies(BUILTIN_POLICIES_DIR)
