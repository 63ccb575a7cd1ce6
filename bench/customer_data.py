"""Builds a migrated shop file with many customers, their debts, payments and a few sales.

    from bench.customer_data import build_customers
    build_customers(path, 100_000)

The file is made by the real migrator, then filled in one transaction on one plain `sqlite3`
connection. Whatever a service derives is derived here by the same domain code, so the rows
are what `CustomerChanges` would have written: `name_key` from `app.domain.names.name_key`,
search keys from `app.domain.customer_search.search_keys`. Balances and debt status are not
written at all: debts and payments are inserted like any writer's, and the schema's triggers
keep `customer_balances` and `debts.status`. No audit rows are written (nothing reads them
for search or paging). The same seed and `today` always give the same file.

100,000 customers take about 9 s on the 2-core machine. The search keys are worked out in a
second process (spawned), so a script that calls this must do so under
`if __name__ == "__main__":`.
"""

from __future__ import annotations

import bisect
import itertools
import multiprocessing
import random
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from app.db.migrator import Migrator
from app.domain.customer_form import Address
from app.domain.customer_search import search_keys
from app.domain.names import name_key
from app.paths import migrations_dir
from bench.bulk import filling_connection, staged_copy

DEFAULT_CUSTOMERS = 100_000
DEFAULT_SEED = 2026
# Dates are counted back from this day, so "overdue" is fixed by the seed; the benchmark
# passes the real today so the window would show the same.
REFERENCE_DAY = date(2026, 11, 21)
PHONE_REGION = "DZ"

ARCHIVED_SHARE = 0.03
MERGED_SHARE = 0.003
PHONE_SHARE = 0.92
FOREIGN_PHONE_SHARE = 0.03
DEBTOR_SHARE = 0.35
ARCHIVED_DEBTOR_SHARE = 0.3
CASH_BUYER_SHARE = 0.2
BUSINESS_SHARE = 0.03
MIDDLE_NAME_SHARE = 0.2
UPPER_CASE_SHARE = 0.04
LOWER_CASE_SHARE = 0.02
EMAIL_SHARE = 0.15
ADDRESS_SHARE = 0.1
CREDIT_LIMIT_SHARE = 0.2
UPGRADE_MADE_SHARE = 0.1  # customers the legacy upgrade made: no operator created them
NO_DUE_DATE_SHARE = 0.05
MANUAL_DEBT_SHARE = 0.2  # debts typed in by hand, without a sale
# What became of each debt, and how often: most old debts are settled, recent ones less so.
OUTCOMES = ("paid", "partly paid", "unpaid")
OLD_DEBT_OUTCOME_WEIGHTS = (80, 10, 10)
RECENT_DEBT_OUTCOME_WEIGHTS = (25, 30, 45)
RECENT_DEBT_DAYS = 120
RECENT_DEBT_SHARE = 0.6
# Prices and payments in whole 0.50s (minor units).
ROUND = 50
OLDEST_CUSTOMER_DAYS = 1500
OWNER_OPERATOR_ID = 1


