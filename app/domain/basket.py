"""The basket at the till: lines from scans, searches and free text, and what they add up to."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, replace

from app.domain.money import MAX_MINOR
from app.domain.names import tidy_name

# A shop's longest real receipt is a few hundred lines; far more is a stuck scanner or a script.
MAX_LINES = 1000
MAX_QUANTITY = 10_000
MAX_DESCRIPTION = 200
_HIDDEN = frozenset({"Cc", "Cs"})


class BasketError(ValueError):
    """A line cannot go into the basket; str(error) is shown to the cashier as is."""


@dataclass(frozen=True, slots=True)
class BasketLine:
    product_id: int | None  # None for a free-text line
    description: str
    quantity: int
    unit_price_minor: int

    @property
    def amount_minor(self) -> int:
        return self.quantity * self.unit_price_minor


def check_line(line: BasketLine) -> None:
    """BasketError unless the line could be sold as it is."""
    check_quantity(line.quantity)
    if isinstance(line.unit_price_minor, bool) or not isinstance(line.unit_price_minor, int):
        raise BasketError("A price must be a whole number of minor units.")
    if not 0 <= line.unit_price_minor <= MAX_MINOR:
        raise BasketError("A price cannot be negative or that large.")
    if line.amount_minor > MAX_MINOR:
        raise BasketError("That line is worth more than any sale can be.")
    description = tidy_description(line.description)
    if description != line.description:
        raise BasketError("A line's description must be tidy text.")


def check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise BasketError("A quantity is a whole number.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise BasketError(f"A quantity is between 1 and {MAX_QUANTITY:,}.")


def tidy_description(typed: str) -> str:
    """A free-text line's description as it will be stored; BasketError when unusable."""
    if any(unicodedata.category(char) in _HIDDEN for char in typed):
        raise BasketError("The description contains hidden control characters.")
    tidy = tidy_name(typed)
    if tidy is None:
        raise BasketError("Say what the line is: a description is required.")
    if len(tidy) > MAX_DESCRIPTION:
        raise BasketError(f"A description is at most {MAX_DESCRIPTION} characters.")
    return tidy


def new_checkout_key() -> str:
    """A key no other basket has, recorded with the sale so that it is recorded once."""
    return uuid.uuid4().hex


class Basket:
    """What the cashier has rung up so far. Scanning a product again adds to its line."""

    def __init__(self) -> None:
        self.key = new_checkout_key()
        self._lines: list[BasketLine] = []

    @property
    def lines(self) -> tuple[BasketLine, ...]:
        return tuple(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def is_empty(self) -> bool:
        return not self._lines

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self._lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self._lines)

    def add_product(
        self, product_id: int, description: str, unit_price_minor: int, quantity: int = 1
    ) -> int:
        """Add a product; returns the row of its line (an existing line grows)."""
        for row, line in enumerate(self._lines):
            if line.product_id == product_id and line.unit_price_minor == unit_price_minor:
                return self.set_quantity(row, line.quantity + quantity)
        return self._append(BasketLine(product_id, description, quantity, unit_price_minor))

    def add_free(self, description: str, unit_price_minor: int, quantity: int = 1) -> int:
        """Add a line that is not in the catalogue; returns its row."""
        line = BasketLine(None, tidy_description(description), quantity, unit_price_minor)
        return self._append(line)

    def set_quantity(self, row: int, quantity: int) -> int:
        changed = replace(self._lines[row], quantity=quantity)
        self._check_total(changed, row)
        self._lines[row] = changed
        return row

    def set_unit_price(self, row: int, unit_price_minor: int) -> int:
        changed = replace(self._lines[row], unit_price_minor=unit_price_minor)
        self._check_total(changed, row)
        self._lines[row] = changed
        return row

    def remove(self, row: int) -> None:
        del self._lines[row]

    def clear(self) -> None:
        """Empty the basket and give it a new key: what follows is another sale."""
        self._lines.clear()
        self.key = new_checkout_key()

    def _append(self, line: BasketLine) -> int:
        if len(self._lines) >= MAX_LINES:
            raise BasketError(f"A sale has at most {MAX_LINES:,} lines; complete this one first.")
        self._check_total(line, None)
        self._lines.append(line)
        return len(self._lines) - 1

    def _check_total(self, line: BasketLine, replacing: int | None) -> None:
        check_line(line)
        others = sum(
            other.amount_minor for row, other in enumerate(self._lines) if row != replacing
        )
        if others + line.amount_minor > MAX_MINOR:
            raise BasketError("The sale would be worth more than any sale can be.")
