"""The process the kill tests kill: the till's real services writing to a real file.

    python -m tests.reliability.kill_writer DB setup        the shop every kill test starts from
    python -m tests.reliability.kill_writer DB one OP       one write of the crash-point tests
    python -m tests.reliability.kill_writer DB random SEED  a seeded mix of writes until killed

Each write is acknowledged on stdout (`ack sale 17 total=...`) only after its service call
returned, that is after its transaction committed: the parent may hold the books to every
acknowledged line and to nothing else. `start credit_sale` before each write says one began.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.db.database import open_database
from app.db.query_rows import tuples
from app.db.tables import Customer, CustomerBalance, Product, Sale
from app.domain.basket import BasketLine
from app.services.checkout import Checkout, CheckoutOutcome, CheckoutRequest
from app.services.errors import ServiceError
from app.services.payments import PaymentReceiptData, PaymentRequest, Payments
from app.services.sale_reversals import ReversalOutcome, SaleReversals
from app.services.sales_history import SalesHistory
from tests.services.till import NOW, customer, product

SETUP_CUSTOMERS = ("Amina Benali", "Ольга Петрова", "陈伟", "Seán O'Brien")
SETUP_PRODUCTS = (("Tea 250g", 25_000), ("Oil 1L", 35_000), ("Sugar 1kg", 11_000))
# Stock a run can never sell out of: a kill test is about the books, not about shortages.
PLENTY = 1_000_000
ONE_OPERATIONS = ("checkout", "payment", "refund")
# A writer the parent failed to kill stops by itself: no orphan writes forever.
MAX_LIFE_SECONDS = 120.0


def tell_parent(line: str) -> None:
    """One line to the parent, flushed at once: a kill right after it cannot hide it."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sale_ack(outcome: CheckoutOutcome, lines: int) -> str:
    return (
        f"ack sale {outcome.sale_id} total={outcome.total_minor} paid={outcome.paid_minor} "
        f"lines={lines} debt={outcome.debt_id or 0} debt_amount={outcome.debt_minor}"
    )


def payment_ack(receipt: PaymentReceiptData) -> str:
    return (
        f"ack payment {receipt.receipt_id} customer={receipt.customer_id} "
        f"amount={receipt.amount_minor} lines={len(receipt.lines)}"
    )


def reversal_ack(outcome: ReversalOutcome, lines: int) -> str:
    return (
        f"ack {outcome.kind} {outcome.reversal_id} sale={outcome.sale_id} "
        f"amount={outcome.amount_minor} debt_reduced={outcome.debt_reduced_minor} lines={lines}"
    )


# ----- setup and the single writes of the crash-point tests -----------------------------------


def setup() -> None:
    """Products with stock, customers with no credit limit, and the sales `one` builds on."""
    for name, price in SETUP_PRODUCTS:
        product(name, price, stock=PLENTY)
    for name in SETUP_CUSTOMERS:
        customer(name)
    amina = _customer_named(SETUP_CUSTOMERS[0])
    checkout = Checkout(now=lambda: NOW)
    for key, tendered in (("setup-credit-1", 5_000), ("setup-credit-2", 0)):
        lines = _setup_lines()
        outcome = checkout.complete(
            CheckoutRequest(key, lines, amina, tendered_minor=tendered, on_account=True)
        )
        tell_parent(sale_ack(outcome, len(lines)))


def _setup_lines() -> list[BasketLine]:
    products = _products()
    return [
        BasketLine(products[0][0], products[0][1], 2, products[0][2]),
        BasketLine(products[1][0], products[1][1], 1, products[1][2]),
        BasketLine(None, "Sac — كيس", 3, 500),
    ]


def one(operation: str) -> None:
    """One write that passes every crash point of its service (`reversal.after_line` twice)."""
    amina = _customer_named(SETUP_CUSTOMERS[0])
    if operation == "checkout":
        lines = _setup_lines()
        request = CheckoutRequest(
            "one-checkout", lines, amina, tendered_minor=2_000, on_account=True
        )
        tell_parent(sale_ack(Checkout(now=lambda: NOW).complete(request), len(lines)))
    elif operation == "payment":
        first, second = Payments(now=lambda: NOW).open_debts(amina)[:2]
        # All of the oldest debt and part of the next: a payment line on each of two debts.
        amount = first.outstanding_minor + second.outstanding_minor // 2
        receipt = Payments(now=lambda: NOW).take(PaymentRequest(amina, amount, "cash"))
        tell_parent(payment_ack(receipt))
    elif operation == "refund":
        sale_id = Sale.get(Sale.checkout_key == "setup-credit-1").id
        detail = SalesHistory().detail(sale_id)
        back = {line.sale_item_id: 1 for line in detail.lines[:2]}
        outcome = SaleReversals(now=lambda: NOW).refund(sale_id, back, "Came back unopened")
        tell_parent(reversal_ack(outcome, len(back)))
    else:
        raise SystemExit(f"unknown operation {operation!r}; one of {', '.join(ONE_OPERATIONS)}")


