"""The demo shop: fills a new, empty database with believable books, through the real services."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial

from app.db.database import database_proxy
from app.db.tables import Customer, Product, Sale
from app.domain.basket import BasketLine
from app.domain.customer_form import Address, CustomerDraft
from app.domain.money import CurrencyFormat, Money
from app.domain.product_form import ProductDraft
from app.domain.shop_settings import SettingsDraft
from app.services.checkout import Checkout, CheckoutRequest, CreditLimitExceeded
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from app.services.manual_debts import ManualDebtRequest, ManualDebts
from app.services.payments import PaymentRequest, Payments
from app.services.product_catalog import ProductCatalog
from app.services.reminders import Reminders
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SalesHistory
from app.services.shop_settings import ShopSettings

DEFAULT_SEED = 7
DEMO_SHOP_NAME = "Demo shop \u2014 sample data"
DEMO_REGION = "GB"
DEMO_MONEY = CurrencyFormat(symbol="\u00a3")
HISTORY_DAYS = 90  # sales go back this far; paper-book debts further
REASON = "demo data"
_OPENS = time(7, 0)
_CLOSES = time(21, 30)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the fill wrote, for the log and the tests."""

    products: int
    customers: int
    sales: int
    payments: int
    manual_debts: int
    reversals: int
    reminders: int


# ----- the shop's shelves and regulars ----------------------------------------------------------

# (name, price in pence, how often it is bought: 1 rarely .. 9 in most baskets, barcode or not)
_PRODUCTS: tuple[tuple[str, int, int, bool], ...] = (
    ("Semi-skimmed milk 2 pints", 145, 9, True),
    ("Whole milk 4 pints", 235, 6, True),
    ("White bread 800 g", 139, 8, True),
    ("Wholemeal bread 800 g", 149, 5, True),
    ("Butter 250 g", 259, 4, True),
    ("Free-range eggs, 6", 225, 6, True),
    ("Mature cheddar 400 g", 375, 3, True),
    ("Basmati rice 1 kg", 299, 3, True),
    ("Fusilli pasta 500 g", 95, 4, True),
    ("Baked beans 415 g", 85, 5, True),
    ("Chopped tomatoes 400 g", 69, 4, True),
    ("Cornflakes 500 g", 229, 3, True),
    ("Porridge oats 1 kg", 165, 2, True),
    ("Tea bags, 80", 289, 5, True),
    ("Instant coffee 100 g", 399, 3, True),
    ("Granulated sugar 1 kg", 125, 3, True),
    ("Plain flour 1.5 kg", 110, 2, True),
    ("Chapati flour 10 kg", 1099, 1, True),
    ("Sunflower oil 1 l", 239, 2, True),
    ("Bananas, bunch of 5", 115, 6, True),
    ("Potatoes 2.5 kg", 199, 3, True),
    ("Onions 1 kg", 99, 3, True),
    ("Apples, 6", 179, 3, True),
    ("Medjool dates 500 g", 349, 1, True),
    ("Orange juice 1 l", 169, 4, True),
    ("Cola 2 l", 219, 4, True),
    ("Still water 500 ml", 65, 6, True),
    ("Energy drink 250 ml", 129, 4, True),
    ("Ready salted crisps, 6 pack", 199, 4, True),
    ("Milk chocolate bar 100 g", 135, 5, True),
    ("Digestive biscuits 400 g", 119, 4, True),
    ("Toilet roll, 9 pack", 499, 2, True),
    ("Washing-up liquid 450 ml", 115, 2, True),
    ("Laundry powder 1.3 kg", 550, 1, True),
    ("Toothpaste 100 ml", 199, 2, True),
    ("Shampoo 400 ml", 259, 1, True),
    ("Bin bags, 20", 175, 2, True),
    ("AA batteries, 4", 399, 1, True),
    ("Halal chicken thighs 1 kg", 549, 2, True),
    ("Daily newspaper", 180, 5, True),
    ("Vegetable samosa, each", 60, 4, False),
    ("Phone top-up \u00a310", 1000, 1, False),
)

