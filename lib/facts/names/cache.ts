/**
 * Names of the regional cache (Valkey on ElastiCache): its replication group, RBAC users, logs, key and the services'
 * IAM policies. ElastiCache names are per account and region, so they need not carry the region.
 */

import { PROJECT, stageName } from './stage';

/** `gigascale-prod`: the Valkey replication group of an environment in a region (<= 40 characters). */
export function cacheReplicationGroupId(env: string): string {
  return `${PROJECT}-${env}`;
}

/** `gigascale-prod`: the RBAC user group attached to the replication group. */
export function cacheUserGroupId(env: string): string {
  return `${PROJECT}-${env}`;
}

/**
 * `gigascale-prod-entity`: a service's cache user. IAM authentication requires the user id and the user name to be
 * equal, so this is both; services connect as this name with an IAM token (elasticache:Connect).
 */
export function cacheUserName(env: string, service: string): string {
  return `${PROJECT}-${env}-${service}`;
}

/** `gigascale-prod-probe`: the synthetic probe's cache user, an IAM user like the services' (lib/facts/cache-acl.ts PROBE_CACHE_ACCESS). */
export function cacheProbeUserName(env: string): string {
  return cacheUserName(env, 'probe');
}

/** `cache.prod.gigascale.internal`: the private zone of a region's cache, so clients name it before it exists. */
export function cacheZoneName(env: string): string {
  return `cache.${env}.${PROJECT}.internal`;
}

/**
 * `endpoint.cache.prod.gigascale.internal`: an alias (CNAME) of the cache's configuration endpoint, whose own name
 * ElastiCache makes up at creation; a client connecting over TLS follows it to that name, which the certificate names.
 */
export function cacheEndpointName(env: string): string {
  return `endpoint.${cacheZoneName(env)}`;
}

/** `gigascale-prod-default`: the id of the group's disabled `default` user (every RBAC group must hold a user named default). */
export function cacheDefaultUserId(env: string): string {
  return `${PROJECT}-${env}-default`;
}

/** `/gigascale/prod/eu-west-1/cache/slow-log`: CloudWatch Logs groups of the cache's engine and slow logs. */
export function cacheLogGroupName(env: string, region: string, log: 'engine' | 'slow'): string {
  return `/${PROJECT}/${env}/${region}/cache/${log}-log`;
}

/** KMS alias of a region's cache key (node storage, snapshots, the cache's log groups and secret). */
export function cacheKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/cache`;
}

/** Secrets Manager secret holding the password of the group's disabled `default` user (no client ever uses it). */
export function cacheDefaultUserSecretName(env: string): string {
  return `${PROJECT}/${env}/cache/default-user`;
}

/** `gigascale-prod-eu-west-1-cache-chat`: a service's managed IAM policy for the cache (IAM names are per account). */
export function cachePolicyName(env: string, region: string, service: string): string {
  return `${PROJECT}-${stageName(env, region)}-cache-${service}`;
}

/**
 * `gigascale-prod-0002-001`: the cache cluster id ElastiCache gives node `node` (0 the first) of shard `shard` (0 the
 * first) of the replication group, the CacheClusterId its CloudWatch metrics carry (ElastiCache User Guide,
 * "Monitoring use with CloudWatch Metrics": metrics are per node).
 */
export function cacheNodeClusterId(env: string, shard: number, node: number): string {
  return `${cacheReplicationGroupId(env)}-${String(shard + 1).padStart(4, '0')}-${String(node + 1).padStart(3, '0')}`;
}
