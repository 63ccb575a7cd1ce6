-- Each customer's balance (debts less payments), kept by triggers in the same transaction as
-- every debt and payment, so the directory can sort 100k customers by balance from an index
-- instead of adding up every debt on each page (product.md §3: a maintained aggregate,
-- verified by `check`). Money rows are append-only, but upgrades and the legacy queue move
-- debts between customers, so moves and deletions are followed too.
CREATE TABLE customer_balances (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    outstanding INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX idx_customer_balances_outstanding ON customer_balances(outstanding, customer_id);

INSERT INTO customer_balances (customer_id, outstanding)
SELECT
    c.id,
    COALESCE((SELECT SUM(amount) FROM debts WHERE customer_id = c.id), 0)
    - COALESCE((SELECT SUM(amount) FROM payment_history WHERE customer_id = c.id), 0)
FROM customers c;

CREATE TRIGGER trg_customers_balance_row
AFTER INSERT ON customers
BEGIN
    INSERT INTO customer_balances (customer_id, outstanding) VALUES (NEW.id, 0);
END;

CREATE TRIGGER trg_debts_balance_insert
AFTER INSERT ON debts
BEGIN
    UPDATE customer_balances SET outstanding = outstanding + NEW.amount
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER trg_debts_balance_update
AFTER UPDATE OF customer_id, amount ON debts
BEGIN
    UPDATE customer_balances SET outstanding = outstanding - OLD.amount
    WHERE customer_id = OLD.customer_id;
    UPDATE customer_balances SET outstanding = outstanding + NEW.amount
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER trg_debts_balance_delete
AFTER DELETE ON debts
BEGIN
    UPDATE customer_balances SET outstanding = outstanding - OLD.amount
    WHERE customer_id = OLD.customer_id;
END;

CREATE TRIGGER trg_payment_history_balance_insert
AFTER INSERT ON payment_history
BEGIN
    UPDATE customer_balances SET outstanding = outstanding - NEW.amount
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER trg_payment_history_balance_update
AFTER UPDATE OF customer_id, amount ON payment_history
BEGIN
    UPDATE customer_balances SET outstanding = outstanding + OLD.amount
    WHERE customer_id = OLD.customer_id;
    UPDATE customer_balances SET outstanding = outstanding - NEW.amount
    WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER trg_payment_history_balance_delete
AFTER DELETE ON payment_history
BEGIN
    UPDATE customer_balances SET outstanding = outstanding + OLD.amount
    WHERE customer_id = OLD.customer_id;
END;