# How a customer buys and pays.
_REGULAR = "regular"  # on account, settles the whole balance every two weeks or so
_PARTIAL = "partial"  # on account, pays part of the balance every week or two
_LATE = "late"  # bought on account until about six weeks ago, has paid nothing since
_STOPPED = "stopped"  # still buys on account, has not paid for a month
_CASH = "cash"  # pays at the till
_BOOK = "book"  # owes old debts from the paper book, pays a little now and then, buys for cash
_NEW = "new"  # joined this month
_GONE = "gone"  # moved away: paid up and archived

# The chance of a visit on a given day. Kept low (and walk-ins few before the last two weeks)
# because each sale costs about a millisecond through the services, and the window waits.
_ROLE_VISITS = {
    _REGULAR: 0.07,
    _PARTIAL: 0.07,
    _LATE: 0.09,
    _STOPPED: 0.08,
    _CASH: 0.05,
    _BOOK: 0.03,
    _NEW: 0.15,
    _GONE: 0.05,
}
BUSY_DAYS = 14  # the last two weeks: every walk-in is there, for the sales list


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    role: str
    terms: int = 30
    limit: str = ""  # as typed: blank no limit, "0" no credit
    phone: str = ""  # as a cashier typed it
    email: str = ""
    contact: str = ""
    street: str = ""
    tax_number: str = ""
    note: str = ""


# Phones are in the range Ofcom keeps for drama (020 7946 0000-0999): real-looking, nobody's.
_PEOPLE: tuple[_Person, ...] = (
    _Person("Margaret O'Brien", _REGULAR, 14, "100.00", "020 7946 0112", street="3 Albion Parade"),
    _Person("محمد العلي", _PARTIAL, 30, "200.00", "020 7946 0245"),
    _Person("Ольга Петрова", _REGULAR, 30, "", "02079460318", "olga.petrova@example.org"),
    _Person("王伟", _CASH, phone="020-7946-0371"),
    _Person("Priya Patel", _PARTIAL, 30, "150.00", "020 7946 0409", "priya.p@example.com"),
    _Person("Tomasz Kowalski", _LATE, 7, "80.00", "020 7946 0433", street="Flat 2, 41 Mile Row"),
    _Person("فاطمة الزهراء", _BOOK, 30, "", "020 7946 0457"),
    _Person("Иван Смирнов", _STOPPED, 14, "120.00", "020 7946 0502"),
    _Person("李娜", _REGULAR, 14, "", "020 7946 0528"),
    _Person("Chidi Okafor", _LATE, 14, "100.00", "+44 20 7946 0553"),
    _Person("Siobhán Murphy", _REGULAR, 30, "", "020 7946 0574", note="Pays on Fridays."),
    _Person(
        "Station Café Ltd",
        _PARTIAL,
        30,
        "500.00",
        "020 7946 0600",
        "orders@station-cafe.example",
        contact="Rosa Bianchi",
        street="1 Station Approach",
        tax_number="GB 123 4567 89",
    ),
    _Person("Rahim Uddin", _BOOK, 30, "", "020 7946 0626"),
    _Person("Ana Ferreira", _CASH, 30, "0", "020 7946 0651", note="No credit, at her request."),
    _Person("يوسف حداد", _LATE, 7, "60.00", "020 7946 0677"),
    _Person("陈建国", _STOPPED, 14, "", "020 7946 0702"),
    _Person("James Whitfield", _REGULAR, 30, "", "020 7946 0729", "j.whitfield@example.net"),
    _Person("Наталья Коваленко", _PARTIAL, 30, "", "020 7946 0745"),
    _Person("Νίκος Παπαδόπουλος", _REGULAR, 14, "", "020 7946 0768"),
    _Person("Grace Adeyemi", _NEW, 30, "50.00", "020 7946 0781"),
    _Person("Sunita Sharma", _PARTIAL, 30, "", "020 7946 0804"),
    _Person("David Cohen", _CASH),
    _Person("ليلى منصور", _REGULAR, 30, "", "020 7946 0836"),
    _Person("Zofia Wójcik", _BOOK, 30, "", "020 7946 0857"),
    _Person("Mehmet Yılmaz", _STOPPED, 7, "90.00", "020 7946 0873"),
    _Person("Nasrin Akter", _REGULAR, 14, "", "020 7946 0899"),
    _Person("Kwame Mensah", _NEW, 14, "", "020 7946 0914"),
    _Person("Lucy Hartley", _GONE, 30, "", "020 7946 0932", note="Moved to Leeds."),
    _Person("Дмитрий Волков", _LATE, 14, "", "020 7946 0958"),
    _Person("Seán O'Connor", _PARTIAL, 30, "", "020 7946 0977"),
)


