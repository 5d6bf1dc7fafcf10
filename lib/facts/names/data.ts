/**
 * Names of the data tier: the shards' Aurora clusters, their secrets, logs and DNS names, the data key, and the
 * Kubernetes names of the migrations Jobs that run against the shards. Every per-shard name derives from `shardName`.
 */

import { PROJECT } from './stage';

/**
 * `shard-0007`: a shard's name, zero-padded to four digits (shards are 0..4095), so names sort in shard order.
 * Every per-shard identifier below derives from it.
 */
export function shardName(shard: number): string {
  return `shard-${String(shard).padStart(4, '0')}`;
}

/**
 * `gigascale-prod-shard-0007`: the Aurora global cluster identifier, and the DB cluster identifier of every
 * regional member (cluster identifiers are unique per region, so the members can share it).
 */
export function shardClusterIdentifier(env: string, shard: number): string {
  return `${PROJECT}-${env}-${shardName(shard)}`;
}

/**
 * `gigascale-prod-shard-*`: every shard's cluster identifier, as a wildcard (the backup selection's). A restored side
 * cluster is named `gigascale-prod-restore-shard-0007` (docs/data.md), outside it.
 */
export function shardClusterIdentifierPattern(env: string): string {
  return `${PROJECT}-${env}-${shardName(0).replace(/\d+$/, '*')}`;
}

/** CloudWatch Logs group Aurora exports a shard's PostgreSQL log to (the name Aurora writes to; gigascale creates it first). */
export function shardLogGroupName(env: string, shard: number): string {
  return `/aws/rds/cluster/${shardClusterIdentifier(env, shard)}/postgresql`;
}

/** Prefix of every shard's log group in a region, for the data key's grant to CloudWatch Logs. */
export function shardLogGroupPrefix(env: string): string {
  return `/aws/rds/cluster/${PROJECT}-${env}-shard-`;
}

/** KMS alias of a region's data key (storage, secrets, Performance Insights, logs of the data tier). */
export function dataKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/data`;
}

/** Secrets Manager secret of a shard's master credentials (write region only). */
export function shardSecretName(env: string, shard: number): string {
  return `${PROJECT}/${env}/${shardName(shard)}/master`;
}

/**
 * `gigascale/prod/shard-`: what every shard's secret name (`shardSecretName`) starts with, for the pod roles'
 * `secret:<prefix>*` grant. Derived from shardSecretName, so the two cannot drift apart.
 */
export function shardSecretNamePrefix(env: string): string {
  const name = shardSecretName(env, 0);
  return name.slice(0, name.indexOf(shardName(0)) + 'shard-'.length);
}

/** Private DNS zone of an environment's databases; each region has its own zone of this name on its VPC. */
export function databaseZoneName(env: string): string {
  return `db.${env}.${PROJECT}.internal`;
}

/** Endpoints every shard has in every region, as DNS names in the region's database zone. */
export type ShardEndpointRole = 'writer' | 'reader' | 'proxy';

/** `reader.shard-0007.db.prod.gigascale.internal`: resolvable only inside the region's VPC. */
export function shardEndpointName(env: string, shard: number, role: ShardEndpointRole): string {
  return `${role}.${shardName(shard)}.${databaseZoneName(env)}`;
}

/** `migrate-shard-0007`: the Job that applies db/migrations to one shard, from the shard's name (`shardName`). */
export function migrationJobName(shard: string): string {
  return `migrate-${shard}`;
}

/**
 * `gigascale-prod-shard-0007-master`: the Kubernetes Secret holding a shard's credentials, derived from the name of
 * the Secrets Manager secret it is synced from (`gigascale/prod/shard-0007/master`, `shardSecretName`):
 * lower-cased, every run of characters a Secret name cannot hold (`/`, `_`, `+`, `=`, `@`) replaced by `-`.
 */
export function shardCredentialsSecretName(secretsManagerName: string): string {
  return secretsManagerName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** `gigascale-migrations`: the service account every migration Job runs as; it has no Kubernetes API access (no token is mounted). */
export const MIGRATIONS_SERVICE_ACCOUNT = `${PROJECT}-migrations`;
