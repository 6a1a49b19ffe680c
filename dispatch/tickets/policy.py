"""Dispatch policy presets: the numbers that differ between companies, kept as data.

A preset is a TOML file (format in ``docs/policies.md``) with the direct-service radius (R-DI-1),
the arrival deadline tiers by plant-to-site distance (R-DI-2 … R-DI-5) and the response times
(R-IN-3). Files are validated when loaded; a malformed file, or tiers that leave a distance
uncovered without declaring it a gap (R-DI-3), fail with a message naming the file and the tier.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.errors import PolicyError, UnknownPolicy
from dispatch.tickets.intake import Urgency

BUILTIN_DIR = Path(__file__).resolve().parent / "policies"
TOP_KEYS = {
    "name",
    "version",
    "title",
    "rules",
    "direct_radius_km",
    "response_minutes",
    "tiers",
    "at_risk_share",
    "escalation",
}
DEFAULT_AT_RISK_SHARE = 0.25
"""A ticket clock is ``at_risk`` when less than this share of its window remains."""
ESCALATION_KEYS = {"when", "after_hours", "to"}
ESCALATION_TARGETS = ("responsible", "plant_dispatcher", "service_manager", "executive")
"""Who a clock escalates to, in the ladder's order (R-IN-4: the one who caused a delay answers for it)."""


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """When a ticket clock is ``when`` (at_risk or breached) for ``after_hours``, tell ``to``."""

    when: str
    after_hours: float
    to: str


TIER_KEYS = {"from_km", "to_km", "arrival_hours", "gap", "appointment", "response_minutes", "note"}
RESPONSE_KEYS = {"default", *(urgency.value for urgency in Urgency)}


@dataclass(frozen=True, slots=True)
class Tier:
    """Sites with ``from_km < distance <= to_km`` (``to_km`` None: no upper bound).

    Exactly one of: an arrival deadline in hours; a declared ``gap`` (no deadline: a dispatcher
    sets one); an ``appointment`` (R-DI-4: the company replies with a date instead).
    """

    from_km: float
    to_km: float | None
    arrival_hours: float | None = None
    gap: bool = False
    appointment: bool = False
    response_minutes: int | None = None
    note: str | None = None

    def contains(self, distance_km: float) -> bool:
        above = distance_km > self.from_km or (self.from_km == 0 and distance_km >= 0)
        return above and (self.to_km is None or distance_km <= self.to_km)

    def describe(self) -> str:
        upper = f"{self.to_km:g} km" if self.to_km is not None else "∞"
        return f"({self.from_km:g} km, {upper}]"


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    name: str
    version: int
    title: str
    rules: tuple[str, ...]
    direct_radius_km: float | None
    response_minutes: Mapping[str, int]
    tiers: tuple[Tier, ...]
    source: str
    at_risk_share: float = DEFAULT_AT_RISK_SHARE
    """Ticket clocks turn ``at_risk`` when less than this share of their window remains."""
    escalation: tuple[EscalationStep, ...] = ()
    """The ladder the clock sweep climbs (``dispatch/tickets/sweep.py``), in order."""

    def tier_for(self, distance_km: float) -> Tier:
        for tier in self.tiers:
            if tier.contains(distance_km):
                return tier
        raise ValueError(f"{self.name}: no tier contains {distance_km} km")  # validated away

    def is_direct(self, distance_km: float) -> bool:
        """R-DI-1: within the radius (inclusive) the plant's own engineers go."""
        return self.direct_radius_km is None or distance_km <= self.direct_radius_km

    def response_for(self, urgency: Urgency, tier: Tier) -> int | None:
        """Minutes to the response deadline: the tightest of the tier, urgency and default."""
        options = [
            minutes
            for minutes in (
                tier.response_minutes,
                self.response_minutes.get(urgency.value),
                self.response_minutes.get("default"),
            )
            if minutes is not None
        ]
        return min(options) if options else None


