-- The audit trail stays append-only against REPLACE too (issue #14): `REPLACE INTO
-- audit_log` deletes the row it replaces without firing the DELETE trigger (unless a
-- connection turns recursive_triggers on), so an insert of an id that exists is refused
-- before SQLite resolves the conflict, whatever the connection.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
