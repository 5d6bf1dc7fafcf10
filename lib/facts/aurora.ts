/** Facts of the Aurora PostgreSQL data tier that every shard shares. */

/** Engine version of every shard; all members of a global database run the same version. */
export const AURORA_POSTGRES_VERSION = '17.9';
/** Parameter group family of that version. */
export const AURORA_POSTGRES_FAMILY = 'aurora-postgresql17';
export const DATABASE_PORT = 5432;
/** Database every shard holds (the migrations create the schema in it). */
export const DATABASE_NAME = 'gigascale';
/** Master user; its password lives only in the shard's secret and is rotated. */
export const MASTER_USERNAME = 'gigascale_admin';
/** Statements slower than this are logged (`log_min_duration_statement`). */
export const SLOW_STATEMENT_MS = 500;
/**
 * Database user the services connect as, through the proxies, with IAM authentication end to end (no password
 * exists for it). The migrations create it and grant it `rds_iam`.
 */
export const APP_DB_USER = 'gigascale_app';
/**
 * Database user the in-cluster probe connects as, through the proxies of a sample of shards, with IAM
 * authentication end to end like the services. db/migrations/0004_probe_role.sql creates it: it may read
 * PROBE_MEMORY_VIEW and nothing else.
 */
export const PROBE_DB_USER = 'gigascale_probe';
/** The reserved probe users' rows of ai_user_memory, the only relation PROBE_DB_USER may read. */
export const PROBE_MEMORY_VIEW = 'probe_user_memory';
/** User ids reserved for the probe: the view shows the rows of ids with this prefix, and only those. */
export const PROBE_USER_ID_PREFIX = 'gigascale-probe:';
/** Share of the writer's connections the proxies may take; the rest is left to write forwarding (`aurora_fwd_writer_max_connections_pct`). */
export const PROXY_MAX_CONNECTIONS_PERCENT = 90;
export const WRITE_FORWARDING_CONNECTIONS_PERCENT = 10;
/** Days between rotations of a shard's master password. */
export const MASTER_ROTATION_DAYS = 30;
/** Hash partitions of `ai_user_memory` (db/migrations/0001) unless the config says otherwise: the seed's 10. */
export const DEFAULT_MEMORY_PARTITIONS = 10;
/** Most partitions the config and the runner accept (0001 checks the same bound). */
export const MAX_MEMORY_PARTITIONS = 256;
