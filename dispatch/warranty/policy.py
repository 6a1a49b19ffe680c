"""Warranty policy as data: component classes, start basis, flags and the price list.

A policy is a named, versioned preset loaded from ``policies/*.toml`` (see ``loader.py``).
Numbers never live in code: the presets restate R-WA-1 (months per component class),
R-WA-2 (start basis), R-WA-3 (downtime extension), R-WA-5 (exchange window), R-WA-6 (misuse
parts discount), R-WA-7 (price list for paid visits) and R-WA-8 (free visits after warranty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from dispatch.warranty.errors import UnknownComponentClass, UnknownFaultType

#: Fault types of the first assessment (R-IN-3); every price list gives standard labour for each.
FAULT_TYPES: tuple[str, ...] = (
    "mechanical",
    "electrical",
    "tyre",
    "hydraulic",
    "power",
    "control",
    "body",
    "other",
)


class ProductLine(StrEnum):
    """What kind of asset a policy is written for."""

    VEHICLE = "vehicle"
    EQUIPMENT = "equipment"


class StartBasis(StrEnum):
    """Which date of the asset starts the warranty clock (R-WA-2)."""

    REGISTRATION_DATE = "registration_date"
    ACCEPTANCE_DATE = "acceptance_date"


@dataclass(frozen=True, slots=True)
class ComponentClass:
    """One component class and its coverage in calendar months (R-WA-1)."""

    id: str
    months: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class PriceList:
    """Prices for paid work (R-WA-7) and the misuse parts discount (R-WA-6).

    Money is ``Decimal`` in ``currency``. Travel is charged per km of the one-way distance
    beyond ``travel_free_km``; ``misuse_parts_discount`` is a fraction (``0.15`` = 15 % off).
    """

    currency: str
    call_out_fee: Decimal
    travel_per_km: Decimal
    travel_free_km: Decimal
    labour_per_hour: Decimal
    standard_labour_hours: Mapping[str, Decimal]
    misuse_parts_discount: Decimal
    quote_valid_days: int

    def standard_hours(self, fault_type: str) -> Decimal:
        """Standard labour hours for ``fault_type``; ``UnknownFaultType`` if it has none."""
        try:
            return self.standard_labour_hours[fault_type]
        except KeyError:
            raise UnknownFaultType(fault_type, sorted(self.standard_labour_hours)) from None


@dataclass(frozen=True, slots=True)
class WarrantyPolicy:
    """One version of a warranty policy preset.

    ``exchange_window_months`` is ``None`` when the policy has no exchange rule (R-WA-5);
    ``default_class`` is the class a ticket without components is evaluated against (a
    one-class equipment policy names ``whole_unit``; the vehicle policy names none).
    """

    name: str
    version: int
    effective_from: date
    product_line: ProductLine
    start_basis: StartBasis
    classes: tuple[ComponentClass, ...]
    downtime_extends: bool
    exchange_window_months: int | None
    free_visits_after_warranty: int
    prices: PriceList
    default_class: str | None = None
    title: str = ""
    source: str = ""

    @property
    def class_ids(self) -> tuple[str, ...]:
        """The ids of the component classes, in the order of the policy file."""
        return tuple(c.id for c in self.classes)

    def component(self, class_id: str) -> ComponentClass:
        """The class ``class_id``; ``UnknownComponentClass`` (naming the valid ones) if absent."""
        for component in self.classes:
            if component.id == class_id:
                return component
        raise UnknownComponentClass(class_id, self.class_ids)
