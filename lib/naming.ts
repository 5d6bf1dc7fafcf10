/**
 * Names are API: a changed stage, stack or resource name replaces what it names. Every name gigascale gives
 * comes from here.
 */

/** Concerns a regional stage is split into, one stack each. */
/** Concerns a regional stage is split into, one stack each; shard groups are `shards-<k>` (see `shardGroupConcern`). */
export type Concern = 'network' | 'data' | `shards-${number}`;

/** `prod-eu-west-1`: the Stage id, so `npx cdk deploy 'prod-eu-west-1/*'` selects one region of one environment. */
export function stageName(env: string, region: string): string {
  return `${env}-${region}`;
}

/** `prod-eu-west-1-network`: the CloudFormation stack name. */
export function stackName(env: string, region: string, concern: Concern): string {
  return `${stageName(env, region)}-${concern}`;
}

/** CloudWatch Logs group of a region's VPC flow logs. */
export function flowLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/vpc-flow-logs`;
}

/** `shards-3`: the concern of shard group 3 (stack `prod-eu-west-1-shards-3`). */
export function shardGroupConcern(group: number): Concern {
  return `shards-${group}`;
}

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

// Kubernetes names (k8s/ charts).

/** `migrate-shard-0007`: the Job that applies db/migrations to one shard, from the shard's name (lib/naming shardName). */
export function migrationJobName(shard: string): string {
  return `migrate-${shard}`;
}

/**
 * `gigascale-prod-shard-0007-master`: the Kubernetes Secret holding a shard's credentials, derived from the name of
 * the Secrets Manager secret it is synced from (`gigascale/prod/shard-0007/master`, lib/naming shardSecretName):
 * lower-cased, every run of characters a Secret name cannot hold (`/`, `_`, `+`, `=`, `@`) replaced by `-`.
 */
export function shardCredentialsSecretName(secretsManagerName: string): string {
  return secretsManagerName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Service account every migration Job runs as; it has no Kubernetes API access (no token is mounted). */
export const MIGRATIONS_SERVICE_ACCOUNT = 'gigascale-migrations';

/** DNS-1123 label: what a Job name must be (≤ 63, so the `job-name` label of its pods can carry it). */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: what a Secret name must be. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Image of the migration runner (db/Dockerfile) in the region's ECR, tagged with the package version: the image the
 * migrations Jobs run. The compute issue owns the repository and the build that pushes this tag.
 */
export function migrationsImage(account: string, region: string, version: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com/${PROJECT}/db-migrate:${version}`;
}

/** Kubernetes namespace of gigascale's workloads. */
export const K8S_NAMESPACE = 'gigascale';

/** ConfigMap holding a region's shard map document (lib/data/shard-map-document.ts). */
export const SHARD_MAP_CONFIGMAP = 'gigascale-shard-map';

/** Tag keys put on every resource. */
export const TAG_KEYS = {
  project: 'project',
  env: 'env',
  region: 'region',
  concern: 'concern',
  owner: 'owner',
  costCentre: 'cost-centre',
} as const;

export const PROJECT = 'gigascale';