@dataclass(frozen=True, slots=True)
class _Script:
    """One writing system's names. Earlier names are commoner (Zipf), so prefixes such as
    `moh` or `ива` match thousands of customers while others match a handful."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    joiner: str
    shops: tuple[str, ...]  # business names, `{}` is a family name
    weight: float


# fmt: off
SCRIPTS = (
    _Script(
        given=(
            "Mohamed", "Amina", "Karim", "Fatima", "Yacine", "Nadia", "Omar", "Sara",
            "Youcef", "Lina", "Rachid", "Meriem", "Samir", "Imane", "Sofiane", "Leila",
            "Bilal", "Khadidja", "Walid", "Nassim", "Amine", "Hocine", "Djamel", "Farid",
            "Alice", "Zoë", "Jean-Luc", "Hélène", "Émile", "Chloé", "Lucas", "Marie",
        ),
        family=(
            "Benali", "Haddad", "Mansour", "Bouzid", "Saidi", "Cherif", "Brahimi", "Belkacem",
            "Khelifi", "Boudiaf", "Hamidi", "Ait Ahmed", "Ben Youcef", "Mebarki", "Zerrouki",
            "Lounis", "Bensalah", "Rahmani", "Touati", "Amrani", "Smith", "O'Brien", "Martin",
            "Dupont", "Lefèvre", "Müller", "García", "Da Silva",
        ),
        joiner=" ",
        shops=(
            "Épicerie {}", "Boulangerie {}", "Pharmacie {}", "SARL {} & Fils", "Garage {}",
            "Café {}", "Quincaillerie {}",
        ),
        weight=0.55,
    ),
    _Script(
        given=(
            "محمد", "أحمد", "فاطمة", "عائشة", "يوسف", "عمر", "خديجة", "كريم", "ليلى", "مريم",
            "سمير", "نادية", "عبد القادر", "إبراهيم", "حسين", "سعاد",
        ),
        family=(
            "الأمين", "بن علي", "حداد", "منصور", "بوزيد", "السعيدي", "شريف", "إبراهيمي",
            "بلقاسم", "خليفي", "العمراني", "رحماني",
        ),
        joiner=" ",
        shops=("مخبزة {}", "بقالة {}", "صيدلية {}"),
        weight=0.20,
    ),
    _Script(
        given=(
            "Хасан", "Иван", "Ольга", "Анна", "Дмитрий", "Наталья", "Сергей", "Мария",
            "Алексей", "Елена", "Рустам", "Тимур", "Светлана", "Юлия",
        ),
        family=(
            "Иванов", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева",
            "Хасанов", "Новиков", "Морозова", "Волков", "Фёдоров",
        ),
        joiner=" ",
        shops=("Магазин {}", "ИП {}"),
        weight=0.15,
    ),
    _Script(
        given=("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "强", "秀英", "桂英"),
        family=("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
        joiner="",
        shops=("{}记商店", "{}氏超市"),
        weight=0.10,
    ),
)
# Algerian mobile blocks (+213 5xx, 6xx, 7xx), each with a million numbers to draw from.
DZ_BLOCKS = (
    "550", "551", "552", "553", "554", "555", "556", "557", "558", "559", "560", "561",
    "661", "662", "663", "664", "665", "666", "667", "668", "669", "696", "697", "698",
    "770", "771", "772", "773", "774", "775", "776", "777", "778", "779", "790", "795",
)
# Visitors' phones: France mobile, Russia mobile, China mobile (prefix, digits that follow).
FOREIGN_PLANS = (("+336", 8), ("+79", 9), ("+8613", 9))
CITIES = ("Alger", "Oran", "Constantine", "Blida", "Sétif", "Annaba", "Tizi Ouzou", "Béjaïa")
STREETS = (
    "Rue Didouche Mourad", "Boulevard Zighout Youcef", "Rue Larbi Ben M'hidi",
    "Cité 1er Novembre", "Rue Hassiba Ben Bouali",
)
GOODS = (
    "Semoule 25 kg", "Huile 5 L", "Sucre 1 kg", "Lait en poudre", "Café 250 g", "Thé vert",
    "Lentilles 1 kg", "Savon", "Eau minérale 6x1.5 L", "Pâtes 500 g",
)
# fmt: on
TERMS = (30, 0, 7, 15, 60)
TERMS_WEIGHTS = (70, 5, 10, 10, 5)
DEBTS_PER_DEBTOR = (1, 2, 3, 4, 6, 10)
DEBTS_PER_DEBTOR_WEIGHTS = (40, 25, 15, 10, 7, 3)


@dataclass(frozen=True, slots=True)
class CustomerDataSet:
    """What was built, for the benchmark's header and the tests' sanity checks."""

    path: Path
    customers: int
    archived: int  # merged ones included
    merged: int
    search_keys: int
    sales: int
    debts: int
    payments: int
    today: date
    seconds: float


@dataclass(slots=True)
class _Customer:
    id: int
    number: str
    name: str
    contact_name: str | None  # businesses name the person to ask for
    phone: str | None
    archived: bool
    merged_into: int | None
    payment_terms: int
    since_days: int  # created this many days before `today`
    created_at: str


_T = TypeVar("_T")
_DAYS_AHEAD = 400  # due dates lie up to this many days ahead (payment terms are shorter)


class _Shop:
    """Draws one believable shop's rows from a seeded random source (`random()` and `bisect`
    rather than `randint` and `choices`: a third of the cost, for the same determinism)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.random = rng.random
        midnight = datetime.combine(today, datetime.min.time())
        # Day strings by days before today (negative: after it).
        self._days = [
            (midnight - timedelta(days=ago)).date().isoformat()
            for ago in range(-_DAYS_AHEAD, OLDEST_CUSTOMER_DAYS + 1)
        ]
        self._scripts = [(script, _zipf(script.given), _zipf(script.family)) for script in SCRIPTS]
        self._script_weights = list(itertools.accumulate(s.weight for s in SCRIPTS))

    def between(self, low: int, high: int) -> int:
        """An integer from `low` to `high`, both included."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[_T], cum_weights: Sequence[float]) -> _T:
        return items[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]

    def day(self, days_ago: int) -> str:
        return self._days[days_ago + _DAYS_AHEAD]

    def moment(self, days_ago: int) -> str:
        """A time in opening hours (08:00-20:00) `days_ago` days before today."""
        minutes = self.between(8 * 60, 20 * 60 - 1)
        return (
            f"{self.day(days_ago)} {minutes // 60:02d}:{minutes % 60:02d}:{self.between(0, 59):02d}"
        )

    def person(self) -> str:
        script, given_weights, family_weights = self.pick(self._scripts, self._script_weights)
        parts = [self.pick(script.given, given_weights)]
        if script.joiner and self.random() < MIDDLE_NAME_SHARE:
            middle = self.pick(script.given, given_weights)
            parts += [middle] if middle != parts[0] else []
        family = self.pick(script.family, family_weights)
        # Chinese names are written family name first, without a space.
        name = " ".join([*parts, family]) if script.joiner else family + parts[0]
        case = self.random()
        if case < UPPER_CASE_SHARE:
            return name.upper()
        if case < UPPER_CASE_SHARE + LOWER_CASE_SHARE:
            return name.lower()
        return name

    def business(self) -> str:
        script, _given, family_weights = self.pick(self._scripts, self._script_weights)
        family = self.pick(script.family, family_weights)
        return self.rng.choice(script.shops).format(family)

    def amounts(self, total: int, parts: int) -> list[int]:
        """`total` (a multiple of `ROUND`) split into at most `parts` round amounts."""
        units = total // ROUND
        cuts = sorted({self.between(1, units - 1) for _ in range(parts - 1)} if units > 1 else ())
        return [(b - a) * ROUND for a, b in itertools.pairwise([0, *cuts, units])]


def _zipf(names: Sequence[str]) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(len(names))))


def _phones(rng: random.Random, count: int) -> list[str]:
    """`count` distinct phones in E.164, mostly Algerian mobiles, shuffled."""
    foreign = int(count * FOREIGN_PHONE_SHARE)
    local = count - foreign
    block_size = 1_000_000
    phones = [
        f"+213{DZ_BLOCKS[n // block_size]}{n % block_size:06d}"
        for n in rng.sample(range(len(DZ_BLOCKS) * block_size), local)
    ]
    for plan, (prefix, digits) in enumerate(FOREIGN_PLANS):
        share = foreign // len(FOREIGN_PLANS) + (plan < foreign % len(FOREIGN_PLANS))
        phones += [f"{prefix}{n:0{digits}d}" for n in rng.sample(range(10**digits), share)]
    rng.shuffle(phones)
    return phones


def _customers(shop: _Shop, count: int) -> list[_Customer]:
    phones = iter(_phones(shop.rng, int(count * PHONE_SHARE)))
    terms_weights = list(itertools.accumulate(TERMS_WEIGHTS))
    customers: list[_Customer] = []
    active_ids: list[int] = []
    for customer_id in range(1, count + 1):
        roll = shop.random()
        merged_into = None
        if roll < MERGED_SHARE and active_ids:
            # A duplicate is the newer entry, merged into an older customer.
            merged_into = active_ids[shop.between(0, len(active_ids) - 1)]
        archived = roll < MERGED_SHARE + ARCHIVED_SHARE
        if not archived:
            active_ids.append(customer_id)
        business = shop.random() < BUSINESS_SHARE
        since_days = shop.between(1, OLDEST_CUSTOMER_DAYS)
        phone = None
        # A merged customer's phone went to the survivor; the rest mostly have one.
        if merged_into is None and shop.random() < PHONE_SHARE:
            phone = next(phones, None)
        customers.append(
            _Customer(
                id=customer_id,
                number=f"C-{customer_id:05d}",
                name=shop.business() if business else shop.person(),
                contact_name=shop.person() if business else None,
                phone=phone,
                archived=archived,
                merged_into=merged_into,
                payment_terms=shop.pick(TERMS, terms_weights),
                since_days=since_days,
                created_at=shop.moment(since_days),
            )
        )
    return customers


def _email(shop: _Shop, name: str, customer_id: int) -> str:
    local = name.casefold().replace(" ", ".").replace("'", "")
    if not local.isascii():
        local = "client"
    return f"{local}{customer_id}@{shop.rng.choice(('gmail.com', 'yahoo.fr', 'outlook.com'))}"


def _customer_row(shop: _Shop, c: _Customer) -> tuple[object, ...]:
    """The customers columns, in the order of `_CUSTOMER_COLUMNS`."""
    address = None
    if shop.random() < ADDRESS_SHARE:
        address = Address(
            street=f"{shop.between(1, 120)} {shop.rng.choice(STREETS)}",
            city=shop.rng.choice(CITIES),
            country="Algérie",
        ).to_json()
    updated_at = c.created_at
    if c.archived or shop.random() < 0.3:
        updated_at = max(c.created_at, shop.moment(shop.between(1, c.since_days)))
    operator = None if shop.random() < UPGRADE_MADE_SHARE else OWNER_OPERATOR_ID
    return (
        c.id,
        c.number,
        c.name,
        name_key(c.name) or "",
        c.contact_name,
        c.phone,
        _email(shop, c.name, c.id) if shop.random() < EMAIL_SHARE else None,
        address,
        c.payment_terms,
        shop.between(1, 20) * 10_000 if shop.random() < CREDIT_LIMIT_SHARE else None,
        None if c.contact_name is None else f"{shop.rng.randrange(10**15):015d}",
        int(c.archived),
        c.merged_into,
        c.created_at,
        updated_at,
        operator,
        operator,
    )


_CUSTOMER_COLUMNS = (
    "id, customer_number, name, name_key, contact_name, phone, email, billing_address, "
    "payment_terms, credit_limit, tax_number, is_deleted, merged_into_id, created_at, "
    "updated_at, created_by, updated_by"
)


@dataclass(slots=True)
class _Ledger:
    """Rows in insertion order, ids from 1 in time order as a shop's would be."""

    sales: list[tuple[int, str, int, int, int]]  # id, sold_at, total, paid, customer_id
    items: list[tuple[int, str, int, int]]  # sale_id, description, quantity, unit_price
    debts: list[tuple[int, str, int | None, int, int, str | None]]
    # id, created_at, sale_id, amount, customer_id, due_date
    payments: list[tuple[int, str, int, int]]  # debt_id, paid_at, amount, customer_id


