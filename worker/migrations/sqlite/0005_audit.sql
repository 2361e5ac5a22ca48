-- The audit trail (issue #6): append-only. Every applied mutation (who, which device,
-- when, which fields — never their values), every read of a victim's identity, every
-- export and every account change. Nothing updates or deletes a row.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    device_id   TEXT,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   TEXT,
    detail      TEXT NOT NULL
);
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
