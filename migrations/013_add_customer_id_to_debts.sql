-- Every debt gets a customer, found from the payer the cashier typed on its sale
-- (product.md §3 "Legacy upgrade"), and debts are rebuilt with customer_id NOT NULL and
-- sale_id nullable (manual debts). The rebuild follows the 12 steps of SQLite's ALTER TABLE
-- page: the migrator switches foreign keys off before this transaction, so dropping `debts`
-- cannot cascade into payment_history, and it runs foreign_key_check before the commit.

-- 1. One row per debt with its payer as typed and as compared. A debt whose sale is missing
--    has no payer: it goes to the placeholder below.
CREATE TEMP TABLE legacy_debtor (
    debt_id INTEGER PRIMARY KEY,
    sold_at TEXT,
    phone_key TEXT,
    phone_typed TEXT,
    name_key TEXT,
    name_typed TEXT,
    customer_key TEXT
);

INSERT INTO legacy_debtor (debt_id, sold_at, phone_key, phone_typed, name_key, name_typed)
SELECT
    d.id,
    s.sold_at,
    dukan_phone(
        s.payer_phone,
        COALESCE((SELECT value FROM settings WHERE key = 'phone_region'), dukan_shop_region())
    ),
    NULLIF(trim(s.payer_phone), ''),
    dukan_name_key(s.payer_name),
    dukan_tidy_name(s.payer_name)
FROM debts d
LEFT JOIN sales s ON s.id = d.sale_id;

-- 2. First pass: one customer per usable phone, whatever names were typed with it.
UPDATE legacy_debtor SET customer_key = 'phone:' || phone_key WHERE phone_key IS NOT NULL;

-- 3. Second pass, debts with a name and no phone. The names typed with each phone are that
--    customer's names: a name that belongs to exactly one phone joins it; a name no phone has
--    makes one customer per distinct name; a name shared by several phones is no reliable
--    identifier and is left for the placeholder. Cash sales are never read: only debts.
CREATE TEMP TABLE legacy_alias AS
SELECT name_key, COUNT(*) AS phones, MIN(phone_key) AS phone_key
FROM (SELECT DISTINCT name_key, phone_key
      FROM legacy_debtor
      WHERE phone_key IS NOT NULL AND name_key IS NOT NULL)
GROUP BY name_key;

CREATE UNIQUE INDEX temp.legacy_alias_by_name ON legacy_alias(name_key);

UPDATE legacy_debtor
SET customer_key = CASE
    WHEN NOT EXISTS (SELECT 1 FROM legacy_alias a WHERE a.name_key = legacy_debtor.name_key)
        THEN 'name:' || name_key
    ELSE (SELECT 'phone:' || a.phone_key FROM legacy_alias a
          WHERE a.name_key = legacy_debtor.name_key AND a.phones = 1)
END
WHERE phone_key IS NULL AND name_key IS NOT NULL;

-- 4. Everything else (no usable payer, or an ambiguous name) waits for the shopkeeper under
--    one placeholder customer, which exists only when some debt needs it.
UPDATE legacy_debtor SET customer_key = 'placeholder' WHERE customer_key IS NULL;

CREATE INDEX temp.legacy_debtor_by_customer ON legacy_debtor(customer_key, sold_at);

-- 5. The customers to create, ids given in order of each one's first debt (the placeholder
--    last) after any id `customers` ever used. Shown name: of the name typed most often for
--    them (compared folded), the typing with mixed case (`Alice Smith` over `ALICE SMITH`),
--    then the fullest, then the latest; a customer known only by a phone is shown by the
--    phone as last typed.
--    created_at and updated_at are their first and latest credit sale: when the shop first
--    and last dealt with them on credit, and the same whenever this migration runs.
CREATE TEMP TABLE legacy_customer (
    customer_key TEXT PRIMARY KEY,
    customer_id INTEGER UNIQUE,
    name TEXT,
    phone TEXT,
    first_seen TEXT,
    last_seen TEXT
);

INSERT INTO legacy_customer (customer_key, customer_id, first_seen, last_seen)
SELECT
    customer_key,
    MAX(
        COALESCE((SELECT MAX(id) FROM customers), 0),
        COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'customers'), 0)
    ) + ROW_NUMBER() OVER (ORDER BY customer_key = 'placeholder', MIN(debt_id)),
    MIN(sold_at),
    MAX(sold_at)
FROM legacy_debtor
GROUP BY customer_key;

UPDATE legacy_customer
SET name = CASE customer_key
        WHEN 'placeholder' THEN 'Unassigned (legacy)'
        ELSE COALESCE(
            (SELECT t.name_typed
             FROM (SELECT d.name_typed, d.sold_at, d.debt_id,
                          COUNT(*) OVER (PARTITION BY d.name_key) AS uses
                   FROM legacy_debtor d
                   WHERE d.customer_key = legacy_customer.customer_key
                     AND d.name_typed IS NOT NULL) t
             ORDER BY t.uses DESC, dukan_mixed_case(t.name_typed) DESC,
                      length(t.name_typed) DESC, t.sold_at DESC, t.debt_id DESC
             LIMIT 1),
            (SELECT d.phone_typed FROM legacy_debtor d
             WHERE d.customer_key = legacy_customer.customer_key
             ORDER BY d.sold_at DESC, d.debt_id DESC
             LIMIT 1)
        )
    END,
    phone = CASE WHEN customer_key LIKE 'phone:%' THEN substr(customer_key, 7) END;

