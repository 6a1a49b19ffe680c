"""Domain errors of the warranty core. They carry no HTTP: ``api/errors.py`` maps them.

Names follow the warranty rules' vocabulary (``PolicyNotInForce``, ``UnknownComponentClass``) rather
than ruff's ``…Error`` suffix convention. Every error has a ``field`` (the input it is about,
or ``None``) so the API can fill the ``{"error", "detail", "field"}`` body without parsing
messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path


class WarrantyError(Exception):
    """Base class of every warranty error."""

    field: str | None = None


class PolicyFileError(WarrantyError):
    """A policy file is unreadable or invalid; the message names the file and the key."""

    def __init__(self, path: Path, key: str | None, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {problem}")


class UnknownWarrantyPolicy(WarrantyError):
    """No policy of that name (or no such version of it) is loaded."""

    field = "warranty_policy"

    def __init__(self, name: str, version: int | None, known: Sequence[str]) -> None:
        self.name = name
        self.version = version
        self.known = tuple(known)
        what = f"{name!r} version {version}" if version is not None else repr(name)
        super().__init__(f"unknown warranty policy {what}; known: {', '.join(self.known)}")


class PolicyNotInForce(WarrantyError):
    """The asset was sold before the first version of its policy took effect.

    An asset keeps the policy version in force on its sale day; when there was none, the
    engine refuses to guess which terms apply.
    """

    field = "sold_on"

    def __init__(self, name: str, sold_on: date, first_effective: date) -> None:
        self.name = name
        self.sold_on = sold_on
        self.first_effective = first_effective
        super().__init__(
            f"warranty policy {name!r} was not in force on {sold_on.isoformat()}: "
            f"its first version took effect on {first_effective.isoformat()}"
        )


class UnknownComponentClass(WarrantyError):
    """A ticket or exclusion names a component class the policy does not define."""

    field = "components"

    def __init__(self, class_id: str, valid: Sequence[str], field: str = "components") -> None:
        self.field = field
        self.class_id = class_id
        self.valid = tuple(valid)
        super().__init__(f"unknown component class {class_id!r}; valid classes: {', '.join(self.valid)}")


class UnknownFaultType(WarrantyError):
    """A quote asks for a fault type the price list has no standard labour for."""

    field = "fault_type"

    def __init__(self, fault_type: str, valid: Sequence[str]) -> None:
        self.fault_type = fault_type
        self.valid = tuple(valid)
        super().__init__(f"unknown fault type {fault_type!r}; valid types: {', '.join(self.valid)}")


class WarrantyFactsError(WarrantyError):
    """The facts handed to the engine are inconsistent (missing start date, naive time …)."""

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}")


class WarrantyConflict(WarrantyError):
    """The action does not fit the current state (no asset on the ticket, nothing to quote …)."""

    def __init__(self, detail: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(detail)


class QuoteExpired(WarrantyConflict):
    """The quote's confirmation window has passed: a new quote must be issued (R-WA-7)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, None)


class QuoteAlreadyDecided(WarrantyConflict):
    """The quote was already confirmed, refused, overridden or superseded (a used link)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, None)
