-- Voids and refunds (product.md §3 "Sales"). A sale, its items and its debt are never edited:
-- a reversal is a new row saying which lines came back, how much of their value came off the
-- sale's debt and how much cash went back over the counter, who did it and why.
CREATE TABLE sale_reversals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sales(id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('void', 'refund')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    debt_reduced INTEGER NOT NULL CHECK (debt_reduced >= 0),
    cash_out INTEGER NOT NULL CHECK (cash_out >= 0),
    reversed_at DATETIME NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT,
    reason TEXT NOT NULL CHECK (trim(reason) <> ''),
    CHECK (debt_reduced + cash_out = amount)
);

CREATE INDEX idx_sale_reversals_sale ON sale_reversals(sale_id);

CREATE INDEX idx_sale_reversals_reversed_at ON sale_reversals(reversed_at);

CREATE TABLE sale_reversal_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reversal_id INTEGER NOT NULL REFERENCES sale_reversals(id) ON DELETE RESTRICT,
    sale_item_id INTEGER NOT NULL REFERENCES sale_items(id) ON DELETE RESTRICT,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount INTEGER NOT NULL CHECK (amount >= 0)
);

CREATE INDEX idx_sale_reversal_items_reversal ON sale_reversal_items(reversal_id);

CREATE INDEX idx_sale_reversal_items_sale_item ON sale_reversal_items(sale_item_id, quantity);

-- The part of a reversal taken off a debt is a payment_history row of method 'return' that
-- names the reversal, so the settlement trigger, the open_debts view and the balances keep
-- counting exactly what is still owed.
ALTER TABLE payment_history ADD COLUMN reversal_id INTEGER
    REFERENCES sale_reversals(id) ON DELETE RESTRICT;

CREATE INDEX idx_payment_history_reversal ON payment_history(reversal_id)
WHERE reversal_id IS NOT NULL;

-- Nothing comes back twice: a line is returned at most as many times as it was sold, and only
-- by a reversal of its own sale.
CREATE TRIGGER trg_sale_reversal_items_within_sale
BEFORE INSERT ON sale_reversal_items
WHEN (SELECT sale_id FROM sale_items WHERE id = NEW.sale_item_id)
     IS NOT (SELECT sale_id FROM sale_reversals WHERE id = NEW.reversal_id)
  OR NEW.quantity
     + COALESCE((SELECT SUM(quantity) FROM sale_reversal_items
                 WHERE sale_item_id = NEW.sale_item_id), 0)
     > (SELECT quantity FROM sale_items WHERE id = NEW.sale_item_id)
BEGIN
    SELECT RAISE(ABORT, 'a sale line cannot be returned more often than it was sold');
END;

CREATE TRIGGER trg_sale_reversals_no_update
BEFORE UPDATE ON sale_reversals
BEGIN
    SELECT RAISE(ABORT, 'reversals are append-only');
END;

CREATE TRIGGER trg_sale_reversals_no_delete
BEFORE DELETE ON sale_reversals
BEGIN
    SELECT RAISE(ABORT, 'reversals are append-only');
END;

CREATE TRIGGER trg_sale_reversal_items_no_update
BEFORE UPDATE ON sale_reversal_items
BEGIN
    SELECT RAISE(ABORT, 'reversals are append-only');
END;

CREATE TRIGGER trg_sale_reversal_items_no_delete
BEFORE DELETE ON sale_reversal_items
BEGIN
    SELECT RAISE(ABORT, 'reversals are append-only');
END;
