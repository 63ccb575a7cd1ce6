"""Which customer each legacy debt ends up with after 013, case by case (product.md §3)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.migrator import Migrator
from app.paths import migrations_dir
from tests.db.legacy_shop import LegacySale, build_legacy_shop, cash

PLACEHOLDER = "?"  # the expected group of a debt that waits for the shopkeeper
LATEST = Migrator(migrations_dir()).latest_version


def sale(label: str, name: str | None, phone: str | None = None, **rest: object) -> LegacySale:
    """A credit sale, nothing paid at the till unless `paid=` says otherwise."""
    return LegacySale(label, name, phone, **rest)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    id: str
    sales: list[LegacySale]
    # debt label -> group; debts in one group share one customer, PLACEHOLDER is the queue.
    groups: dict[str, str]
    # group -> (shown name, stored phone) of its customer, where the case pins them down.
    customers: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    region: str | None = "DZ"


CASES = [
    Case(
        "one-number-in-every-format",
        [
            sale("a", "Alice smith", "0555 123 456"),
            sale("b", " ALICE SMITH ", "0555-123-456"),
            sale("c", "Alice Smith", "+213555123456"),
            sale("d", "alice", "(0555) 12.34.56"),
            sale("e", "Alice smith", "00213 555 123 456"),
        ],
        {"a": "A", "b": "A", "c": "A", "d": "A", "e": "A"},
        {"A": ("Alice smith", "+213555123456")},
    ),
    Case(
        "one-phone-many-names-is-one-customer-shown-by-the-commonest",
        [
            sale("a", "Omar", "0661 00 11 22", sold_at="2024-01-01 09:00:00"),
            sale("b", "Omar's wife", "0661001122", sold_at="2024-01-02 09:00:00"),
            sale("c", "omar", "0661-00-11-22", sold_at="2024-01-03 09:00:00"),
        ],
        {"a": "O", "b": "O", "c": "O"},
        # "Omar" is typed most often (folded); of its typings, the one in mixed case.
        {"O": ("Omar", "+213661001122")},
    ),
    Case(
        "names-alone-trimmed-and-folded",
        [
            sale("a", "Alice smith", None),
            sale("b", " ALICE SMITH ", ""),
            sale("c", "alice   smith", "   "),
            sale("d", "Bob", None),
        ],
        {"a": "A", "b": "A", "c": "A", "d": "B"},
        {"A": ("Alice smith", None), "B": ("Bob", None)},
    ),
    Case(
        "case-folding-in-every-script",
        [
            sale("a", "ХАСАН", None),
            sale("b", "хасан", None),
            sale("c", "STRASSE", None),
            sale("d", "straße", None),
            sale("e", "ΣΟΦΙΑ", None),
            sale("f", "σοφια", None),
            sale("g", "Ｋａｒｉｍ", None),  # full-width letters
            sale("h", "karim", None),
            sale("i", "محمد", None),
            sale("j", " محمد ", None),
        ],
        {
            "a": "H",
            "b": "H",
            "c": "S",
            "d": "S",
            "e": "F",
            "f": "F",
            "g": "K",
            "h": "K",
            "i": "M",
            "j": "M",
        },
    ),
    Case(
        "a-name-alone-joins-the-one-phone-it-was-typed-with",
        [
            sale("a", "Alice Smith", "0555 123 456"),
            sale("b", "alice smith", None),
            sale("c", "Alice", "0555123456"),
            sale("d", " ALICE ", None),
        ],
        {"a": "A", "b": "A", "c": "A", "d": "A"},
        {"A": ("Alice Smith", "+213555123456")},
    ),
    Case(
        "a-name-alone-shared-by-two-phones-is-not-guessed",
        [
            sale("a", "Ahmed", "0555 000 001"),
            sale("b", "Ahmed", "0555 000 002"),
            sale("c", "ahmed", None),
        ],
        {"a": "A1", "b": "A2", "c": PLACEHOLDER},
        {"A1": ("Ahmed", "+213555000001"), "A2": ("Ahmed", "+213555000002")},
    ),
    Case(
        "no-usable-payer-waits-in-the-queue",
        [
            sale("a", None, None),
            sale("b", "   ", "  "),
            sale("c", "", "-"),
            sale("d", None, "0"),  # a skipped field, not a number
            sale("e", "Yusuf", None),
        ],
        {"a": PLACEHOLDER, "b": PLACEHOLDER, "c": PLACEHOLDER, "d": PLACEHOLDER, "e": "Y"},
    ),
    Case(
        "an-unusable-phone-falls-back-to-the-name",
        [sale("a", "Lina", "n/a"), sale("b", "LINA", "ask the boss")],
        {"a": "L", "b": "L"},
        {"L": ("Lina", None)},
    ),
    Case(
        "a-phone-without-a-name-is-shown-by-the-phone",
        [sale("a", None, "0770 12 34 56"), sale("b", "", "0770123456")],
        {"a": "P", "b": "P"},
        {"P": ("0770123456", "+213770123456")},
    ),
    Case(
        "cash-sales-never-make-customers",
        [
            cash("cash1", "Karim B.", "0555 999 888"),
            cash("cash2", "Nadia", None),
            sale("a", "Nadia", None),
        ],
        # Nadia's cash sale names her too, but only her debt counts; Karim owes nothing.
        {"a": "N"},
        {"N": ("Nadia", None)},
    ),
    Case(
        "paid-and-partly-paid-debts-move-with-their-payments",
        [
            sale("a", "Rania", "0550 11 22 33", payments=(2_000, 3_000)),
            sale("b", "rania", None, paid=4_000, payments=(6_000,)),
            sale("c", None, None, payments=(10_000,)),
        ],
        {"a": "R", "b": "R", "c": PLACEHOLDER},
    ),
    Case(
        "without-a-region-only-the-digits-are-compared",
        [
            sale("a", "Alice", "0555 123 456"),
            sale("b", "Alice", "0555-123-456"),
            sale("c", "Alice", "+213 555 123 456"),
        ],
        {"a": "local", "b": "local", "c": "international"},
        {"local": ("Alice", "0555123456"), "international": ("Alice", "+213555123456")},
        region=None,
    ),
]


def _upgraded(
    tmp_path: Path, migrator: Migrator, case: Case
) -> tuple[sqlite3.Connection, dict[str, int]]:
    shop = build_legacy_shop(
        migrator, tmp_path / "shop" / "dukan.db", case.sales, region=case.region
    )
    Migrator(migrations_dir()).migrate(shop.path)
    return sqlite3.connect(shop.path), shop.debt_ids


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_debt_ends_up_with_the_expected_customer(
    tmp_path: Path, migrator: Migrator, case: Case
) -> None:
    conn, debt_ids = _upgraded(tmp_path, migrator, case)
    try:
        owner = {
            label: conn.execute(
                "SELECT customer_id FROM debts WHERE id = ?", (debt_id,)
            ).fetchone()[0]
            for label, debt_id in debt_ids.items()
        }
        placeholder = conn.execute("SELECT customer_id FROM legacy_placeholder").fetchone()
        assert set(owner) == set(case.groups)

        # Same group, same customer; different groups, different customers.
        customer_of_group = {case.groups[label]: customer for label, customer in owner.items()}
        for label, customer in owner.items():
            assert customer == customer_of_group[case.groups[label]], label
        assert len(set(customer_of_group.values())) == len(customer_of_group)

        if PLACEHOLDER in customer_of_group:
            assert placeholder == (customer_of_group[PLACEHOLDER],)
        else:
            assert placeholder is None  # created only when some debt needs it

        # No other customers: cash sales and unusable payers made none.
        customers = conn.execute("SELECT id, name, phone FROM customers").fetchall()
        assert {row[0] for row in customers} == set(customer_of_group.values())
        shown = {row[0]: (row[1], row[2]) for row in customers}
        for group, expected in case.customers.items():
            assert shown[customer_of_group[group]] == expected, group

        assert all_violations(conn, LATEST) == []
    finally:
        conn.close()


def test_the_placeholder_is_named_and_explained(tmp_path: Path, migrator: Migrator) -> None:
    case = Case("queue", [sale("a", None, None)], {"a": PLACEHOLDER})
    conn, _ = _upgraded(tmp_path, migrator, case)
    try:
        name, phone, note = conn.execute(
            "SELECT name, phone, note FROM customers "
            "WHERE id = (SELECT customer_id FROM legacy_placeholder)"
        ).fetchone()
        assert (name, phone) == ("Unassigned (legacy)", None)
        assert "assign" in note.lower()
    finally:
        conn.close()


def test_sales_with_debts_get_their_customer_and_others_stay_anonymous(
    tmp_path: Path, migrator: Migrator
) -> None:
    sales = [
        cash("cash", "Nadia", "0555 111 222"),
        sale("credit", "Nadia", "0555 111 222"),
        sale("unknown", None, None),
        LegacySale("walk-in", paid=10_000),
    ]
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", sales)
    Migrator(migrations_dir()).migrate(shop.path)
    conn = sqlite3.connect(shop.path)
    try:
        customer_of_sale = dict(conn.execute("SELECT id, customer_id FROM sales").fetchall())
        debt_customer = dict(conn.execute("SELECT sale_id, customer_id FROM debts").fetchall())
        assert customer_of_sale[shop.sale_ids["cash"]] is None
        assert customer_of_sale[shop.sale_ids["walk-in"]] is None
        for label in ("credit", "unknown"):
            sale_id = shop.sale_ids[label]
            assert customer_of_sale[sale_id] == debt_customer[sale_id] is not None
    finally:
        conn.close()


def test_customers_are_dated_by_their_credit_sales(tmp_path: Path, migrator: Migrator) -> None:
    case = Case(
        "dates",
        [
            sale("a", "Zina", None, sold_at="2023-05-01 08:00:00"),
            sale("b", "zina", None, sold_at="2024-02-03 17:30:00"),
        ],
        {"a": "Z", "b": "Z"},
    )
    conn, _ = _upgraded(tmp_path, migrator, case)
    try:
        assert conn.execute("SELECT created_at, updated_at FROM customers").fetchall() == [
            ("2023-05-01 08:00:00", "2024-02-03 17:30:00")
        ]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("in_settings", "of_the_system", "customers"),
    [
        (None, "DZ", 1),  # no setting: the system's region reads the national form
        ("DZ", "FR", 1),  # the shop's own setting comes first
        (None, None, 2),  # neither: `0555…` and `+213555…` cannot be matched
    ],
)
def test_phones_are_read_in_the_shops_region(
    tmp_path: Path,
    migrator: Migrator,
    in_settings: str | None,
    of_the_system: str | None,
    customers: int,
) -> None:
    sales = [sale("a", "Alice", "0555 123 456"), sale("b", "Alice", "+213555123456")]
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", sales, region=in_settings)
    Migrator(migrations_dir(), phone_region=of_the_system).migrate(shop.path)
    conn = sqlite3.connect(shop.path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == customers
    finally:
        conn.close()


def test_a_customer_already_recorded_with_the_phone_is_reused(
    tmp_path: Path, migrator: Migrator
) -> None:
    sales = [sale("a", "Alice", "0555 123 456"), sale("b", "Bob", "0666 12 34 56")]
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", sales)
    Migrator(migrations_dir()).migrate(shop.path, target=12)
    conn = sqlite3.connect(shop.path)
    with conn:  # another program recorded Alice between the upgrades
        conn.execute("INSERT INTO customers (name, phone) VALUES ('Alice S.', '+213555123456')")
    conn.close()

    Migrator(migrations_dir()).migrate(shop.path)

    conn = sqlite3.connect(shop.path)
    try:
        owners = conn.execute(
            "SELECT c.name, c.phone FROM debts d JOIN customers c ON c.id = d.customer_id "
            "ORDER BY d.id"
        ).fetchall()
        assert owners == [("Alice S.", "+213555123456"), ("Bob", "+213666123456")]
        assert conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 2
    finally:
        conn.close()
