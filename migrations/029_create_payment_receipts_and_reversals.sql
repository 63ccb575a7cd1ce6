-- The credit book: a payment taken at the counter is one receipt (numbered P-000001 from its
-- id, never reused) that groups the payment_history rows of the debts it settled; a mistyped
-- payment is corrected by a reversal row that points at it, never by changing it; a reminder
-- sent to a customer is remembered; and each customer's oldest due date is kept beside their
-- balance, so the debtors can be sorted by it from an index.
CREATE TABLE payment_receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    amount INTEGER NOT NULL CHECK (amount > 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer')),
    received_at DATETIME NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT,
    note TEXT
);

CREATE INDEX idx_payment_receipts_customer ON payment_receipts(customer_id, received_at);

ALTER TABLE payment_history ADD COLUMN receipt_id INTEGER
    REFERENCES payment_receipts(id) ON DELETE RESTRICT;

CREATE INDEX idx_payment_history_receipt ON payment_history(receipt_id)
WHERE receipt_id IS NOT NULL;

-- What is paid on a debt, read from the index alone: the debtors' ageing, the totals line and
-- the payment preview add up a debt's payments without visiting the table.
CREATE INDEX idx_payment_history_debt_amount ON payment_history(debt_id, amount);

-- A whole payment_history row is reversed at most once; its amount, debt and customer are
-- the payment's own, read through payment_id.
CREATE TABLE payment_reversals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id INTEGER NOT NULL UNIQUE REFERENCES payment_history(id) ON DELETE RESTRICT,
    reversed_at DATETIME NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

-- Only the customer may change, when a merge moves a customer's books to the survivor.
CREATE TRIGGER trg_payment_receipts_no_update
BEFORE UPDATE OF id, amount, method, received_at, operator_id, note ON payment_receipts
BEGIN
    SELECT RAISE(ABORT, 'payment receipts are append-only');
END;

CREATE TRIGGER trg_payment_receipts_no_delete
BEFORE DELETE ON payment_receipts
BEGIN
    SELECT RAISE(ABORT, 'payment receipts are append-only');
END;

CREATE TRIGGER trg_payment_reversals_no_update
BEFORE UPDATE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'payment reversals are append-only');
END;

CREATE TRIGGER trg_payment_reversals_no_delete
BEFORE DELETE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'payment reversals are append-only');
END;

-- Goods taken back already lowered the debt through their sale's reversal; undoing that part
-- alone would leave the sale's reversal wrong, so only money received can be reversed.
CREATE TRIGGER trg_payment_reversals_money_only
BEFORE INSERT ON payment_reversals
WHEN (SELECT reversal_id FROM payment_history WHERE id = NEW.payment_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'goods returned on a sale are not a payment that can be reversed');
END;

-- A reversed payment no longer counts, so the debt is open again and the balance goes back up.
CREATE TRIGGER trg_payment_reversals_reopen
AFTER INSERT ON payment_reversals
BEGIN
    UPDATE debts SET status = 'open'
    WHERE id = (SELECT debt_id FROM payment_history WHERE id = NEW.payment_id)
      AND status <> 'open';
    UPDATE customer_balances
    SET outstanding = outstanding + (SELECT amount FROM payment_history WHERE id = NEW.payment_id)
    WHERE customer_id = (SELECT customer_id FROM payment_history WHERE id = NEW.payment_id);
END;

-- Settled means the payments that still count (not reversed) reach the amount.
DROP TRIGGER trg_payment_history_settle;

CREATE TRIGGER trg_payment_history_settle
AFTER INSERT ON payment_history
BEGIN
    UPDATE debts
    SET status = 'paid'
    WHERE id = NEW.debt_id
      AND (SELECT COALESCE(SUM(p.amount), 0) FROM payment_history p
           WHERE p.debt_id = NEW.debt_id
             AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id))
          >= amount;
END;

DROP VIEW open_debts;

CREATE VIEW open_debts AS
SELECT
    d.id AS debt_id,
    d.sale_id AS sale_id,
    d.amount AS amount,
    COALESCE((SELECT SUM(p.amount) FROM payment_history p
              WHERE p.debt_id = d.id
                AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id)),
             0) AS paid,
    d.amount
        - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                    WHERE p.debt_id = d.id
                      AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                      WHERE r.payment_id = p.id)),
                   0)
        AS outstanding,
    d.due_date AS due_date,
    d.created_at AS created_at,
    d.customer_id AS customer_id
FROM debts d
WHERE d.status = 'open';

-- A payment moved to another customer (the legacy queue) or deleted with its debt takes with
-- it only what still counts: a reversed payment already gave its amount back.
DROP TRIGGER trg_payment_history_balance_update;

CREATE TRIGGER trg_payment_history_balance_update
AFTER UPDATE OF customer_id, amount ON payment_history
WHEN NOT EXISTS (SELECT 1 FROM payment_reversals WHERE payment_id = OLD.id)
BEGIN
    UPDATE customer_balances SET outstanding = outstanding + OLD.amount
    WHERE customer_id = OLD.customer_id;
    UPDATE customer_balances SET outstanding = outstanding - NEW.amount
    WHERE customer_id = NEW.customer_id;
END;

DROP TRIGGER trg_payment_history_balance_delete;

CREATE TRIGGER trg_payment_history_balance_delete
AFTER DELETE ON payment_history
WHEN NOT EXISTS (SELECT 1 FROM payment_reversals WHERE payment_id = OLD.id)
BEGIN
    UPDATE customer_balances SET outstanding = outstanding + OLD.amount
    WHERE customer_id = OLD.customer_id;
END;

-- Reminders sent, so the Debts tab can say when a customer was last reminded.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    reminded_at DATETIME NOT NULL,
    overdue_amount INTEGER NOT NULL CHECK (overdue_amount > 0),
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT
);

CREATE INDEX idx_reminders_customer ON reminders(customer_id, reminded_at);

-- The earliest due date among a customer's open debts (NULL: none open, or none dated), kept
-- by the triggers below in the transaction of every debt change.
ALTER TABLE customer_balances ADD COLUMN oldest_due DATE;

UPDATE customer_balances
SET oldest_due = (
    SELECT MIN(d.due_date) FROM debts d
    WHERE d.customer_id = customer_balances.customer_id AND d.status = 'open'
);

CREATE INDEX idx_customer_balances_oldest_due ON customer_balances(oldest_due, customer_id)
WHERE oldest_due IS NOT NULL;

CREATE TRIGGER trg_debts_oldest_due_insert
AFTER INSERT ON debts
WHEN NEW.status = 'open' AND NEW.due_date IS NOT NULL
BEGIN
    UPDATE customer_balances
    SET oldest_due = MIN(COALESCE(oldest_due, NEW.due_date), NEW.due_date)
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER trg_debts_oldest_due_update
AFTER UPDATE OF status, due_date, customer_id ON debts
BEGIN
    UPDATE customer_balances
    SET oldest_due = (
        SELECT MIN(d.due_date) FROM debts d
        WHERE d.customer_id = customer_balances.customer_id AND d.status = 'open'
    )
    WHERE customer_id IN (OLD.customer_id, NEW.customer_id);
END;

CREATE TRIGGER trg_debts_oldest_due_delete
AFTER DELETE ON debts
BEGIN
    UPDATE customer_balances
    SET oldest_due = (
        SELECT MIN(d.due_date) FROM debts d
        WHERE d.customer_id = customer_balances.customer_id AND d.status = 'open'
    )
    WHERE customer_id = OLD.customer_id;
END;