def _customer_named(name: str) -> int:
    return int(Customer.get(Customer.name == name).id)


def _products() -> list[tuple[int, str, int]]:
    query = Product.select(Product.id, Product.name, Product.price).order_by(Product.id)
    return [(int(pid), str(name), int(price)) for pid, name, price in tuples(query)]


# ----- the random mix -------------------------------------------------------------------------


@dataclass
class RandomTill:
    """Writes chosen by one seed; what it reads to choose comes from the file, which grows."""

    rng: random.Random
    products: list[tuple[int, str, int]]
    customers: list[int]

    def step(self) -> None:
        write: Callable[[], str | None] = self.rng.choices(
            [self.cash_sale, self.credit_sale, self.payment, self.void, self.refund],
            weights=[30, 30, 20, 8, 12],
        )[0]
        # Said before the write starts, so the parent can tell a kill that landed in the middle
        # of one (the last line is this) from one between writes (the last line is an ack).
        tell_parent(f"start {write.__name__}")
        acked = write()
        if acked is not None:
            tell_parent(acked)

    def _lines(self) -> list[BasketLine]:
        lines = []
        for _ in range(self.rng.randint(1, 5)):
            if self.rng.random() < 0.8:
                product_id, name, price = self.rng.choice(self.products)
                lines.append(BasketLine(product_id, name, self.rng.randint(1, 3), price))
            else:
                price = self.rng.randint(1, 50_000)
                lines.append(BasketLine(None, "Loose item", self.rng.randint(1, 4), price))
        return lines

    def _key(self) -> str:
        # Unique across lives even if a seed comes round again on the same file.
        return f"kill-{uuid.uuid4().hex}"

    def cash_sale(self) -> str:
        lines = self._lines()
        total = sum(line.amount_minor for line in lines)
        tendered = None if self.rng.random() < 0.5 else total + self.rng.randint(0, 10_000)
        request = CheckoutRequest(self._key(), lines, tendered_minor=tendered)
        return sale_ack(Checkout().complete(request), len(lines))

    def credit_sale(self) -> str:
        lines = self._lines()
        total = sum(line.amount_minor for line in lines)
        request = CheckoutRequest(
            self._key(),
            lines,
            self.rng.choice(self.customers),
            tendered_minor=self.rng.randint(0, max(0, total - 1)),
            on_account=True,
        )
        return sale_ack(Checkout().complete(request), len(lines))

    def payment(self) -> str | None:
        customer_id = self.rng.choice(self.customers)
        owed = (
            CustomerBalance.select(CustomerBalance.outstanding)
            .where(CustomerBalance.customer == customer_id)
            .scalar()
        )
        if not owed:
            return None
        amount = int(owed) if self.rng.random() < 0.3 else self.rng.randint(1, int(owed))
        method = self.rng.choice(["cash", "card", "transfer"])
        return payment_ack(Payments().take(PaymentRequest(customer_id, amount, method)))

    def _some_sale(self) -> int | None:
        last = Sale.select(Sale.id).order_by(Sale.id.desc()).limit(1).scalar()
        return None if last is None else self.rng.randint(1, int(last))

    def void(self) -> str | None:
        sale_id = self._some_sale()
        if sale_id is None:
            return None
        lines = [line for line in SalesHistory().detail(sale_id).lines if line.left_quantity]
        try:
            outcome = SaleReversals().void(sale_id, "Rung up by mistake")
        except ServiceError:
            return None  # already voided or wholly refunded: the till refuses, as it should
        return reversal_ack(outcome, len(lines))

    def refund(self) -> str | None:
        sale_id = self._some_sale()
        if sale_id is None:
            return None
        left = [line for line in SalesHistory().detail(sale_id).lines if line.left_quantity]
        if not left:
            return None
        chosen = self.rng.sample(left, self.rng.randint(1, len(left)))
        back = {line.sale_item_id: self.rng.randint(1, line.left_quantity) for line in chosen}
        outcome = SaleReversals().refund(sale_id, back, "Came back faulty")
        return reversal_ack(outcome, len(back))


def run_random(seed: int) -> None:
    customers = [
        int(cid)
        for (cid,) in tuples(
            Customer.select(Customer.id)
            .where(Customer.name.in_(list(SETUP_CUSTOMERS)))
            .order_by(Customer.id)
        )
    ]
    till = RandomTill(random.Random(seed), _products(), customers)
    tell_parent(f"ready seed={seed}")
    stop_at = time.monotonic() + MAX_LIFE_SECONDS
    while time.monotonic() < stop_at:
        till.step()


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    database = open_database(Path(argv[0]))
    try:
        if argv[1] == "setup":
            setup()
        elif argv[1] == "one" and len(argv) == 3:
            one(argv[2])
        elif argv[1] == "random" and len(argv) == 3:
            run_random(int(argv[2]))
        else:
            raise SystemExit(__doc__)
    finally:
        database.close()


if __name__ == "__main__":
    main(sys.argv[1:])
