-- Money rows are append-only (product.md §3): a sale, its lines, a debt and a payment are
-- never changed or removed once written; a mistake is corrected by a reversal that points at
-- it. What may still change is what the books need to follow a person: a merge or the legacy
-- queue moves sales, debts and payments to another customer (customer_id), and a debt's
-- status follows what its payments that still count add up to (the settle and reopen
-- triggers of 029). Every other column is named below, so a column added later is writable
-- until a migration adds it here.

CREATE TRIGGER trg_sales_no_update
BEFORE UPDATE OF id, sold_at, total, paid, note, payer_name, payer_phone, checkout_key,
    operator_id, tendered ON sales
BEGIN
    SELECT RAISE(ABORT, 'sales are append-only: only the customer of a sale may change');
END;

CREATE TRIGGER trg_sales_no_delete
BEFORE DELETE ON sales
BEGIN
    SELECT RAISE(ABORT, 'sales are append-only: a void or refund is a reversal');
END;

-- A line's product is history too: a product with sales is never deleted (its ON DELETE SET
-- NULL would rewrite the line), so no column of a line may change.
CREATE TRIGGER trg_sale_items_no_update
BEFORE UPDATE ON sale_items
BEGIN
    SELECT RAISE(ABORT, 'sale lines are append-only');
END;

CREATE TRIGGER trg_sale_items_no_delete
BEFORE DELETE ON sale_items
BEGIN
    SELECT RAISE(ABORT, 'sale lines are append-only');
END;

CREATE TRIGGER trg_debts_no_update
BEFORE UPDATE OF id, sale_id, amount, note, created_at, due_date ON debts
BEGIN
    SELECT RAISE(ABORT, 'debts are append-only: only the customer and the status may change');
END;

CREATE TRIGGER trg_debts_no_delete
BEFORE DELETE ON debts
BEGIN
    SELECT RAISE(ABORT, 'debts are append-only: a mistake is corrected by a reversal');
END;

-- 'paid' exactly when the payments not reversed reach the amount (the rule `check` proves),
-- so only the settle and reopen triggers' changes pass, whoever writes them.
CREATE TRIGGER trg_debts_status_follows_payments
BEFORE UPDATE OF status ON debts
WHEN NEW.status IS NOT OLD.status
 AND (NEW.status = 'paid')
     <> (COALESCE((SELECT SUM(p.amount) FROM payment_history p
                   WHERE p.debt_id = OLD.id
                     AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                     WHERE r.payment_id = p.id)),
                  0) >= OLD.amount)
BEGIN
    SELECT RAISE(ABORT, 'a debt''s status follows its payments: paid exactly when fully paid');
END;

CREATE TRIGGER trg_payment_history_no_update
BEFORE UPDATE OF id, debt_id, amount, paid_at, method, note, reversal_id, receipt_id
    ON payment_history
BEGIN
    SELECT RAISE(ABORT, 'payments are append-only: only the customer of a payment may change');
END;

CREATE TRIGGER trg_payment_history_no_delete
BEFORE DELETE ON payment_history
BEGIN
    SELECT RAISE(ABORT, 'payments are append-only: a mistake is corrected by a payment reversal');
END;
