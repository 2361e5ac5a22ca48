-- Accounts and sessions (issue #6): an agency per user, deactivation, and sessions with an
-- opaque id and idle expiry (docs/api.md, "Accounts and sessions").

-- The agency the user works for (free text; may be empty).
ALTER TABLE users ADD COLUMN agency TEXT NOT NULL DEFAULT '';
-- An inactive user cannot log in and none of their sessions works.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
-- When the account last changed (created, deactivated, activated, password reset).
ALTER TABLE users ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET updated_at = created_at;

-- The id a user sees and ends a session by: a random UUID, never the token hash.
ALTER TABLE sessions ADD COLUMN id TEXT;
-- When the session was last used, kept to the minute: idle for 14 days, it stops working.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
-- A random (version 4) UUID for each session already open.
UPDATE sessions SET id = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2)))
    || '-4' || substr(lower(hex(randomblob(2))), 2) || '-'
    || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2)
    || '-' || lower(hex(randomblob(6)));
CREATE UNIQUE INDEX sessions_id ON sessions (id);