def _ean13(serial: int) -> str:
    """A GB-prefixed EAN-13 with a correct check digit, as a scanner reads it."""
    body = f"50123{serial:07d}"
    weighted = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - weighted % 10) % 10)


# ----- the fill -------------------------------------------------------------------------------


class _Clock:
    """The time every service reads while the demo replays its ninety days."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


@dataclass
class _Customer:
    id: int
    person: _Person
    joined: date
    next_payment: date | None = None
    reminded_on: date | None = None


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class DemoShop:
    """Writes a corner shop's last three months into an empty database.

    Everything goes through the services a cashier's actions use, so the books are valid by
    construction; one outer transaction holds it all (each service's own transaction becomes
    a savepoint in it), so the file is written once instead of once per sale.
    """

    def fill(self, *, now: datetime, seed: int = DEFAULT_SEED) -> DemoSummary:
        """Fill the database the proxy points at; the same seed and `now` write the same books."""
        with database_proxy.atomic():
            if any(table.select().exists() for table in (Customer, Product, Sale)):
                raise ServiceError("The demo is written only into a new, empty database.")
            # Seeded sample data, not secrets: the same seed must give the same shop.
            rng = random.Random(seed)  # noqa: S311
            return _Filler(rng, now.replace(microsecond=0)).run()


class _Filler:
    """One fill: the services on a clock it moves, the shop's people, and the days replayed."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = now.date()
        self.clock = _Clock(now)
        clock = self.clock
        self.catalog = ProductCatalog(money_format=DEMO_MONEY, now=clock)
        self.changes = CustomerChanges(
            fallback_region=DEMO_REGION, money_format=DEMO_MONEY, now=clock
        )
        self.checkout = Checkout(money_format=DEMO_MONEY, now=clock)
        self.payments = Payments(money_format=DEMO_MONEY, now=clock)
        self.manual_debts = ManualDebts(today=clock.today, now=clock, money_format=DEMO_MONEY)
        self.reversals = SaleReversals(money_format=DEMO_MONEY, now=clock)
        self.reminders = Reminders(money_format=DEMO_MONEY, today=clock.today, now=clock)
        self.products: list[tuple[int, str, int, int]] = []  # id, name, price, weight
        self.customers: list[_Customer] = []
        # What the shelves hold as the sales go by (goods brought back aside): the stock is
        # read from the catalogue only for what is delivered.
        self.stock: dict[int, int] = {}
        self.counts = {"sales": 0, "payments": 0, "manual": 0, "reversals": 0, "reminders": 0}
        self.walk_in_sales: dict[date, list[int]] = {}
        self.credit_sales: dict[date, list[int]] = {}
        self._keys = 0
        self._events: list[_Event] = []
        self._order = 0
        # Visits that put a debt in each ageing bucket whatever the seed: the late payers'
        # (61-90 and 31-60 days past due), and those who stopped paying (up to 30 days).
        self._sure_visits = {
            _LATE: (self.today - timedelta(days=87), self.today - timedelta(days=50)),
            _STOPPED: (self.today - timedelta(days=25),),
        }

    def run(self) -> DemoSummary:
        start = self.today - timedelta(days=HISTORY_DAYS)
        self._at(start - timedelta(days=10), time(9, 0))
        _save_settings()
        self._stock_shelves()
        self._enrol_customers(start - timedelta(days=9))
        self._carry_over_paper_book(start - timedelta(days=5))
        for offset in range(HISTORY_DAYS + 1):
            self._trade(start + timedelta(days=offset))
        return DemoSummary(
            products=len(self.products),
            customers=len(self.customers),
            sales=self.counts["sales"],
            payments=self.counts["payments"],
            manual_debts=self.counts["manual"],
            reversals=self.counts["reversals"],
            reminders=self.counts["reminders"],
        )

    # ----- before the first day --------------------------------------------------------------

    def _at(self, day: date, at: time) -> None:
        self.clock.at = datetime.combine(day, at)

    def _stock_shelves(self) -> None:
        for serial, (name, price, weight, has_barcode) in enumerate(_PRODUCTS, start=1):
            draft = ProductDraft(
                barcode=_ean13(serial) if has_barcode else "",
                name=name,
                price=_typed(price),
                stock=str(weight * 10 + self.rng.randint(8, 24)),
            )
            product_id = self.catalog.create(draft, reason=REASON)
            self.products.append((product_id, name, price, weight))
            self.stock[product_id] = int(draft.stock)

    def _enrol_customers(self, day: date) -> None:
        for index, person in enumerate(_PEOPLE):
            joined = day
            if person.role == _NEW:
                joined = self.today - timedelta(days=self.rng.randint(8, 20))
            self.clock.at = datetime.combine(joined, time(9, 0)) + timedelta(minutes=index * 7)
            draft = CustomerDraft(
                name=person.name,
                contact_name=person.contact,
                phone=person.phone,
                email=person.email,
                billing=Address(street=person.street, city="London")
                if person.street
                else Address(),
                payment_terms=str(person.terms),
                credit_limit=person.limit,
                tax_number=person.tax_number,
                note=person.note,
            )
            customer_id = self.changes.create(draft, reason=REASON)
            customer = _Customer(customer_id, person, joined)
            if person.role in (_LATE, _STOPPED, _BOOK):
                customer.reminded_on = self.today - timedelta(days=self.rng.randint(1, 20))
            self.customers.append(customer)

    def _carry_over_paper_book(self, day: date) -> None:
        """Old debts copied from the paper book: the ones now more than 90 days past due."""
        self._at(day, time(20, 0))
        for customer in self._with_role(_BOOK):
            for _ in range(self.rng.randint(1, 2)):
                dated = self.today - timedelta(days=self.rng.randint(125, 220))
                self.manual_debts.create(
                    ManualDebtRequest(
                        customer_id=customer.id,
                        amount_minor=self.rng.randint(40, 160) * 100 + self.rng.choice((0, 50)),
                        dated=dated,
                        due_date=dated + timedelta(days=30),
                        note="Carried over from the paper book",
                    )
                )
                self.counts["manual"] += 1
            customer.next_payment = self.today - timedelta(days=HISTORY_DAYS - 12)

    # ----- each day ---------------------------------------------------------------------------

    def _trade(self, day: date) -> None:
        opens, closes = self._hours(day)
        if closes <= opens:
            return
        self._events = []
        busy = day > self.today - timedelta(days=BUSY_DAYS)
        walk_ins = self.rng.randint(4, 7) if busy else self.rng.choice((0, 1, 1, 2))
        walk_ins += 2 if day.weekday() == 5 else 0
        if day == self.today:
            walk_ins = max(4, walk_ins * (closes - opens).seconds // (14 * 3600))
        for _ in range(walk_ins):
            self._schedule(self._moment(opens, closes), partial(self._walk_in, day))
        for customer in self.customers:
            if self._visits(customer, day):
                self._schedule(self._moment(opens, closes), partial(self._visit, customer))
            if self._pays(customer, day):
                self._schedule(self._moment(opens, closes), partial(self._pay, customer))
            if customer.reminded_on == day:
                self._schedule(self._moment(opens, closes), partial(self._remind, customer))
        self._plan_reversals(day, opens, closes)
        if day.weekday() == 0:
            self._schedule(opens, self._restock)
        if day == self.today - timedelta(days=40):
            self._schedule(datetime.combine(day, time(18, 0)), self._archive_the_gone)
        while self._events:
            event = heapq.heappop(self._events)
            self.clock.at = event.at
            event.run()

    def _hours(self, day: date) -> tuple[datetime, datetime]:
        opens, closes = datetime.combine(day, _OPENS), datetime.combine(day, _CLOSES)
        if day == self.today:
            # Today's sales so far: before now, and earlier than opening time after midnight.
            closes = self.now - timedelta(minutes=1)
            if closes < opens + timedelta(hours=1):
                opens = datetime.combine(day, time())
        return opens, closes

    def _schedule(self, at: datetime, run: Callable[[], None]) -> None:
        self._order += 1
        heapq.heappush(self._events, _Event(at, self._order, run))

    def _moment(self, opens: datetime, closes: datetime) -> datetime:
        return opens + timedelta(seconds=self.rng.randint(0, int((closes - opens).total_seconds())))

    def _visits(self, customer: _Customer, day: date) -> bool:
        role = customer.person.role
        if day in self._sure_visits.get(role, ()) or day == customer.joined + timedelta(days=1):
            return day >= customer.joined
        if day < customer.joined or (role == _LATE and day > self.today - timedelta(days=40)):
            return False
        if role == _GONE and day > self.today - timedelta(days=45):
            return False
        return self.rng.random() < _ROLE_VISITS[role]

    def _pays(self, customer: _Customer, day: date) -> bool:
        role = customer.person.role
        if role in (_LATE, _CASH, _GONE) or customer.next_payment is None:
            return False
        if role == _STOPPED and day > self.today - timedelta(days=30):
            return False
        return day >= customer.next_payment

    # ----- what happens at the counter ---------------------------------------------------------

    def _basket(self, *, weekly: bool = False) -> list[BasketLine]:
        """A walk-in's few things, or a regular's shopping for the week."""
        sizes = (2, 3, 4, 5, 6, 7, 8) if weekly else (1, 2, 3, 4, 5, 6)
        count = self.rng.choices(sizes, weights=(12, 18, 22, 18, 14, 10, 6)[: len(sizes)])[0]
        weights = [weight for _id, _name, _price, weight in self.products]
        chosen: dict[int, BasketLine] = {}
        for product_id, name, price, _weight in self.rng.choices(self.products, weights, k=count):
            quantity = self.rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            held = chosen.get(product_id)
            quantity += held.quantity if held is not None else 0
            if quantity > self.stock[product_id]:
                continue  # the shelf is empty until Monday's delivery
            chosen[product_id] = BasketLine(product_id, name, quantity, price)
        if not chosen:
            product_id, name, price, _weight = max(self.products, key=lambda p: self.stock[p[0]])
            chosen[product_id] = BasketLine(product_id, name, 1, price)
        return list(chosen.values())

    def _sell(self, request: CheckoutRequest, day: date, *, credit: bool) -> int:
        outcome = self.checkout.complete(request)
        self.counts["sales"] += 1
        for line in request.lines:
            if line.product_id is not None:
                self.stock[line.product_id] -= line.quantity
        sales = self.credit_sales if credit else self.walk_in_sales
        sales.setdefault(day, []).append(outcome.sale_id)
        return outcome.sale_id

    def _key(self) -> str:
        self._keys += 1
        return f"demo-{self._keys:06d}"

    def _walk_in(self, day: date) -> None:
        lines = self._basket()
        total = sum(line.amount_minor for line in lines)
        self._sell(
            CheckoutRequest(self._key(), lines, tendered_minor=self._cash(total)), day, credit=False
        )

    def _cash(self, total: int) -> int | None:
        """What a buyer hands over: often the exact sum, else the next note or two up."""
        if self.rng.random() < 0.4:
            return None
        for note in (500, 1000, 2000, 5000):
            if note >= total and self.rng.random() < 0.7:
                return note
        return -(-total // 1000) * 1000

    def _visit(self, customer: _Customer) -> None:
        day = self.clock.today()
        lines = self._basket(weekly=True)
        total = sum(line.amount_minor for line in lines)
        role = customer.person.role
        if role in (_CASH, _BOOK, _GONE):
            request = CheckoutRequest(
                self._key(), lines, customer.id, tendered_minor=self._cash(total)
            )
            self._sell(request, day, credit=False)
            return
        # On account: all of it, or what the cash in the pocket does not cover.
        cash = 0
        if total > 800 and self.rng.random() < 0.35:
            # A note or two towards it, leaving at least a few pounds on account.
            cash = self.rng.randint(1, (total - 300) // 500) * 500
        request = CheckoutRequest(self._key(), lines, customer.id, tendered_minor=cash)
        on_account = replace(request, on_account=True)
        try:
            self._sell(on_account, day, credit=True)
        except CreditLimitExceeded:
            if self.rng.random() < 0.2:
                reason = "A good customer; the owner agreed"
                self._sell(replace(on_account, override_reason=reason), day, credit=True)
            else:
                # Over the limit: paid in cash this time.
                self._sell(replace(request, tendered_minor=None), day, credit=False)
                return
        if customer.next_payment is None:
            customer.next_payment = day + timedelta(days=self.rng.randint(5, 12))

    def _pay(self, customer: _Customer) -> None:
        day = self.clock.today()
        owed = sum(debt.outstanding_minor for debt in self.payments.open_debts(customer.id))
        role = customer.person.role
        if role == _BOOK:
            amount = min(owed, self.rng.randint(5, 10) * 100)
            gap = (18, 28)
        elif role == _PARTIAL:
            amount = max(100, owed * self.rng.randint(30, 70) // 10000 * 100)
            amount = owed if owed - amount < 500 else amount  # no pennies left owing
            gap = (7, 13)
        else:
            amount = owed
            gap = (10, 16)
        customer.next_payment = day + timedelta(days=self.rng.randint(*gap))
        if amount <= 0:
            return
        method = self.rng.choices(("cash", "card", "transfer"), weights=(70, 20, 10))[0]
        self.payments.take(PaymentRequest(customer.id, amount, method))
        self.counts["payments"] += 1

    def _plan_reversals(self, day: date, opens: datetime, closes: datetime) -> None:
        """A void today, a refund of a credit sale last week, a cash refund the week before."""
        if day == self.today:
            self._schedule(closes, self._void_a_sale_of_today)
        elif day == self.today - timedelta(days=6):
            self._schedule(closes, lambda: self._refund(self.credit_sales, "Damaged packaging"))
        elif day == self.today - timedelta(days=9):
            self._schedule(closes, lambda: self._refund(self.walk_in_sales, "Past its date"))

    def _void_a_sale_of_today(self) -> None:
        sales = self.walk_in_sales.get(self.today, [])
        if len(sales) >= 2:
            self.reversals.void(sales[-2], "Rung up twice")
            self.counts["reversals"] += 1

    def _refund(self, sales: dict[date, list[int]], reason: str) -> None:
        """One item back from the latest of these sales up to today."""
        latest = max((day for day in sales if sales[day]), default=None)
        if latest is None:
            return
        sale_id = sales[latest][-1]
        line = SalesHistory().detail(sale_id).lines[0]
        self.reversals.refund(sale_id, {line.sale_item_id: 1}, reason)
        self.counts["reversals"] += 1

    def _restock(self) -> None:
        """Monday's delivery: what runs low is counted up again in the Products dialog."""
        for product_id, _name, _price, weight in self.products:
            if self.stock[product_id] >= max(10, weight * 4):
                continue
            fields = self.catalog.get(product_id).fields
            counted = fields.stock + weight * 10 + self.rng.randint(5, 20)
            draft = ProductDraft(
                barcode=fields.barcode or "",
                name=fields.name,
                price=_typed(fields.price_minor),
                stock=str(counted),
            )
            self.catalog.update(product_id, draft, reason="Delivery")
            self.stock[product_id] = counted

    def _remind(self, customer: _Customer) -> None:
        """The reminder text copied and sent to someone overdue."""
        try:
            text = self.reminders.compose(customer.id)
        except ServiceError:
            return  # nothing overdue yet
        self.reminders.record_sent(customer.id, text.overdue_minor)
        self.counts["reminders"] += 1

    def _archive_the_gone(self) -> None:
        for customer in self._with_role(_GONE):
            self.changes.archive(customer.id, "Moved away")

    def _with_role(self, role: str) -> Iterator[_Customer]:
        return (customer for customer in self.customers if customer.person.role == role)


def _typed(minor: int) -> str:
    return Money(minor).format(DEMO_MONEY, with_symbol=False)


def _save_settings() -> None:
    """The receipt header says it is the demo, prices are in pounds, phones read as British."""
    ShopSettings().save(
        SettingsDraft(
            shop_name=DEMO_SHOP_NAME,
            shop_address="3 Albion Parade\nLondon E2 9QT",
            shop_phone="020 7946 0000",
            receipt_footer="Sample data: not a real shop. Thank you!",
            currency_symbol=DEMO_MONEY.symbol,
            phone_region=DEMO_REGION,
        )
    )
