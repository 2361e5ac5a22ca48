-- Each account's key pair for end-to-end identity encryption (issue #18): the public key
-- (hex) and the key pair as the phone made it, the private key wrapped under a key derived
-- from the account's password (model::e2e::AccountKeys, JSON text). The server can unwrap
-- nothing. `stale` (0 or 1) marks keys an admin's password reset left unopenable: the
-- account's next login makes a new key pair, which replaces them.
CREATE TABLE account_keys (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    public  TEXT NOT NULL,
    keys    TEXT NOT NULL,
    stale   INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
    set_at  BIGINT NOT NULL
);
