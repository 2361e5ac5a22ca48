-- Accounts and sessions (issue #6): an agency per user, deactivation, and sessions with an
-- opaque id and idle expiry (docs/api.md, "Accounts and sessions").

-- The agency the user works for (free text; may be empty).
ALTER TABLE users ADD COLUMN agency TEXT NOT NULL DEFAULT '';
-- An inactive user cannot log in and none of their sessions works.
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
-- When the account last changed (created, deactivated, activated, password reset).
ALTER TABLE users ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE users SET updated_at = created_at;

-- The id a user sees and ends a session by: a random UUID, never the token hash.
ALTER TABLE sessions ADD COLUMN id UUID;
-- When the session was last used, kept to the minute: idle for 14 days, it stops working.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at, id = gen_random_uuid();
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
