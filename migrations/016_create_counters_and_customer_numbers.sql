-- Customer numbers (`C-00001`, seed 004). Numbers come from a counter row that a service
-- advances inside the same write transaction that uses the number: never MAX()+1, which two
-- tills could both read, and never reused, so a printed number always means one customer.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL CHECK (next_value >= 1)
) WITHOUT ROWID;

ALTER TABLE customers ADD COLUMN customer_number TEXT CHECK (customer_number <> '');

-- `c-00001` and `C-00001` are one number to a person, so they are one number here too.
CREATE UNIQUE INDEX idx_customers_number ON customers(customer_number COLLATE NOCASE);

-- Customers made by the 013 backfill are numbered in id order, i.e. in order of first debt.
UPDATE customers
SET customer_number = printf('C-%05d', numbered.position)
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position FROM customers) AS numbered
WHERE numbered.id = customers.id;

INSERT INTO counters (name, next_value)
VALUES ('customer_number', (SELECT COUNT(*) + 1 FROM customers));

-- The services always give a number; a customer inserted any other way (another tool, a
-- script) takes the next one from the counter, so no customer is ever without a number.
CREATE TRIGGER trg_customers_number
AFTER INSERT ON customers
WHEN NEW.customer_number IS NULL
BEGIN
    UPDATE counters SET next_value = next_value + 1 WHERE name = 'customer_number';
    UPDATE customers
    SET customer_number = printf(
        'C-%05d', (SELECT next_value - 1 FROM counters WHERE name = 'customer_number')
    )
    WHERE id = NEW.id;
END;