-- A customer some other program already recorded under the same phone is that person.
UPDATE legacy_customer
SET customer_id = (SELECT c.id FROM customers c WHERE c.phone = legacy_customer.phone)
WHERE phone IN (SELECT phone FROM customers);

INSERT INTO customers (id, name, phone, note, created_at, updated_at)
SELECT
    customer_id,
    name,
    phone,
    CASE customer_key WHEN 'placeholder' THEN
        'Debts from before customers existed whose payer could not be identified. '
        || 'Assign each one to a real customer; new debts can never be put here.'
    END,
    COALESCE(first_seen, '1970-01-01 00:00:00'),
    COALESCE(last_seen, '1970-01-01 00:00:00')
FROM legacy_customer
WHERE customer_id NOT IN (SELECT id FROM customers)
ORDER BY customer_id;

-- Services recognise the placeholder by this one row; triggers below keep new debts off it.
CREATE TABLE legacy_placeholder (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id) ON DELETE RESTRICT
);

INSERT INTO legacy_placeholder (id, customer_id)
SELECT 1, customer_id FROM legacy_customer WHERE customer_key = 'placeholder';

-- 6. The rebuild. The view and the settlement trigger read `debts`, so they go first and
--    come back unchanged (the view gains customer_id as its last column).
CREATE TEMP TABLE legacy_debts_sequence AS
SELECT seq FROM sqlite_sequence WHERE name = 'debts';

DROP VIEW open_debts;

DROP TRIGGER trg_payment_history_settle;

CREATE TABLE new_debts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER REFERENCES sales(id) ON DELETE RESTRICT,
    amount INTEGER NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
    note TEXT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    due_date DATE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT
);

-- LEFT JOINs: a debt the passes missed would fail NOT NULL here rather than vanish.
INSERT INTO new_debts (id, sale_id, amount, status, note, created_at, due_date, customer_id)
SELECT d.id, d.sale_id, d.amount, d.status, d.note, d.created_at, d.due_date, c.customer_id
FROM debts d
LEFT JOIN legacy_debtor l ON l.debt_id = d.id
LEFT JOIN legacy_customer c ON c.customer_key = l.customer_key
ORDER BY d.id;

DROP TABLE debts;

ALTER TABLE new_debts RENAME TO debts;

-- Dropping `debts` dropped its AUTOINCREMENT counter: ids of deleted debts stay unused.
UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE((SELECT seq FROM legacy_debts_sequence), 0))
WHERE name = 'debts';

INSERT INTO sqlite_sequence (name, seq)
SELECT 'debts', seq FROM legacy_debts_sequence
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'debts');

CREATE INDEX idx_debts_sale_id ON debts(sale_id);

CREATE INDEX idx_debts_status ON debts(status);

CREATE INDEX idx_debts_customer_id ON debts(customer_id);

CREATE TRIGGER trg_payment_history_settle
AFTER INSERT ON payment_history
BEGIN
    UPDATE debts
    SET status = 'paid'
    WHERE id = NEW.debt_id
      AND (SELECT COALESCE(SUM(amount), 0) FROM payment_history WHERE debt_id = NEW.debt_id)
          >= amount;
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

-- 7. The placeholder only ever loses debts: the database refuses to give it one.
CREATE TRIGGER trg_debts_placeholder_insert
BEFORE INSERT ON debts
WHEN NEW.customer_id IN (SELECT customer_id FROM legacy_placeholder)
BEGIN
    SELECT RAISE(ABORT, 'a debt cannot be given to the Unassigned (legacy) placeholder');
END;

CREATE TRIGGER trg_debts_placeholder_update
BEFORE UPDATE OF customer_id ON debts
WHEN NEW.customer_id IS NOT OLD.customer_id
 AND NEW.customer_id IN (SELECT customer_id FROM legacy_placeholder)
BEGIN
    SELECT RAISE(ABORT, 'a debt cannot be given to the Unassigned (legacy) placeholder');
END;

-- 8. A sale that carries a debt belongs to the debt's customer.
UPDATE sales
SET customer_id = (SELECT d.customer_id FROM debts d WHERE d.sale_id = sales.id ORDER BY d.id LIMIT 1)
WHERE id IN (SELECT sale_id FROM debts WHERE sale_id IS NOT NULL);

DROP TABLE temp.legacy_debts_sequence;

DROP TABLE temp.legacy_customer;

DROP TABLE temp.legacy_alias;

DROP TABLE temp.legacy_debtor;
