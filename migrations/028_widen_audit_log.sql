-- The audit log also records sales (a credit-limit override, a void, a refund), products, the
-- payments on a debt and their reversals, and reminders sent to a customer.
-- Its CHECKs live in the CREATE TABLE, so the table is rebuilt (the 12 steps; the migrator
-- has foreign keys off) with its index and its append-only triggers.
CREATE TABLE new_audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at DATETIME NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT,
    entity TEXT NOT NULL CHECK (entity IN ('customer', 'debt', 'sale', 'product')),
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL
        CHECK (action IN (
            'insert', 'update', 'archive', 'restore', 'merge', 'delete', 'assign',
            'credit_override', 'void', 'refund', 'payment', 'payment_reversal', 'remind'
        )),
    before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
    reason TEXT
);

INSERT INTO new_audit_log
    (id, at, operator_id, entity, entity_id, action, before_json, after_json, reason)
SELECT id, at, operator_id, entity, entity_id, action, before_json, after_json, reason
FROM audit_log
ORDER BY id;

DROP TABLE audit_log;

ALTER TABLE new_audit_log RENAME TO audit_log;

CREATE INDEX idx_audit_log_entity ON audit_log(entity, entity_id, id);

CREATE TRIGGER trg_audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER trg_audit_log_no_delete
BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
