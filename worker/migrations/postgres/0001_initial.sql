-- Gugus central store, PostgreSQL. Times are unix seconds.

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'viewer', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Only the SHA-256 hash of a token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id),
    device_id  UUID NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- The one global version sequence. A writer locks its row first (SELECT ... FOR UPDATE)
-- and holds it until commit, so versions are assigned and committed in order and a pull
-- cursor never skips a change.
CREATE TABLE sync_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO sync_seq (id, value) VALUES (1, 0);

-- The last mutation id taken from each (user, device).
CREATE TABLE devices (
    user_id          UUID NOT NULL REFERENCES users (id),
    device_id        UUID NOT NULL,
    last_mutation_id BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE records (
    id             UUID PRIMARY KEY,
    kind           TEXT NOT NULL,
    version        BIGINT NOT NULL UNIQUE,
    deleted        BOOLEAN NOT NULL DEFAULT FALSE,
    conflict       BOOLEAN NOT NULL DEFAULT FALSE,
    fields         JSONB NOT NULL,
    field_versions JSONB NOT NULL,
    created_by     UUID NOT NULL REFERENCES users (id),
    updated_by     UUID NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX records_kind_version ON records (kind, version);

CREATE TABLE conflicts (
    id           BIGSERIAL PRIMARY KEY,
    record_id    UUID NOT NULL REFERENCES records (id),
    field        TEXT NOT NULL,
    server_value JSONB NOT NULL,
    device_value JSONB NOT NULL,
    device_id    UUID NOT NULL,
    mutation_id  BIGINT NOT NULL,
    user_id      UUID NOT NULL REFERENCES users (id),
    at           TEXT NOT NULL,
    logged_at    BIGINT NOT NULL,
    resolved_at  BIGINT
);
CREATE INDEX conflicts_record ON conflicts (record_id);

-- One row per live activity, kept in the same transaction as the record; the stats
-- queries add these up.
CREATE TABLE activity_facts (
    record_id    UUID PRIMARY KEY REFERENCES records (id),
    date         DATE NOT NULL,
    kecamatan    TEXT NOT NULL,
    desa         TEXT NOT NULL,
    type         TEXT NOT NULL,
    female_adult BIGINT NOT NULL,
    male_adult   BIGINT NOT NULL,
    female_child BIGINT NOT NULL,
    male_child   BIGINT NOT NULL
);
CREATE INDEX activity_facts_date ON activity_facts (date, kecamatan);
