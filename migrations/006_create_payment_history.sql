-- Payments against a debt.
CREATE TABLE payment_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    debt_id INTEGER NOT NULL REFERENCES debts(id) ON DELETE CASCADE,
    amount INTEGER NOT NULL CHECK (amount > 0),
    paid_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    method TEXT NOT NULL DEFAULT 'cash',
    note TEXT
);
