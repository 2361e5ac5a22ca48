-- Officers see the cases they created or are assigned to, with their child records
-- (sync-protocol.md, "Scope by role").

-- The case a record belongs to: its own id for a case, its case's for a victim, victim
-- identity, service, legal step or note; NULL for a record outside any case (activity).
ALTER TABLE records ADD COLUMN case_id TEXT;
CREATE INDEX records_case ON records (case_id, version);

-- Who may see and write a case besides supervisors and admins: its creator and the
-- officers assigned to it. Kept in the same transaction as the case.
CREATE TABLE case_access (
    case_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (user_id, case_id)
);

-- A record that left a user's scope: pulled once, as deleted with no fields, at a version
-- of the global sequence, so the user's devices forget it.
CREATE TABLE scope_exits (
    user_id   TEXT NOT NULL REFERENCES users (id),
    version   INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (user_id, version)
);
