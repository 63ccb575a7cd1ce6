-- Each payment carries its debt's customer, so a statement reads one customer's payments by
-- index instead of joining through debts.
--
-- NOT NULL, by a rebuild of the table (12 steps, foreign keys off as in 013): a payment with
-- no customer would silently drop out of that customer's statement and balance, so the
-- database refuses one rather than trusting every writer. A trigger also refuses a customer
-- other than the debt's, which keeps the copy from drifting; moving a debt to another
-- customer updates the debt first, then its payments, in one transaction.

CREATE TEMP TABLE legacy_payments_sequence AS
SELECT seq FROM sqlite_sequence WHERE name = 'payment_history';

-- The view reads payment_history, so it goes first and comes back unchanged; so does the
-- settlement trigger, which is on payment_history.
DROP VIEW open_debts;

DROP TRIGGER trg_payment_history_settle;

CREATE TABLE new_payment_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    debt_id INTEGER NOT NULL REFERENCES debts(id) ON DELETE CASCADE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    paid_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    method TEXT NOT NULL DEFAULT 'cash',
    note TEXT,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT
);

-- LEFT JOIN: a payment whose debt were missing would fail NOT NULL here rather than vanish.
INSERT INTO new_payment_history (id, debt_id, amount, paid_at, method, note, customer_id)
SELECT p.id, p.debt_id, p.amount, p.paid_at, p.method, p.note, d.customer_id
FROM payment_history p
LEFT JOIN debts d ON d.id = p.debt_id
ORDER BY p.id;

DROP TABLE payment_history;

ALTER TABLE new_payment_history RENAME TO payment_history;

UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE((SELECT seq FROM legacy_payments_sequence), 0))
WHERE name = 'payment_history';

INSERT INTO sqlite_sequence (name, seq)
SELECT 'payment_history', seq FROM legacy_payments_sequence
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'payment_history');

CREATE INDEX idx_payment_history_debt_id ON payment_history(debt_id);

CREATE INDEX idx_payment_history_customer_id ON payment_history(customer_id);

CREATE TRIGGER trg_payment_history_settle
AFTER INSERT ON payment_history
BEGIN
    UPDATE debts
    SET status = 'paid'
    WHERE id = NEW.debt_id
      AND (SELECT COALESCE(SUM(amount), 0) FROM payment_history WHERE debt_id = NEW.debt_id)
          >= amount;
END;

CREATE TRIGGER trg_payment_history_customer_insert
BEFORE INSERT ON payment_history
WHEN NEW.customer_id IS NOT (SELECT customer_id FROM debts WHERE id = NEW.debt_id)
BEGIN
    SELECT RAISE(ABORT, 'a payment must carry the customer of its debt');
END;

CREATE TRIGGER trg_payment_history_customer_update
BEFORE UPDATE OF customer_id, debt_id ON payment_history
WHEN NEW.customer_id IS NOT (SELECT customer_id FROM debts WHERE id = NEW.debt_id)
BEGIN
    SELECT RAISE(ABORT, 'a payment must carry the customer of its debt');
END;

CREATE VIEW open_debts AS
SELECT
    d.id AS debt_id,
    d.sale_id AS sale_id,
    d.amount AS amount,
    COALESCE((SELECT SUM(p.amount) FROM payment_history p WHERE p.debt_id = d.id), 0) AS paid,
    d.amount
        - COALESCE((SELECT SUM(p.amount) FROM payment_history p WHERE p.debt_id = d.id), 0)
        AS outstanding,
    d.due_date AS due_date,
    d.created_at AS created_at,
    d.customer_id AS customer_id
FROM debts d
WHERE d.status = 'open';

DROP TABLE temp.legacy_payments_sequence;
