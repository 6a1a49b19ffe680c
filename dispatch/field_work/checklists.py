"""Safety checklist templates per fault type, read from ``checklists.toml`` (R-OS-1, R-OS-2).

The codes are a closed vocabulary (``ChecklistCode``); the TOML file only says which of them a
fault type requires and describes each one for the app. ``check_items`` is what the state
machine runs on a ``checklist_done`` event.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from dispatch.field_work.errors import ChecklistConfigError


class ChecklistCode(StrEnum):
    """One safety measure the engineer confirms on site (R-OS-1, R-OS-2)."""

    WARNING_SIGN = "warning_sign"
    KEY_REMOVED = "key_removed"
    WHEELS_CHOCKED = "wheels_chocked"
    BODY_PROPPED = "body_propped"
    HELMET = "helmet"
    ANTI_STATIC_GLOVES = "anti_static_gloves"
    WELDING_PPE = "welding_ppe"
    OIL_CONTAINER = "oil_container"


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    """The codes a job must confirm before work starts, in file order, with descriptions."""

    fault_type: str | None
    welding: bool
    required: tuple[ChecklistCode, ...]
    descriptions: Mapping[ChecklistCode, str]


@dataclass(frozen=True, slots=True)
class ChecklistProblem:
    """Why a checklist is refused: codes outside the vocabulary, or required ones absent."""

    unknown: tuple[str, ...] = ()
    missing: tuple[ChecklistCode, ...] = ()


@dataclass(frozen=True, slots=True)
class _Templates:
    descriptions: Mapping[ChecklistCode, str]
    base: tuple[ChecklistCode, ...]
    by_fault: Mapping[str, tuple[ChecklistCode, ...]]
    welding: tuple[ChecklistCode, ...]


def template_for(fault_type: str | None, *, welding: bool = False) -> ChecklistTemplate:
    """The checklist a job of ``fault_type`` (R-IN-3 names, case-insensitive) must complete."""
    t = _templates()
    codes = list(t.base)
    if fault_type is not None:
        codes += t.by_fault.get(fault_type.strip().lower(), ())
    if welding:
        codes += t.welding
    required = tuple(dict.fromkeys(codes))  # de-duplicate, keep file order
    return ChecklistTemplate(fault_type, welding, required, t.descriptions)


def check_items(items: Iterable[str], template: ChecklistTemplate) -> ChecklistProblem | None:
    """``None`` when ``items`` are all known codes and cover ``template``; else the problem."""
    given = list(items)
    unknown = tuple(sorted({s for s in given if s not in _VOCABULARY}))
    if unknown:
        return ChecklistProblem(unknown=unknown)
    confirmed = {ChecklistCode(s) for s in given}
    missing = tuple(c for c in template.required if c not in confirmed)
    return ChecklistProblem(missing=missing) if missing else None


_VOCABULARY = frozenset(c.value for c in ChecklistCode)


@cache
def _templates() -> _Templates:
    """Load and validate the packaged TOML once."""
    text = resources.files("dispatch.field_work").joinpath("checklists.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    declared = set(raw["codes"])
    if declared != _VOCABULARY:
        raise ChecklistConfigError(
            f"checklists.toml [codes] {sorted(declared)} differ from {sorted(_VOCABULARY)}"
        )
    descriptions = {ChecklistCode(k): str(v) for k, v in raw["codes"].items()}
    by_fault = {
        name.lower(): _codes(section["required"], f"fault_types.{name}")
        for name, section in raw.get("fault_types", {}).items()
    }
    return _Templates(
        descriptions=descriptions,
        base=_codes(raw["base"]["required"], "base"),
        by_fault=by_fault,
        welding=_codes(raw["welding"]["required"], "welding"),
    )


def _codes(values: list[str], where: str) -> tuple[ChecklistCode, ...]:
    bad = [v for v in values if v not in _VOCABULARY]
    if bad:
        raise ChecklistConfigError(f"checklists.toml [{where}] has unknown codes {bad}")
    return tuple(ChecklistCode(v) for v in values)
