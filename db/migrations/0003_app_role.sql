-- gigascale_app: the database user every service connects as, through the shard's RDS Proxy, with IAM
-- authentication end to end (lib/facts/aurora.ts APP_DB_USER; the proxy role may connect only as this user).
-- It has no password: IAM tokens are its only way in, which Aurora grants through the rds_iam role.
--
-- Safe to apply twice: the role is created only when missing, and GRANT of a privilege already held is a no-op.
-- rds_iam exists only on RDS/Aurora; elsewhere (local Postgres, PGlite in the tests) the grant is skipped.
DO $migration$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gigascale_app') THEN
    CREATE ROLE gigascale_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN
    GRANT rds_iam TO gigascale_app;
  END IF;
END
$migration$;

-- Row access to the memory table only; partitions are reached through the parent. No DDL, no other tables.
GRANT USAGE ON SCHEMA public TO gigascale_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_user_memory TO gigascale_app;
