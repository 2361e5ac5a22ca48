-- The worker's least-privilege role on PostgreSQL (docs: worker/README.md, "Least
-- privilege on PostgreSQL"). The schema's owner migrates (`gugus-worker migrate`); the
-- worker serves as a role that reads and writes the records but may only add to the audit
-- trail and read it: no UPDATE, DELETE or TRUNCATE on it, no trigger switched off (only
-- the owner may), no `session_replication_role` (only a superuser may), no schema change.
--
-- Run as the schema's owner after every `gugus-worker migrate` (new tables need grants):
--   psql "$OWNER_URL" -v schema=public -v role=gugus_worker -f worker/sql/postgres-worker-role.sql
-- The role must exist and must not be a superuser, the owner, or a member of either:
--   CREATE ROLE gugus_worker LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB NOCREATEROLE;

GRANT USAGE ON SCHEMA :"schema" TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"role";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA :"schema" TO :"role";
-- The trail only grows.
REVOKE UPDATE, DELETE, TRUNCATE ON :"schema".audit_log FROM :"role";
-- The migrations' own ledger is the owner's to write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON :"schema"._sqlx_migrations FROM :"role";
