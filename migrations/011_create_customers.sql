-- Customers, as seed 000 defines them: optional on a sale, required for any debt (from 013).
-- The phone is stored normalised (app/domain/phone.py), so one number is one customer; names
-- may repeat. The seed-004 fields, numbers and the audit log come in 016 and later.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (name <> ''),
    phone TEXT UNIQUE CHECK (phone <> ''),
    email TEXT,
    address TEXT,
    note TEXT,
    is_deleted INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_customers_name ON customers(name);
