-- Gugus central store, SQLite. Times are unix seconds; ids are UUID text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'viewer', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 hash of a token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    device_id  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- The one global version sequence; writers take it under BEGIN IMMEDIATE.
CREATE TABLE sync_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO sync_seq (id, value) VALUES (1, 0);

-- The last mutation id taken from each (user, device).
CREATE TABLE devices (
    user_id          TEXT NOT NULL REFERENCES users (id),
    device_id        TEXT NOT NULL,
    last_mutation_id INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE records (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    version        INTEGER NOT NULL UNIQUE,
    deleted        INTEGER NOT NULL DEFAULT 0,
    conflict       INTEGER NOT NULL DEFAULT 0,
    fields         TEXT NOT NULL,
    field_versions TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    updated_by     TEXT NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX records_kind_version ON records (kind, version);

CREATE TABLE conflicts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id    TEXT NOT NULL REFERENCES records (id),
    field        TEXT NOT NULL,
    server_value TEXT NOT NULL,
    device_value TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    at           TEXT NOT NULL,
    logged_at    INTEGER NOT NULL,
    resolved_at  INTEGER
);
CREATE INDEX conflicts_record ON conflicts (record_id);

-- One row per live activity, kept in the same transaction as the record; the stats
-- queries add these up.
CREATE TABLE activity_facts (
    record_id    TEXT PRIMARY KEY REFERENCES records (id),
    date         TEXT NOT NULL,
    kecamatan    TEXT NOT NULL,
    desa         TEXT NOT NULL,
    type         TEXT NOT NULL,
    female_adult INTEGER NOT NULL,
    male_adult   INTEGER NOT NULL,
    female_child INTEGER NOT NULL,
    male_child   INTEGER NOT NULL
);
CREATE INDEX activity_facts_date ON activity_facts (date, kecamatan);
