-- The task force's index key (issue #18) wrapped for its recovery key, so the chair's
-- recovery code restores the NIK's blind index when no account's wrapping is left, as it
-- restores case keys. One row, made once by the first phone that holds the index key and
-- knows the recovery key; its key_id is the index key's.
CREATE TABLE index_key_recovery (
    only_one INTEGER PRIMARY KEY CHECK (only_one = 1),
    key_id   TEXT NOT NULL,
    wrapping TEXT NOT NULL,
    set_by   TEXT NOT NULL REFERENCES users (id),
    set_at   BIGINT NOT NULL
);
