"""Read one policy file (TOML) into a ``WarrantyPolicy``, validating every key.

Errors are ``PolicyFileError`` and name the file and the dotted key (``prices.call_out_fee``).
Unknown keys are errors too, so a typo never silently falls back to a default.
Money is written as a string (``"2.50"``) or an integer, never a TOML float, so that prices
stay exact ``Decimal`` values.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from dispatch.warranty.errors import PolicyFileError
from dispatch.warranty.policy import (
    FAULT_TYPES,
    ComponentClass,
    PriceList,
    ProductLine,
    StartBasis,
    WarrantyPolicy,
)

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_E = TypeVar("_E", bound=StrEnum)


class _Table:
    """A TOML table being read: typed getters that know the dotted key and the file."""

    def __init__(self, path: Path, prefix: str, data: Mapping[str, object]) -> None:
        self.path = path
        self.prefix = prefix
        self.data = data
        self._seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def error(self, name: str | None, problem: str) -> PolicyFileError:
        return PolicyFileError(self.path, self.key(name) if name else self.prefix or None, problem)

    def raw(self, name: str, *, required: bool) -> object | None:
        self._seen.add(name)
        if name not in self.data:
            if required:
                raise self.error(name, "required key is missing")
            return None
        return self.data[name]

    def string(self, name: str, *, default: str | None = None) -> str:
        value = self.raw(name, required=default is None)
        if value is None:
            return default or ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, f"expected a non-empty string, got {value!r}")
        return value

    def ident(self, name: str) -> str:
        value = self.string(name)
        if not _ID.match(value):
            raise self.error(name, f"expected a lower-case id ([a-z0-9_-]), got {value!r}")
        return value

    def choice(self, name: str, enum: type[_E]) -> _E:
        value = self.string(name)
        try:
            return enum(value)
        except ValueError:
            valid = ", ".join(m.value for m in enum)
            raise self.error(name, f"expected one of {valid}, got {value!r}") from None

    def integer(self, name: str, *, minimum: int, maximum: int, default: int | None = None) -> int:
        value = self.raw(name, required=default is None)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected an integer, got {value!r}")
        if not minimum <= value <= maximum:
            raise self.error(name, f"expected {minimum} ≤ value ≤ {maximum}, got {value}")
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.raw(name, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(name, f"expected true or false, got {value!r}")
        return value

    def day(self, name: str) -> date:
        value = self.raw(name, required=True)
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.error(name, f"expected a TOML date like 2020-01-01, got {value!r}")
        return value

    def decimal(self, name: str, *, minimum: Decimal, below: Decimal | None = None) -> Decimal:
        value = self.raw(name, required=True)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.error(name, f'expected a decimal string like "2.50", got {value!r}')
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.error(name, f"not a decimal number: {value!r}") from None
        if not number.is_finite() or number < minimum or (below is not None and number >= below):
            bound = f"{minimum} ≤ value" + (f" < {below}" if below is not None else "")
            raise self.error(name, f"expected {bound}, got {value!r}")
        return number

    def table(self, name: str, *, required: bool) -> _Table:
        value = self.raw(name, required=required)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.error(name, f"expected a table, got {value!r}")
        return _Table(self.path, self.key(name), value)

    def done(self) -> None:
        """Reject keys nobody read (typos, keys of another schema)."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            raise self.error(unknown[0], "unknown key")


def _classes(table: _Table) -> tuple[ComponentClass, ...]:
    if not table.data:
        raise table.error(None, "a policy needs at least one component class")
    classes = []
    for class_id in table.data:
        entry = table.table(class_id, required=True)
        if not _ID.match(class_id):
            raise table.error(class_id, "class ids are lower-case ([a-z0-9_-])")
        classes.append(
            ComponentClass(
                id=class_id,
                months=entry.integer("months", minimum=1, maximum=600),
                label=entry.string("label", default=""),
            )
        )
        entry.done()
    table.done()
    return tuple(classes)


def _prices(table: _Table) -> PriceList:
    zero = Decimal(0)
    currency = table.string("currency")
    if not _CURRENCY.match(currency):
        raise table.error("currency", f"expected an ISO 4217 code like CNY, got {currency!r}")
    hours_table = table.table("standard_labour_hours", required=True)
    hours = {
        fault: hours_table.decimal(fault, minimum=zero)
        for fault in (*FAULT_TYPES, *sorted(set(hours_table.data) - set(FAULT_TYPES)))
    }
    hours_table.done()
    prices = PriceList(
        currency=currency,
        call_out_fee=table.decimal("call_out_fee", minimum=zero),
        travel_per_km=table.decimal("travel_per_km", minimum=zero),
        travel_free_km=table.decimal("travel_free_km", minimum=zero),
        labour_per_hour=table.decimal("labour_per_hour", minimum=zero),
        standard_labour_hours=MappingProxyType(hours),
        misuse_parts_discount=table.decimal("misuse_parts_discount", minimum=zero, below=Decimal(1)),
        quote_valid_days=table.integer("quote_valid_days", minimum=1, maximum=365),
    )
    table.done()
    return prices


def parse_policy(data: Mapping[str, object], path: Path) -> WarrantyPolicy:
    """Build a policy from parsed TOML ``data``; ``path`` is only used to name errors."""
    top = _Table(path, "", data)
    name = top.ident("name")
    version = top.integer("version", minimum=1, maximum=10_000)
    effective_from = top.day("effective_from")
    product_line = top.choice("product_line", ProductLine)
    title = top.string("title", default="")
    source = top.string("source", default="")
    start = top.table("start", required=True)
    start_basis = start.choice("basis", StartBasis)
    start.done()
    downtime = top.table("downtime", required=False)
    downtime_extends = downtime.boolean("extends", default=False)
    downtime.done()
    exchange = top.table("exchange", required=False)
    exchange_months = exchange.integer("window_months", minimum=0, maximum=24, default=0)
    exchange.done()
    after = top.table("after_warranty", required=False)
    free_visits = after.integer("free_visits", minimum=0, maximum=100, default=0)
    after.done()
    classes = _classes(top.table("classes", required=True))
    default_class: str | None = None
    if "default_class" in data:
        default_class = top.ident("default_class")
        if default_class not in {c.id for c in classes}:
            raise top.error("default_class", f"{default_class!r} is not one of the classes")
    prices = _prices(top.table("prices", required=True))
    top.done()
    return WarrantyPolicy(
        name=name,
        version=version,
        effective_from=effective_from,
        product_line=product_line,
        start_basis=start_basis,
        classes=classes,
        downtime_extends=downtime_extends,
        exchange_window_months=exchange_months or None,
        free_visits_after_warranty=free_visits,
        prices=prices,
        default_class=default_class,
        title=title,
        source=source,
    )


def load_policy_file(path: Path) -> WarrantyPolicy:
    """Read and validate one policy file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise PolicyFileError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(path, None, f"invalid TOML: {exc}") from exc
    return parse_policy(data, path)
