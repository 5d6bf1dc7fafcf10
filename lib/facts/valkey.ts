/**
 * The regional cache engine: ElastiCache for Valkey in cluster mode. Valkey rather than Redis OSS: same protocol
 * and client libraries, lower ElastiCache node prices, and RBAC with IAM authentication.
 */

export const CACHE_ENGINE = 'valkey';
/** Pinned: an engine upgrade is a reviewed change of this line, never an automatic one. */
export const CACHE_ENGINE_VERSION = '8.0';
/** Parameter group family of CACHE_ENGINE_VERSION. */
export const CACHE_PARAMETER_FAMILY = 'valkey8';
/** TLS port of the configuration endpoint (in-transit encryption is on, so plain-text clients are refused). */
export const CACHE_PORT = 6379;
/** ElastiCache limit: shards x (1 + replicas) nodes per cluster-mode replication group. */
export const MAX_CACHE_NODES = 500;
/** ElastiCache limits: 1..500 node groups, 0..5 replicas each (gigascale needs >= 1 for automatic failover). */
export const MAX_CACHE_SHARDS = 500;
export const MAX_CACHE_REPLICAS = 5;

/** Graviton cache node types gigascale allows, with their memory in GiB (ElastiCache node type specifications). */
export const CACHE_NODE_MEMORY_GIB: Readonly<Record<string, number>> = Object.fromEntries(
  [
    ...['r6g', 'r7g'].flatMap((family) =>
      [
        ['large', 13.07],
        ['xlarge', 26.32],
        ['2xlarge', 52.82],
        ['4xlarge', 105.81],
        ['8xlarge', 209.55],
        ['12xlarge', 317.77],
        ['16xlarge', 419.09],
      ].map(([size, gib]) => [`cache.${family}.${size}`, gib as number] as const),
    ),
    ...['m6g', 'm7g'].flatMap((family) =>
      [
        ['large', 6.38],
        ['xlarge', 12.93],
        ['2xlarge', 26.04],
        ['4xlarge', 52.26],
        ['8xlarge', 103.68],
        ['12xlarge', 157.12],
        ['16xlarge', 209.55],
      ].map(([size, gib]) => [`cache.${family}.${size}`, gib as number] as const),
    ),
  ].sort(([a], [b]) => String(a).localeCompare(String(b))),
);

export const CACHE_NODE_TYPES: readonly string[] = Object.keys(CACHE_NODE_MEMORY_GIB);