def _ledger(shop: _Shop, customers: list[_Customer]) -> _Ledger:
    between, random_ = shop.between, shop.random
    old_outcomes = list(itertools.accumulate(OLD_DEBT_OUTCOME_WEIGHTS))
    recent_outcomes = list(itertools.accumulate(RECENT_DEBT_OUTCOME_WEIGHTS))
    debt_count_weights = list(itertools.accumulate(DEBTS_PER_DEBTOR_WEIGHTS))
    # sold_at, total, paid, customer_id, unit prices
    sales: list[tuple[str, int, int, int, list[int]]] = []
    # created_at, sale index or None, amount, customer_id, due_date, payments
    debts: list[tuple[str, int | None, int, int, str | None, list[tuple[str, int]]]] = []
    for c in customers:
        if c.merged_into is not None:
            continue  # its sales and debts were moved to the survivor
        if random_() < CASH_BUYER_SHARE:
            for _sale in range(between(1, 3)):
                total = between(2, 400) * 50
                sold_at = shop.moment(between(1, c.since_days))
                sales.append((sold_at, total, total, c.id, shop.amounts(total, between(1, 3))))
        if random_() >= (ARCHIVED_DEBTOR_SHARE if c.archived else DEBTOR_SHARE):
            continue
        for _debt in range(shop.pick(DEBTS_PER_DEBTOR, debt_count_weights)):
            # Most credit is recent: a shop chases old debts until they are paid.
            recent = random_() < RECENT_DEBT_SHARE
            days_ago = between(1, min(c.since_days, 180 if recent else OLDEST_CUSTOMER_DAYS))
            created_at = shop.moment(days_ago)
            amount = between(2, 400) * 500
            sale = None
            if random_() >= MANUAL_DEBT_SHARE:
                down = between(1, 20) * 100 if random_() < 0.3 else 0
                prices = shop.amounts(amount + down, between(1, 3))
                sales.append((created_at, amount + down, down, c.id, prices))
                sale = len(sales) - 1
            due = None if random_() < NO_DUE_DATE_SHARE else shop.day(days_ago - c.payment_terms)
            # An archived customer owes nothing: the service refuses to archive otherwise.
            weights = recent_outcomes if days_ago <= RECENT_DEBT_DAYS else old_outcomes
            outcome = "paid" if c.archived else shop.pick(OUTCOMES, weights)
            settled = amount if outcome == "paid" else 0
            if outcome == "partly paid":
                settled = between(1, amount // ROUND - 1) * ROUND
            parts = shop.amounts(settled, between(1, 3)) if settled else []
            moments = sorted(max(created_at, shop.moment(between(1, days_ago))) for _ in parts)
            debts.append(
                (created_at, sale, amount, c.id, due, list(zip(moments, parts, strict=True)))
            )

    sales_in_time = sorted(range(len(sales)), key=lambda i: sales[i][0])
    sale_ids = {old: new for new, old in enumerate(sales_in_time, start=1)}
    debts.sort(key=lambda debt: debt[0])
    ledger = _Ledger(sales=[], items=[], debts=[], payments=[])
    for sale_id, old in enumerate(sales_in_time, start=1):
        sold_at, total, paid, customer_id, prices = sales[old]
        ledger.sales.append((sale_id, sold_at, total, paid, customer_id))
        ledger.items += [(sale_id, shop.rng.choice(GOODS), 1, price) for price in prices]
    for debt_id, (created_at, sale, amount, owner, due, payments) in enumerate(debts, start=1):
        debt_sale = None if sale is None else sale_ids[sale]
        ledger.debts.append((debt_id, created_at, debt_sale, amount, owner, due))
        ledger.payments += [(debt_id, paid_at, part, owner) for paid_at, part in payments]
    ledger.payments.sort(key=lambda payment: payment[1])
    return ledger


def _search_key_rows(people: list[tuple[int, str, str | None, str]]) -> list[tuple[str, int]]:
    """(key, customer_id) for every key `CustomerChanges` would store for each customer."""
    return [
        (key, customer_id)
        for customer_id, name, phone, number in people
        for key in search_keys(name, phone, number)
    ]


def build_customers(
    path: Path,
    customers: int = DEFAULT_CUSTOMERS,
    *,
    seed: int = DEFAULT_SEED,
    today: date = REFERENCE_DAY,
) -> CustomerDataSet:
    """Create `path` at the latest schema and fill it with `customers` customers."""
    began = time.perf_counter()
    shop = _Shop(random.Random(seed), today)
    people = _customers(shop, customers)
    # Formatting every phone (phonenumbers) is most of the Python work: a second process
    # works the search keys out while this one migrates and fills the file.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as helper:
        keys = helper.submit(_search_key_rows, [(c.id, c.name, c.phone, c.number) for c in people])
        Migrator(migrations_dir()).migrate(path)
        ledger = _ledger(shop, people)
        conn = filling_connection(path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('phone_region', ?)",
                (PHONE_REGION,),
            )
            conn.execute(
                "UPDATE counters SET next_value = ? WHERE name = 'customer_number'",
                (customers + 1,),
            )
            staged_copy(
                conn, "customers", _CUSTOMER_COLUMNS, [_customer_row(shop, c) for c in people]
            )
            staged_copy(conn, "sales", "id, sold_at, total, paid, customer_id", ledger.sales)
            staged_copy(
                conn, "sale_items", "sale_id, description, quantity, unit_price", ledger.items
            )
            staged_copy(
                conn,
                "debts",
                "id, created_at, sale_id, amount, customer_id, due_date",
                ledger.debts,
            )
            staged_copy(
                conn, "payment_history", "debt_id, paid_at, amount, customer_id", ledger.payments
            )
            key_rows = keys.result()
            staged_copy(conn, "customer_search_keys", "key, customer_id", key_rows)
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    return CustomerDataSet(
        path=path,
        customers=customers,
        archived=sum(c.archived for c in people),
        merged=sum(c.merged_into is not None for c in people),
        search_keys=len(key_rows),
        sales=len(ledger.sales),
        debts=len(ledger.debts),
        payments=len(ledger.payments),
        today=today,
        seconds=time.perf_counter() - began,
    )
