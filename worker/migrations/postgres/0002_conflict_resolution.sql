-- A conflict-log entry is resolved by a later mutation that `resolves` its field
-- (docs/api.md, "Conflicts"): the record's version it made, who made it, and when
-- (`resolved_at`, from 0001). Open entries have resolved_at NULL.
ALTER TABLE conflicts ADD COLUMN resolved_version BIGINT;
ALTER TABLE conflicts ADD COLUMN resolved_by UUID REFERENCES users (id);
CREATE INDEX conflicts_open ON conflicts (record_id, field) WHERE resolved_at IS NULL;
