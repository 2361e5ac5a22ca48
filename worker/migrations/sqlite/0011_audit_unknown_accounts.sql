-- A failed login names no account when its username belongs to none (issue #14): the
-- trail's `user_id` may be NULL. SQLite cannot drop a NOT NULL, so the table is rebuilt
-- with its rows, ids and sequence; dropping a table fires none of its triggers. The
-- append-only triggers of 0005 and 0009 are then made again.
CREATE TABLE audit_log_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    user_id     TEXT REFERENCES users (id),
    device_id   TEXT,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   TEXT,
    detail      TEXT NOT NULL
);
INSERT INTO audit_log_rebuilt (id, at, user_id, device_id, action, record_kind, record_id, detail)
    SELECT id, at, user_id, device_id, action, record_kind, record_id, detail FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_rebuilt RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_record ON audit_log (record_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
