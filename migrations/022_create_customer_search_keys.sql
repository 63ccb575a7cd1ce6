-- Search as you type over 100k customers in well under a frame. SQLite's lower() and LIKE
-- fold ASCII only, so the folding happens in Python (app/domain/customer_search.py) and is
-- stored: `name_key` sorts the directory by name, and `customer_search_keys` holds every
-- prefix-searchable form of a customer (whole name, each word, phone digits in international
-- and national form, number), so a search is one range scan of one index.
ALTER TABLE customers ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

UPDATE customers SET name_key = COALESCE(dukan_name_key(name), '');

CREATE INDEX idx_customers_name_key ON customers(name_key, id);

CREATE TABLE customer_search_keys (
    key TEXT NOT NULL CHECK (key <> ''),
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    PRIMARY KEY (key, customer_id)
) WITHOUT ROWID;

CREATE INDEX idx_customer_search_keys_customer ON customer_search_keys(customer_id);

-- The keys come as one line each from dukan_customer_search_keys; split them into rows.
WITH RECURSIVE split(customer_id, rest, key) AS (
    SELECT
        id,
        dukan_customer_search_keys(name, phone, customer_number) || char(10),
        NULL
    FROM customers
    UNION ALL
    SELECT
        customer_id,
        substr(rest, instr(rest, char(10)) + 1),
        substr(rest, 1, instr(rest, char(10)) - 1)
    FROM split
    WHERE rest <> ''
)
INSERT OR IGNORE INTO customer_search_keys (key, customer_id)
SELECT key, customer_id FROM split WHERE key <> '';
