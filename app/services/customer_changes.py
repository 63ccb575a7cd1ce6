"""Changing customers: create, edit, archive, restore, delete and merge, each one audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from peewee import IntegrityError

from app.db.database import database_proxy
from app.db.tables import (
    Counter,
    Customer,
    CustomerBalance,
    CustomerSearchKey,
    Debt,
    Payment,
    PaymentReceipt,
    Reminder,
    Sale,
    Setting,
)
from app.domain.customer_form import (
    Address,
    CustomerDraft,
    CustomerFields,
    ValidationError,
    validate_customer,
)
from app.domain.customer_search import search_keys
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.domain.names import name_key
from app.domain.phone import normalize_phone
from app.domain.shop_settings import draft_of
from app.services import audit
from app.services.customer_directory import stored_fields
from app.services.debtors import PLACEHOLDER_NAME, placeholder_id
from app.services.errors import ServiceError
from app.services.setting_keys import PHONE_REGION
from app.services.shop_settings import ShopSettings

NUMBER_COUNTER = "customer_number"
NUMBER_FORMAT = "C-{:05d}"
# Fields a merge copies from the merged customer when the survivor has none.
_FILLABLE = ("contact_name", "phone", "email", "billing", "shipping", "tax_number", "note")


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    survivor_id: int
    merged_id: int
    sales_moved: int
    debts_moved: int
    payments_moved: int
    fields_filled: tuple[str, ...]  # survivor's empty fields taken from the merged customer


class CustomerChanges:
    def __init__(
        self,
        *,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        fallback_region: str | None = None,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._operator_id = operator_id
        self._fallback_region = fallback_region
        self._money_format = money_format
        self._now = now

    @property
    def money_format(self) -> CurrencyFormat:
        """How credit limits are read from text (and so how an export must write them)."""
        return self._money_format

    def new_draft(self, *, name: str = "", phone: str = "") -> CustomerDraft:
        """A new customer's form: what was typed so far, and the shop's default terms and
        credit limit as they are now."""
        defaults = draft_of(ShopSettings().load())
        return CustomerDraft(
            name=name,
            phone=phone,
            payment_terms=defaults.payment_terms,
            credit_limit=defaults.credit_limit,
        )

    def phone_region(self) -> str | None:
        """The shop's phone region (settings), else the one the system's locale names."""
        stored = Setting.select(Setting.value).where(Setting.key == PHONE_REGION).scalar()
        return str(stored) if stored else self._fallback_region

    def validate(self, draft: CustomerDraft, *, customer_id: int | None = None) -> CustomerFields:
        """The draft as it would be stored, or ValidationError per field; `customer_id` is the
        customer being edited, whose own phone and number are no conflict."""
        region = self.phone_region()
        fields: CustomerFields | None = None
        try:
            fields = validate_customer(draft, region=region, money_format=self._money_format)
            errors: dict[str, str] = {}
            phone, number = fields.phone, fields.number
        except ValidationError as error:
            # A phone someone else has is reported together with the other mistakes.
            errors = dict(error.errors)
            phone = None if "phone" in errors else normalize_phone(draft.phone, region)
            number = None if "number" in errors else (draft.number.strip() or None)
        other = Customer.id != (customer_id or 0)
        if phone is not None:
            holder = _holder((Customer.phone == phone) & other)
            if holder is not None:
                errors["phone"] = f"Already the phone of {holder}."
        if number is not None:
            holder = _holder((Customer.customer_number.collate("NOCASE") == number) & other)
            if holder is not None:
                errors["number"] = f"Already the number of {holder}."
        if errors or fields is None:
            raise ValidationError(errors)
        return fields

    def create(self, draft: CustomerDraft, *, reason: str = "") -> int:
        """A new customer, numbered from the counter unless a free number was typed; `reason`
        goes to the audit row (e.g. the file an import came from)."""
        with database_proxy.atomic():
            fields = self.validate(draft)
            number = fields.number or _next_number()
            now = self._now().replace(microsecond=0)
            try:
                customer = Customer.create(
                    **_columns(replace(fields, number=number)),
                    created_at=now,
                    updated_at=now,
                    created_by=self._operator_id,
                    updated_by=self._operator_id,
                )
            except IntegrityError as error:
                raise _conflict(error) from error
            _write_search_keys(customer)
            self._audit(customer.id, "insert", None, customer, reason)
        return int(customer.id)

    def update(self, customer_id: int, draft: CustomerDraft) -> bool:
        """Save an edit; False (and nothing written) when nothing changed."""
        with database_proxy.atomic():
            customer = _changeable(customer_id)
            before = _snapshot(customer)
            fields = self.validate(draft, customer_id=customer_id)
            if fields.number is None:
                fields = replace(fields, number=customer.customer_number)
            if fields == stored_fields(customer):
                return False
            for column, value in _columns(fields).items():
                setattr(customer, column, value)
            self._touch(customer)
            try:
                customer.save()
            except IntegrityError as error:
                raise _conflict(error) from error
            _write_search_keys(customer)
            self._audit(customer_id, "update", before, customer)
        return True

    def archive(self, customer_id: int, reason: str = "") -> None:
        """Hide a customer from the directory; refused while they owe anything."""
        with database_proxy.atomic():
            customer = _changeable(customer_id)
            if customer.is_deleted:
                raise ServiceError(f"{_described(customer)} is already archived.")
            balance = _balance(customer_id)
            if balance != 0:
                raise ServiceError(
                    f"{_described(customer)} still owes {Money(balance).format(self._money_format)}"
                    "; a customer can be archived once the balance is zero."
                )
            before = _snapshot(customer)
            customer.is_deleted = True
            self._touch(customer)
            customer.save()
            self._audit(customer_id, "archive", before, customer, reason)

    def restore(self, customer_id: int, reason: str = "") -> None:
        """Bring an archived customer back; a merged one stays merged."""
        with database_proxy.atomic():
            customer = _existing(customer_id)
            if customer.merged_into_id is not None:
                raise ServiceError(
                    f"{_described(customer)} was merged into another customer and stays merged."
                )
            if not customer.is_deleted:
                raise ServiceError(f"{_described(customer)} is not archived.")
            before = _snapshot(customer)
            customer.is_deleted = False
            self._touch(customer)
            customer.save()
            self._audit(customer_id, "restore", before, customer, reason)

    def delete(self, customer_id: int, reason: str = "") -> None:
        """Remove a customer for good: only one nothing refers to (a mistyped new entry)."""
        with database_proxy.atomic():
            customer = _changeable(customer_id)
            uses = _references(customer_id)
            if uses:
                raise ServiceError(
                    f"{_described(customer)} cannot be deleted: {', '.join(uses)} refer to them. "
                    "Archive the customer instead."
                )
            before = _snapshot(customer)
            self._audit(customer_id, "delete", before, None, reason)
            customer.delete_instance()

    def merge(
        self,
        survivor_id: int,
        merged_id: int,
        *,
        reason: str = "",
        include_legacy_placeholder: bool = False,
    ) -> MergeOutcome:
        """Move every sale, debt and payment of `merged_id` to `survivor_id` in one
        transaction; the merged customer is archived pointing at the survivor.

        Merging the legacy placeholder would give every old debt whose payer was never
        recorded to one customer, so it is refused unless asked for explicitly.
        """
        if survivor_id == merged_id:
            raise ServiceError("Choose two different customers to merge.")
        with database_proxy.atomic():
            survivor, merged = _existing(survivor_id), _existing(merged_id)
            holder = placeholder_id()
            if survivor_id == holder:
                raise ServiceError(
                    f"“{PLACEHOLDER_NAME}” cannot receive debts; keep the real customer instead."
                )
            if merged_id == holder and not include_legacy_placeholder:
                raise ServiceError(
                    f"Merging “{PLACEHOLDER_NAME}” would give every old debt whose payer was "
                    f"never recorded to {_described(survivor)}. Assign those debts one by one "
                    "in the Debts tab, or confirm this merge explicitly."
                )
            for customer in (survivor, merged):
                if customer.merged_into_id is not None:
                    raise ServiceError(f"{_described(customer)} was already merged.")
            if survivor.is_deleted:
                raise ServiceError(f"{_described(survivor)} is archived; restore them first.")
            survivor_before, merged_before = _snapshot(survivor), _snapshot(merged)

            # Debts first: a payment must always carry its debt's customer (migration 014).
            debts_moved = Debt.update(customer=survivor_id).where(Debt.customer == merged_id)
            debts_moved = debts_moved.execute()
            payments_moved = (
                Payment.update(customer=survivor_id).where(Payment.customer == merged_id).execute()
            )
            sales_moved = Sale.update(customer=survivor_id).where(Sale.customer == merged_id)
            sales_moved = sales_moved.execute()
            # Receipts group the payments just moved; reminders tell when the person was asked.
            PaymentReceipt.update(customer=survivor_id).where(
                PaymentReceipt.customer == merged_id
            ).execute()
            Reminder.update(customer=survivor_id).where(Reminder.customer == merged_id).execute()

            filled = _fill_empty_fields(survivor, merged)
            merged.is_deleted = True
            merged.merged_into = survivor_id
            self._touch(merged)
            merged.save()
            if filled:
                self._touch(survivor)
                survivor.save()
            _write_search_keys(merged)
            _write_search_keys(survivor)
            why = reason or None
            moved = f"{sales_moved} sales, {debts_moved} debts, {payments_moved} payments"
            self._audit(merged_id, "merge", merged_before, merged, why)
            self._audit(
                survivor_id,
                "merge",
                survivor_before,
                survivor,
                f"took over {merged.customer_number} ({moved})" + (f": {why}" if why else ""),
            )
        return MergeOutcome(
            survivor_id, merged_id, sales_moved, debts_moved, payments_moved, tuple(filled)
        )

    def _touch(self, customer: Customer) -> None:
        customer.updated_at = self._now().replace(microsecond=0)
        customer.updated_by_id = self._operator_id

    def _audit(
        self,
        customer_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: Customer | None,
        reason: str | None = None,
    ) -> None:
        audit.record(
            operator_id=self._operator_id,
            entity="customer",
            entity_id=customer_id,
            action=action,
            before=before,
            after=None if after is None else _snapshot(after),
            reason=reason,
        )


def _existing(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise ServiceError(f"There is no customer with id {customer_id}.")
    return customer


def _changeable(customer_id: int) -> Customer:
    """A customer a person may edit, archive or delete: any but the legacy placeholder."""
    customer = _existing(customer_id)
    if customer_id == placeholder_id():
        raise ServiceError(
            f"“{PLACEHOLDER_NAME}” holds old debts whose payer was never recorded; it cannot "
            "be edited, archived or deleted. Give its debts to customers in the Debts tab."
        )
    return customer


def _described(customer: Customer) -> str:
    return _description(customer.customer_number, customer.name, customer.is_deleted)


def _description(number: str | None, name: str, archived: bool) -> str:
    return f"{number} {name}" + (" (archived)" if archived else "")


def _holder(condition: Any) -> str | None:
    """The customer matching `condition`, described; a narrow read, as imports call it often."""
    found = (
        Customer.select(Customer.customer_number, Customer.name, Customer.is_deleted)
        .where(condition)
        .tuples()
        .first()
    )
    return None if found is None else _description(*cast(tuple[Any, str, bool], found))


def _columns(fields: CustomerFields) -> dict[str, Any]:
    return {
        "customer_number": fields.number,
        "name": fields.name,
        "name_key": name_key(fields.name) or "",
        "contact_name": fields.contact_name,
        "phone": fields.phone,
        "email": fields.email,
        "billing_address": fields.billing.to_json(),
        "shipping_address": fields.shipping.to_json(),
        "payment_terms": fields.payment_terms,
        "credit_limit": fields.credit_limit_minor,
        "tax_number": fields.tax_number,
        "note": fields.note,
    }


def _snapshot(customer: Customer) -> dict[str, Any]:
    """What the audit log keeps of a customer: every field a person can see or change."""
    fields = stored_fields(customer)
    return {
        "number": fields.number,
        "name": fields.name,
        "contact_name": fields.contact_name,
        "phone": fields.phone,
        "email": fields.email,
        "billing_address": fields.billing.one_line() or None,
        "shipping_address": fields.shipping.one_line() or None,
        "payment_terms": fields.payment_terms,
        "credit_limit": fields.credit_limit_minor,
        "tax_number": fields.tax_number,
        "note": fields.note,
        "archived": bool(customer.is_deleted),
        "merged_into_id": customer.merged_into_id,
    }


def _next_number() -> str:
    """The next free number from the counter. Runs inside the caller's BEGIN IMMEDIATE
    transaction, which holds the write lock, so two tills can never draw the same value; a
    number someone typed earlier is skipped, never reused."""
    while True:
        value = Counter.select(Counter.next_value).where(Counter.name == NUMBER_COUNTER).scalar()
        Counter.update(next_value=Counter.next_value + 1).where(
            Counter.name == NUMBER_COUNTER
        ).execute()
        number = NUMBER_FORMAT.format(value)
        taken = Customer.select().where(Customer.customer_number.collate("NOCASE") == number)
        if not taken.exists():
            return number


def _write_search_keys(customer: Customer) -> None:
    CustomerSearchKey.delete().where(CustomerSearchKey.customer == customer.id).execute()
    keys = search_keys(customer.name, customer.phone, customer.customer_number)
    CustomerSearchKey.insert_many(
        [(key, customer.id) for key in keys],
        fields=[CustomerSearchKey.key, CustomerSearchKey.customer],
    ).execute()


def _balance(customer_id: int) -> int:
    found = (
        CustomerBalance.select(CustomerBalance.outstanding)
        .where(CustomerBalance.customer == customer_id)
        .scalar()
    )
    return int(found or 0)


def _references(customer_id: int) -> list[str]:
    uses = []
    for noun, query in (
        ("sales", Sale.select().where(Sale.customer == customer_id)),
        ("debts", Debt.select().where(Debt.customer == customer_id)),
        ("payments", Payment.select().where(Payment.customer == customer_id)),
        ("merged customers", Customer.select().where(Customer.merged_into == customer_id)),
    ):
        count = query.count()
        if count:
            uses.append(f"{count} {noun}")
    return uses


def _fill_empty_fields(survivor: Customer, merged: Customer) -> list[str]:
    """Copy what the survivor lacks from the merged customer (a phone above all, so the
    customer is still found by it). Returns the names of the fields copied."""
    have, give = stored_fields(survivor), stored_fields(merged)
    filled = []
    for name in _FILLABLE:
        mine, theirs = getattr(have, name), getattr(give, name)
        if _blank(mine) and not _blank(theirs):
            have = replace(have, **{name: theirs})
            filled.append(name)
    if "phone" in filled:
        # The phone is unique: it leaves the merged customer before the survivor takes it.
        merged.phone = None
        merged.save()
    for column, value in _columns(have).items():
        setattr(survivor, column, value)
    return filled


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, Address) and value.is_empty())


def _conflict(error: IntegrityError) -> ValidationError:
    """A phone or number another till saved between our check and our write."""
    text = str(error)
    if "phone" in text:
        return ValidationError({"phone": "Another customer was just saved with this phone."})
    if "customer_number" in text:
        return ValidationError({"number": "Another customer was just saved with this number."})
    return ValidationError({"name": f"The customer could not be saved: {text}"})
