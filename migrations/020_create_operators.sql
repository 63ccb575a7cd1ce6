-- Who works the till. One operator exists from the start, so every change has a "who" before
-- the shop sets up logins; customers record who created and who last changed them (seed 004).
CREATE TABLE operators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
);

INSERT INTO operators (id, name) VALUES (1, 'Owner');

-- NULL on customers the upgrade made: no operator created them.
ALTER TABLE customers ADD COLUMN created_by INTEGER REFERENCES operators(id) ON DELETE RESTRICT;

ALTER TABLE customers ADD COLUMN updated_by INTEGER REFERENCES operators(id) ON DELETE RESTRICT;
