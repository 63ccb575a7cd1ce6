"""Peewee classes for the tables at the latest schema version (legacy-schema.md, migrations/)."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from app.db.database import BaseTable
from app.db.fields import LocalDateField, LocalDateTimeField, MoneyField


class Setting(BaseTable):
    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "settings"


class Product(BaseTable):
    id = AutoField()
    barcode = TextField(null=True, unique=True)
    name = TextField()
    price = MoneyField()
    stock = IntegerField(default=0)
    is_active = IntegerField(default=1)
    created_at = LocalDateTimeField()

    class Meta:
        table_name = "products"


class Operator(BaseTable):
    id = AutoField()
    name = TextField(unique=True)
    is_active = BooleanField(default=True)

    class Meta:
        table_name = "operators"


class Counter(BaseTable):
    name = TextField(primary_key=True)
    next_value = IntegerField()

    class Meta:
        table_name = "counters"


class Customer(BaseTable):
    id = AutoField()
    customer_number = TextField(null=True, unique=True)
    name = TextField()
    # name folded in Python (app/domain/names.py), kept by the service: the sort order by name.
    name_key = TextField(default="")
    contact_name = TextField(null=True)
    phone = TextField(null=True, unique=True)
    email = TextField(null=True)
    billing_address = TextField(null=True)  # JSON, app/domain/customer_form.py Address
    shipping_address = TextField(null=True)
    payment_terms = IntegerField(default=30)
    credit_limit = MoneyField(null=True)
    tax_number = TextField(null=True)
    note = TextField(null=True)
    is_deleted = BooleanField(default=False)
    merged_into = ForeignKeyField(
        "self", column_name="merged_into_id", null=True, on_delete="RESTRICT"
    )
    created_at = LocalDateTimeField()
    updated_at = LocalDateTimeField()
    created_by = ForeignKeyField(Operator, column_name="created_by", null=True)
    updated_by = ForeignKeyField(Operator, column_name="updated_by", null=True)
    # The raw ids peewee exposes beside each foreign key, declared for the type checker.
    merged_into_id: int | None
    created_by_id: int | None
    updated_by_id: int | None

    class Meta:
        table_name = "customers"


class CustomerSearchKey(BaseTable):
    """One prefix-searchable form of a customer (app/domain/customer_search.py)."""

    key = TextField()
    customer = ForeignKeyField(Customer, column_name="customer_id", on_delete="CASCADE")

    class Meta:
        table_name = "customer_search_keys"
        primary_key = CompositeKey("key", "customer")


class CustomerBalance(BaseTable):
    """Debts less payments per customer, kept by triggers (migration 023)."""

    customer = ForeignKeyField(
        Customer, column_name="customer_id", primary_key=True, on_delete="CASCADE"
    )
    outstanding = MoneyField(default=0)
    # Earliest due date of the open debts; NULL when none is open or dated (migration 029).
    oldest_due = LocalDateField(null=True)

    class Meta:
        table_name = "customer_balances"


class AuditEntry(BaseTable):
    """One row of the append-only audit log (migration 021)."""

    id = AutoField()
    at = LocalDateTimeField()
    operator = ForeignKeyField(Operator, column_name="operator_id")
    entity = TextField()
    entity_id = IntegerField()
    action = TextField()
    before_json = TextField(null=True)
    after_json = TextField(null=True)
    reason = TextField(null=True)

    class Meta:
        table_name = "audit_log"


class LegacyPlaceholder(BaseTable):
    """The one "Unassigned (legacy)" customer that holds debts whose payer was not known."""

    id = IntegerField(primary_key=True)
    customer = ForeignKeyField(Customer, column_name="customer_id", on_delete="RESTRICT")

    class Meta:
        table_name = "legacy_placeholder"


class Sale(BaseTable):
    id = AutoField()
    sold_at = LocalDateTimeField()
    total = MoneyField()
    paid = MoneyField(default=0)
    note = TextField(null=True)
    payer_name = TextField(null=True)
    payer_phone = TextField(null=True)
    customer = ForeignKeyField(
        Customer, column_name="customer_id", null=True, backref="sales", on_delete="RESTRICT"
    )
    # The basket's key: a second press of "complete" finds this sale (migration 025).
    checkout_key = TextField(null=True, unique=True)
    operator = ForeignKeyField(Operator, column_name="operator_id", null=True)
    tendered = MoneyField(null=True)  # cash handed over; change = tendered - paid
    customer_id: int | None

    class Meta:
        table_name = "sales"


class SaleItem(BaseTable):
    id = AutoField()
    sale = ForeignKeyField(Sale, column_name="sale_id", backref="items", on_delete="CASCADE")
    product = ForeignKeyField(Product, column_name="product_id", null=True, on_delete="SET NULL")
    description = TextField()
    quantity = IntegerField()
    unit_price = MoneyField()
    sale_id: int
    product_id: int | None

    class Meta:
        table_name = "sale_items"


class Debt(BaseTable):
    id = AutoField()
    # NULL for a manual debt (an opening balance carried over from a paper book).
    sale = ForeignKeyField(
        Sale, column_name="sale_id", null=True, backref="debts", on_delete="RESTRICT"
    )
    amount = MoneyField()
    status = TextField(default="open")
    note = TextField(null=True)
    created_at = LocalDateTimeField()
    due_date = LocalDateField(null=True)
    customer = ForeignKeyField(
        Customer, column_name="customer_id", backref="debts", on_delete="RESTRICT"
    )
    sale_id: int | None
    customer_id: int

    class Meta:
        table_name = "debts"


class Payment(BaseTable):
    id = AutoField()
    debt = ForeignKeyField(Debt, column_name="debt_id", backref="payments", on_delete="CASCADE")
    amount = MoneyField()
    paid_at = LocalDateTimeField()
    method = TextField(default="cash")
    note = TextField(null=True)
    # Always the debt's customer (a trigger refuses anything else), for statements by index.
    customer = ForeignKeyField(
        Customer, column_name="customer_id", backref="payments", on_delete="RESTRICT"
    )
    # Set on the part of a void or refund taken off the debt (method 'return', migration 026).
    reversal_id = IntegerField(null=True)
    # The receipt a payment taken at the counter belongs to (migration 029); NULL on rows
    # written before it, by the old till, or by a void or refund.
    receipt_id = IntegerField(null=True)
    debt_id: int
    customer_id: int

    class Meta:
        table_name = "payment_history"


class PaymentReceipt(BaseTable):
    """One payment taken from a customer, printed as receipt P-000001 (its id), grouping the
    payment_history rows of the debts it settled (migration 029); never edited."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id", on_delete="RESTRICT")
    amount = MoneyField()
    method = TextField()  # cash, card, transfer
    received_at = LocalDateTimeField()
    operator = ForeignKeyField(Operator, column_name="operator_id")
    note = TextField(null=True)
    customer_id: int

    class Meta:
        table_name = "payment_receipts"


