-- One row per sale; total and paid are integer minor units.
CREATE TABLE sales (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sold_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    total INTEGER NOT NULL CHECK (total >= 0),
    paid INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),
    note TEXT
);