# -- parsing --------------------------------------------------------------------------------


def _number(value: Any, source: str, where: str, *, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(source, where, f"must be a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise PolicyError(source, where, f"must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _minutes(value: Any, source: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PolicyError(source, where, f"must be a positive whole number of minutes, got {value!r}")
    return value


def _reject_unknown(keys: Iterable[str], allowed: set[str], source: str, where: str) -> None:
    unknown = sorted(set(keys) - allowed)
    if unknown:
        raise PolicyError(source, where, f"unknown keys {unknown}; allowed: {sorted(allowed)}")


def _parse_tier(raw: Any, index: int, source: str) -> Tier:
    where = f"tiers[{index}]"
    if not isinstance(raw, dict):
        raise PolicyError(source, where, "must be a table")
    _reject_unknown(raw, TIER_KEYS, source, where)
    if "from_km" not in raw:
        raise PolicyError(source, f"{where}.from_km", "is required")
    from_km = _number(raw["from_km"], source, f"{where}.from_km", positive=False)
    to_km = _number(raw["to_km"], source, f"{where}.to_km") if "to_km" in raw else None
    if to_km is not None and to_km <= from_km:
        raise PolicyError(source, f"{where}.to_km", f"must be greater than from_km ({from_km:g})")
    arrival = raw.get("arrival_hours")
    gap, appointment = bool(raw.get("gap", False)), bool(raw.get("appointment", False))
    kinds = [arrival is not None, gap, appointment]
    if sum(kinds) != 1:
        raise PolicyError(source, where, "needs exactly one of arrival_hours, gap = true, appointment = true")
    response = raw.get("response_minutes")
    return Tier(
        from_km=from_km,
        to_km=to_km,
        arrival_hours=_number(arrival, source, f"{where}.arrival_hours") if arrival is not None else None,
        gap=gap,
        appointment=appointment,
        response_minutes=_minutes(response, source, f"{where}.response_minutes")
        if response is not None
        else None,
        note=str(raw["note"]) if "note" in raw else None,
    )


def _check_contiguous(tiers: list[Tier], source: str) -> None:
    """Tiers must cover [0, ∞) with no hole and no overlap; holes are declared as gaps."""
    if tiers[0].from_km != 0:
        raise PolicyError(source, "tiers[0].from_km", "the first tier must start at 0 km")
    for index, (previous, tier) in enumerate(pairwise(tiers), start=1):
        if previous.to_km is None:
            raise PolicyError(source, f"tiers[{index - 1}]", "only the last tier may omit to_km")
        if tier.from_km > previous.to_km:
            raise PolicyError(
                source,
                f"tiers[{index}]",
                f"distances between {previous.to_km:g} and {tier.from_km:g} km are not covered: "
                "add a tier for them, or declare it with gap = true if the rules leave it open",
            )
        if tier.from_km < previous.to_km:
            raise PolicyError(
                source,
                f"tiers[{index}]",
                f"overlaps the previous tier (ends at {previous.to_km:g} km)",
            )
    if tiers[-1].to_km is not None:
        raise PolicyError(
            source,
            f"tiers[{len(tiers) - 1}].to_km",
            "the last tier must be open-ended (omit to_km)",
        )


def _parse_escalation(raw: Any, source: str) -> tuple[EscalationStep, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PolicyError(source, "escalation", "must be a list of [[escalation]] tables")
    steps = []
    for index, item in enumerate(raw):
        where = f"escalation[{index}]"
        if not isinstance(item, dict):
            raise PolicyError(source, where, "must be a table")
        _reject_unknown(item, ESCALATION_KEYS, source, where)
        when, to = item.get("when"), item.get("to")
        if when not in ("at_risk", "breached"):
            raise PolicyError(source, f"{where}.when", f"must be at_risk or breached, got {when!r}")
        if to not in ESCALATION_TARGETS:
            raise PolicyError(
                source, f"{where}.to", f"must be one of {', '.join(ESCALATION_TARGETS)}, got {to!r}"
            )
        after = _number(item.get("after_hours", 0), source, f"{where}.after_hours", positive=False)
        steps.append(EscalationStep(str(when), after, str(to)))
    order = [(s.when == "breached", s.after_hours) for s in steps]
    if order != sorted(order):
        raise PolicyError(
            source, "escalation", "steps go in order: at_risk before breached, then by after_hours"
        )
    return tuple(steps)


def parse_policy(raw: Mapping[str, Any], source: str) -> DispatchPolicy:
    _reject_unknown(raw, TOP_KEYS, source, "top level")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PolicyError(source, "name", "is required (a non-empty string)")
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PolicyError(source, "version", f"must be a whole number >= 1, got {version!r}")
    raw_tiers = raw.get("tiers")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise PolicyError(source, "tiers", "at least one [[tiers]] table is required")
    tiers = [_parse_tier(item, index, source) for index, item in enumerate(raw_tiers)]
    _check_contiguous(tiers, source)
    responses = raw.get("response_minutes", {})
    if not isinstance(responses, dict):
        raise PolicyError(source, "response_minutes", "must be a table")
    _reject_unknown(responses, RESPONSE_KEYS, source, "response_minutes")
    radius = raw.get("direct_radius_km")
    share = _number(raw.get("at_risk_share", DEFAULT_AT_RISK_SHARE), source, "at_risk_share")
    if share >= 1:
        raise PolicyError(source, "at_risk_share", f"must be a share below 1 (0.25 = 25 %), got {share!r}")
    return DispatchPolicy(
        name=name.strip(),
        version=version,
        title=str(raw.get("title", name)),
        rules=tuple(str(rule) for rule in raw.get("rules", [])),
        direct_radius_km=_number(radius, source, "direct_radius_km") if radius is not None else None,
        response_minutes={
            key: _minutes(value, source, f"response_minutes.{key}") for key, value in responses.items()
        },
        tiers=tuple(tiers),
        source=source,
        at_risk_share=share,
        escalation=_parse_escalation(raw.get("escalation"), source),
    )


def load_policy_file(path: Path) -> DispatchPolicy:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(path, "syntax", str(error)) from error
    return parse_policy(raw, str(path))


class DispatchPolicyRegistry:
    """All loaded presets, by name and version. The newest version serves new decisions."""

    def __init__(self, policies: Iterable[DispatchPolicy]) -> None:
        self._by_key: dict[tuple[str, int], DispatchPolicy] = {}
        for policy in policies:
            key = (policy.name, policy.version)
            if key in self._by_key:
                other = self._by_key[key].source
                raise PolicyError(policy.source, "version", f"{key} is also defined in {other}")
            self._by_key[key] = policy

    @classmethod
    def load(cls, *directories: Path | None) -> DispatchPolicyRegistry:
        files = [
            path
            for directory in (BUILTIN_DIR, *directories)
            if directory is not None
            for path in sorted(directory.glob("*.toml"))
        ]
        return cls(load_policy_file(path) for path in files)

    def names(self) -> list[str]:
        return sorted({name for name, _ in self._by_key})

    def get(self, name: str, version: int | None = None, field: str = "policy") -> DispatchPolicy:
        if version is not None:
            found = self._by_key.get((name, version))
        else:
            versions = [v for (n, v) in self._by_key if n == name]
            found = self._by_key[(name, max(versions))] if versions else None
        if found is None:
            raise UnknownPolicy(name if version is None else f"{name} v{version}", self.names(), field)
        return found

    def all(self) -> list[DispatchPolicy]:
        return [self._by_key[key] for key in sorted(self._by_key)]

    def listed(self, caller: Principal) -> list[DispatchPolicy]:
        """``all()`` for a caller the access table lets read the presets (``GET /api/v1/policies``)."""
        require(caller, Resource.POLICY, Action.LIST)
        return self.all()
