-- A failed login names no account when its username belongs to none (issue #14): the
-- trail's `user_id` may be NULL.
ALTER TABLE audit_log ALTER COLUMN user_id DROP NOT NULL;
