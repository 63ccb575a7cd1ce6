-- Who changed what, when, and why: one row per insert, update, archive, restore, merge or
-- delete of a customer (and per assignment of a legacy debt), written by the service in the
-- same transaction as the change. Rows are facts about the past: the triggers refuse to
-- change or remove them.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at DATETIME NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE RESTRICT,
    entity TEXT NOT NULL CHECK (entity IN ('customer', 'debt')),
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL
        CHECK (action IN ('insert', 'update', 'archive', 'restore', 'merge', 'delete', 'assign')),
    before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
    reason TEXT
);

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
