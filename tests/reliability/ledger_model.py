"""A small pure-Python reference of the credit book, to hold the real services against.

It knows nothing of the database or of `app`: customers, sales with their lines, debts,
payment receipts and the rules product.md §3 states for them, written as plainly as possible.
Each change comes in two halves: a `plan_*` or `check_*` that raises Refused (and changes
nothing) when the shop's rules say the services must refuse, and a `record_*` that applies
what was done once the service has done it, with the ids the service gave.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# The four ageing buckets a shopkeeper reads: days past due 0–30, 31–60, 61–90, 91 and more.
BUCKET_LAST_DAYS = (30, 60, 90)
TERMS_DAYS_LIMIT = 3650  # a due date further out than ten years is refused at the till


class Refused(Exception):
    """The service must refuse this; `credit_limit` says whether the limit is the reason."""

    def __init__(self, reason: str, *, credit_limit: bool = False) -> None:
        super().__init__(reason)
        self.credit_limit = credit_limit


@dataclass
class CustomerState:
    terms_days: int
    credit_limit: int | None  # None: no limit; 0: no credit at all
    archived: bool = False
    merged_into: int | None = None


@dataclass
class LineState:
    item_id: int
    quantity: int
    unit_price: int
    returned: int = 0

    @property
    def left(self) -> int:
        return self.quantity - self.returned


@dataclass
class ReversalState:
    at: datetime
    cash_out: int


@dataclass
class SaleState:
    customer_id: int | None
    total: int
    paid: int
    lines: list[LineState]
    debt_id: int | None
    reversals: list[ReversalState] = field(default_factory=list)

    @property
    def returned_value(self) -> int:
        return sum(line.returned * line.unit_price for line in self.lines)

    @property
    def state(self) -> str:
        """'' untouched, 'refunded' when some goods came back, 'voided' when all did."""
        if not self.reversals:
            return ""
        return "voided" if all(line.left == 0 for line in self.lines) else "refunded"


@dataclass
class DebtState:
    customer_id: int
    sale_id: int | None
    amount: int
    due: date
    created_at: datetime
    paid: int = 0  # money received that still counts
    returned: int = 0  # goods that came back against it

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid - self.returned

    @property
    def status(self) -> str:
        return "paid" if self.outstanding == 0 else "open"


@dataclass
class ReceiptState:
    customer_id: int
    parts: dict[int, int]  # debt -> amount applied
    at: datetime
    reversed: bool = False


@dataclass(frozen=True)
class SalePlan:
    customer_id: int | None
    total: int
    paid: int
    change: int
    debt: int
    due: date | None


@dataclass(frozen=True)
class ReversalPlan:
    sale_id: int
    quantities: dict[int, int]  # sale line -> how many come back
    amount: int
    debt_reduced: int
    cash_out: int


@dataclass(frozen=True)
class DebtorFacts:
    outstanding: int
    oldest_due: date | None
    overdue: int
    buckets: tuple[int, int, int, int]


def days_late(due: date, today: date) -> int:
    return max(0, (today - due).days)


def bucket_of(days: int) -> int:
    for index, last_day in enumerate(BUCKET_LAST_DAYS):
        if days <= last_day:
            return index
    return len(BUCKET_LAST_DAYS)


class Ledger:
    def __init__(self) -> None:
        self.customers: dict[int, CustomerState] = {}
        self.sales: dict[int, SaleState] = {}
        self.debts: dict[int, DebtState] = {}
        self.receipts: dict[int, ReceiptState] = {}

    def copy(self) -> Ledger:
        return copy.deepcopy(self)

    # ----- what the books say ----------------------------------------------------------

    def debts_of(self, customer_id: int) -> list[int]:
        return [debt_id for debt_id, debt in self.debts.items() if debt.customer_id == customer_id]

    def balance(self, customer_id: int) -> int:
        return sum(self.debts[debt_id].outstanding for debt_id in self.debts_of(customer_id))

    def open_debts(self, customer_id: int) -> list[int]:
        """The customer's open debts in the order a payment settles them: due first, then
        the older, then the lower number."""
        owing = [d for d in self.debts_of(customer_id) if self.debts[d].outstanding > 0]
        return sorted(owing, key=lambda d: (self.debts[d].due, self.debts[d].created_at, d))

    def overdue(self, customer_id: int, today: date) -> int:
        return sum(
            self.debts[d].outstanding
            for d in self.open_debts(customer_id)
            if self.debts[d].due < today
        )

    def debtor_facts(self, customer_id: int, today: date) -> DebtorFacts:
        buckets = [0, 0, 0, 0]
        for debt_id in self.open_debts(customer_id):
            debt = self.debts[debt_id]
            buckets[bucket_of(days_late(debt.due, today))] += debt.outstanding
        dues = [self.debts[d].due for d in self.open_debts(customer_id)]
        return DebtorFacts(
            self.balance(customer_id),
            min(dues, default=None),
            self.overdue(customer_id, today),
            (buckets[0], buckets[1], buckets[2], buckets[3]),
        )

    def debtors(self, today: date) -> dict[int, DebtorFacts]:
        return {
            customer_id: self.debtor_facts(customer_id, today)
            for customer_id in self.customers
            if self.balance(customer_id) > 0
        }

    def sale_debt_outstanding(self, sale_id: int) -> int | None:
        debt_id = self.sales[sale_id].debt_id
        return None if debt_id is None else self.debts[debt_id].outstanding

    # ----- customers ---------------------------------------------------------------------

    def record_customer(self, customer_id: int, terms_days: int, credit_limit: int | None) -> None:
        self._fresh(customer_id, self.customers, "customer")
        self.customers[customer_id] = CustomerState(terms_days, credit_limit)

    def check_archive(self, customer_id: int) -> None:
        customer = self._customer(customer_id)
        if customer.archived:
            raise Refused("already archived")
        if self.balance(customer_id) != 0:
            raise Refused("still owes")

    def record_archive(self, customer_id: int) -> None:
        self.customers[customer_id].archived = True

    def check_unarchive(self, customer_id: int) -> None:
        customer = self._customer(customer_id)
        if customer.merged_into is not None:
            raise Refused("merged customers stay merged")
        if not customer.archived:
            raise Refused("not archived")

    def record_unarchive(self, customer_id: int) -> None:
        self.customers[customer_id].archived = False

    def check_merge(self, survivor_id: int, merged_id: int) -> None:
        if survivor_id == merged_id:
            raise Refused("a customer cannot be merged into themselves")
        survivor, merged = self._customer(survivor_id), self._customer(merged_id)
        if survivor.merged_into is not None or merged.merged_into is not None:
            raise Refused("already merged")
        if survivor.archived:
            raise Refused("the survivor is archived")

    def record_merge(self, survivor_id: int, merged_id: int) -> None:
        """Everything the merged customer had now belongs to the survivor."""
        for debt in self.debts.values():
            if debt.customer_id == merged_id:
                debt.customer_id = survivor_id
        for sale in self.sales.values():
            if sale.customer_id == merged_id:
                sale.customer_id = survivor_id
        for receipt in self.receipts.values():
            if receipt.customer_id == merged_id:
                receipt.customer_id = survivor_id
        merged = self.customers[merged_id]
        merged.archived, merged.merged_into = True, survivor_id

    # ----- sales -------------------------------------------------------------------------

    def plan_sale(
        self,
        customer_id: int | None,
        total: int,
        tendered: int | None,
        *,
        on_account: bool,
        today: date,
        due: date | None = None,
        override: bool = False,
    ) -> SalePlan:
        """What the till records: cash first, the rest on account only when asked for, to a
        customer in good standing and within their limit unless the operator overrides it."""
        cash = total if tendered is None and not on_account else tendered or 0
        paid = min(cash, total)
        owed = total - paid
        if owed and not on_account:
            raise Refused("the cash is short of the total")
        if customer_id is not None and customer_id not in self.customers:
            raise Refused("no such customer")
        if customer_id is not None and self.customers[customer_id].merged_into is not None:
            raise Refused("a merged customer's sales go to their survivor")
        if not owed:
            return SalePlan(customer_id, total, paid, cash - paid, 0, None)
        if customer_id is None:
            raise Refused("a walk-in buyer pays in full")
        customer = self.customers[customer_id]
        if customer.archived:
            raise Refused("archived customers take no new debts")
        due = due or today + timedelta(days=customer.terms_days)
        if not today <= due <= today + timedelta(days=TERMS_DAYS_LIMIT):
            raise Refused("due date out of range")
        limit = customer.credit_limit
        if limit is not None and self.balance(customer_id) + owed > limit and not override:
            raise Refused("over the credit limit", credit_limit=True)
        return SalePlan(customer_id, total, paid, cash - paid, owed, due)

    def record_sale(
        self,
        sale_id: int,
        plan: SalePlan,
        lines: Iterable[tuple[int, int, int]],
        *,
        debt_id: int | None,
        at: datetime,
    ) -> None:
        """`lines` are (sale line id, quantity, unit price) as the till rang them up."""
        self._fresh(sale_id, self.sales, "sale")
        self.sales[sale_id] = SaleState(
            plan.customer_id,
            plan.total,
            plan.paid,
            [LineState(item, quantity, price) for item, quantity, price in lines],
            debt_id,
        )
        if plan.debt:
            assert debt_id is not None and plan.customer_id is not None and plan.due is not None
            self.record_debt(debt_id, plan.customer_id, plan.debt, plan.due, at, sale_id=sale_id)

    def plan_manual_debt(
        self, customer_id: int, amount: int, dated: date, today: date, at: datetime
    ) -> tuple[date, datetime]:
        """An opening balance from a paper book: due after the customer's terms from its
        date; written today it takes the moment, an older one the start of its day."""
        customer = self._customer(customer_id)
        if customer.archived:
            raise Refused("archived customers take no new debts")
        if amount <= 0:
            raise Refused("a debt is more than nothing")
        if dated > today:
            raise Refused("a debt cannot be dated in the future")
        created = at if dated == today else datetime.combine(dated, datetime.min.time())
        return dated + timedelta(days=customer.terms_days), created

    def record_debt(
        self,
        debt_id: int,
        customer_id: int,
        amount: int,
        due: date,
        created_at: datetime,
        *,
        sale_id: int | None = None,
    ) -> None:
        self._fresh(debt_id, self.debts, "debt")
        self.debts[debt_id] = DebtState(customer_id, sale_id, amount, due, created_at)

    # ----- payments ----------------------------------------------------------------------

    def plan_payment(
        self, customer_id: int, amount: int, ticked: Iterable[int] = ()
    ) -> dict[int, int]:
        """debt -> part: each open debt (or each ticked one) in payment order paid in full
        before the next; never more than is owed."""
        customer = self._customer(customer_id)
        if customer.merged_into is not None:
            raise Refused("merged customers pay through their survivor")
        if amount <= 0:
            raise Refused("a payment is more than nothing")
        owing = self.open_debts(customer_id)
        chosen = set(ticked)
        if chosen - set(owing):
            raise Refused("a ticked debt is not open for this customer")
        considered = [debt_id for debt_id in owing if not chosen or debt_id in chosen]
        if amount > sum(self.debts[debt_id].outstanding for debt_id in considered):
            raise Refused("more than is owed")
        parts: dict[int, int] = {}
        left = amount
        for debt_id in considered:
            part = min(left, self.debts[debt_id].outstanding)
            if part:
                parts[debt_id] = part
                left -= part
        return parts

    def record_payment(
        self, receipt_id: int, customer_id: int, parts: Mapping[int, int], at: datetime
    ) -> None:
        self._fresh(receipt_id, self.receipts, "receipt")
        for debt_id, part in parts.items():
            self.debts[debt_id].paid += part
        self.receipts[receipt_id] = ReceiptState(customer_id, dict(parts), at)

    def check_receipt_reversal(self, receipt_id: int) -> None:
        """A mistyped payment may be taken back, unless a refund since then paid out cash
        that counted it."""
        receipt = self.receipts.get(receipt_id)
        if receipt is None:
            raise Refused("no such receipt")
        if receipt.reversed:
            raise Refused("already reversed")
        for debt_id in receipt.parts:
            sale_id = self.debts[debt_id].sale_id
            if sale_id is None:
                continue
            for reversal in self.sales[sale_id].reversals:
                if reversal.cash_out > 0 and reversal.at >= receipt.at:
                    raise Refused("a refund since paid out cash that counted this payment")

    def record_receipt_reversal(self, receipt_id: int) -> None:
        receipt = self.receipts[receipt_id]
        receipt.reversed = True
        for debt_id, part in receipt.parts.items():
            self.debts[debt_id].paid -= part

    # ----- voids and refunds -------------------------------------------------------------

    def plan_reversal(self, sale_id: int, quantities: Mapping[int, int] | None) -> ReversalPlan:
        """`quantities` None: a void of everything not yet back. Goods that come back first
        cancel what is still owed on the sale; only the rest is cash over the counter."""
        sale = self.sales.get(sale_id)
        if sale is None:
            raise Refused("no such sale")
        left = {line.item_id: line.left for line in sale.lines}
        if quantities is None:
            wanted = {item: qty for item, qty in left.items() if qty}
            if not wanted:
                raise Refused("nothing left to void")
        else:
            wanted = {item: qty for item, qty in quantities.items() if qty}
            if not wanted:
                raise Refused("a refund names at least one line")
            if any(item not in left or qty > left[item] for item, qty in wanted.items()):
                raise Refused("more came back than is left")
        prices = {line.item_id: line.unit_price for line in sale.lines}
        amount = sum(qty * prices[item] for item, qty in wanted.items())
        owed = 0 if sale.debt_id is None else self.debts[sale.debt_id].outstanding
        debt_reduced = min(amount, owed)
        return ReversalPlan(sale_id, wanted, amount, debt_reduced, amount - debt_reduced)

    def record_reversal(self, plan: ReversalPlan, at: datetime) -> None:
        sale = self.sales[plan.sale_id]
        for line in sale.lines:
            line.returned += plan.quantities.get(line.item_id, 0)
        if plan.debt_reduced:
            assert sale.debt_id is not None
            self.debts[sale.debt_id].returned += plan.debt_reduced
        sale.reversals.append(ReversalState(at, plan.cash_out))

    # ----- helpers -----------------------------------------------------------------------

    def _customer(self, customer_id: int) -> CustomerState:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise Refused("no such customer")
        return customer

    @staticmethod
    def _fresh(new_id: int, known: Mapping[int, object], what: str) -> None:
        # A new row reusing the id of one the model still holds would be two rows in one.
        assert new_id not in known, f"the services gave {what} id {new_id} again"
