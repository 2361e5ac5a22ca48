-- Issue #19: a fifth role, the agency liaison.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('officer', 'supervisor', 'viewer', 'admin', 'liaison'));
