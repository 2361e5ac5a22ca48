-- The task force's blind-index key (issue #18), wrapped for each account: what finds the
-- same victim's NIK on two cases without the server learning it. One key per deployment
-- (`key_id`), one wrapping per account (`wrapping`: model::e2e::WrappedKey's fields with
-- the nil case, JSON text), replaced when the account's key pair changes.
CREATE TABLE index_keys (
    user_id    UUID PRIMARY KEY REFERENCES users (id),
    key_id     TEXT NOT NULL,
    wrapping   TEXT NOT NULL,
    reader_key TEXT,
    set_by     UUID NOT NULL REFERENCES users (id),
    set_at     BIGINT NOT NULL
);
