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
