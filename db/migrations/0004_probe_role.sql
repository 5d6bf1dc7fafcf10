-- gigascale_probe: the database user the in-cluster probe connects as, through a sample of the shards' RDS
-- proxies, with IAM authentication end to end like the services (lib/facts/aurora.ts PROBE_DB_USER). It reads the
-- rows of the reserved probe users through probe_user_memory and nothing else: no privilege on ai_user_memory
-- itself, no write anywhere. No password exists for it; rds_iam is granted where it exists (RDS/Aurora only).
--
-- Safe to apply twice: the role and the view are created only when missing, and a GRANT already held is a no-op.
DO $migration$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gigascale_probe') THEN
    CREATE ROLE gigascale_probe LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN
    GRANT rds_iam TO gigascale_probe;
  END IF;
END
$migration$;

-- The reserved probe users' facts (user ids starting 'gigascale-probe:', lib/facts/aurora.ts PROBE_USER_ID_PREFIX).
-- The view runs with its owner's rights, so the probe needs none on the table; security_barrier keeps a caller's
-- own functions from seeing rows the condition hides, while the probe's `user_id = $1 AND key = $2` (leakproof
-- operators) is still pushed into the table's primary key lookup: the read the probe times is the service's.
DO $migration$
BEGIN
  IF to_regclass('probe_user_memory') IS NULL THEN
    CREATE VIEW probe_user_memory WITH (security_barrier = true) AS
      SELECT user_id, key, value FROM ai_user_memory WHERE user_id LIKE 'gigascale-probe:%';
  END IF;
END
$migration$;

GRANT USAGE ON SCHEMA public TO gigascale_probe;
GRANT SELECT ON probe_user_memory TO gigascale_probe;