class PaymentReversal(BaseTable):
    """A payment_history row that no longer counts (a mistyped amount), with who, when and why;
    triggers reopen its debt and restore the balance (migration 029)."""

    id = AutoField()
    payment = ForeignKeyField(Payment, column_name="payment_id", unique=True)
    reversed_at = LocalDateTimeField()
    operator = ForeignKeyField(Operator, column_name="operator_id")
    reason = TextField()
    payment_id: int

    class Meta:
        table_name = "payment_reversals"


class Reminder(BaseTable):
    """A reminder text handed to a customer who was overdue (migration 029)."""

    id = AutoField()
    customer = ForeignKeyField(Customer, column_name="customer_id", on_delete="RESTRICT")
    reminded_at = LocalDateTimeField()
    overdue_amount = MoneyField()
    operator = ForeignKeyField(Operator, column_name="operator_id")
    customer_id: int

    class Meta:
        table_name = "reminders"


class SaleReversal(BaseTable):
    """A void or refund: the value of the lines that came back, split between the sale's debt
    and cash paid out (migration 026); never edited."""

    id = AutoField()
    sale = ForeignKeyField(Sale, column_name="sale_id", backref="reversals")
    kind = TextField()  # void, refund
    amount = MoneyField()
    debt_reduced = MoneyField()
    cash_out = MoneyField()
    reversed_at = LocalDateTimeField()
    operator = ForeignKeyField(Operator, column_name="operator_id")
    reason = TextField()
    sale_id: int

    class Meta:
        table_name = "sale_reversals"


class SaleReversalItem(BaseTable):
    id = AutoField()
    reversal = ForeignKeyField(SaleReversal, column_name="reversal_id", backref="items")
    sale_item = ForeignKeyField(SaleItem, column_name="sale_item_id", backref="reversed")
    quantity = IntegerField()
    amount = MoneyField()
    sale_item_id: int

    class Meta:
        table_name = "sale_reversal_items"


class StockMove(BaseTable):
    """One change of a product's stock; triggers write those of sale and returned lines and
    keep products.stock equal to the sum (migration 027)."""

    id = AutoField()
    product = ForeignKeyField(Product, column_name="product_id", backref="moves")
    quantity = IntegerField()
    kind = TextField()  # opening, sale, return, count
    sale_item_id = IntegerField(null=True)
    reversal_item_id = IntegerField(null=True)
    moved_at = LocalDateTimeField()
    note = TextField(null=True)

    class Meta:
        table_name = "stock_moves"


class OpenDebt(BaseTable):
    """The `open_debts` view: one row per open debt with what is paid and outstanding."""

    debt_id = IntegerField(primary_key=True)
    sale_id = IntegerField(null=True)
    amount = MoneyField()
    paid = MoneyField()
    outstanding = MoneyField()
    due_date = LocalDateField(null=True)
    created_at = LocalDateTimeField()
    customer_id = IntegerField()

    class Meta:
        table_name = "open_debts"
