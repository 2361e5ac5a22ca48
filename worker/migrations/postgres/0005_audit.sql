-- The audit trail (issue #6): append-only. Every applied mutation (who, which device,
-- when, which fields — never their values), every read of a victim's identity, every
-- export and every account change. Nothing updates or deletes a row.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    user_id     UUID NOT NULL REFERENCES users (id),
    device_id   UUID,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   UUID,
    detail      JSONB NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_record ON audit_log (record_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
