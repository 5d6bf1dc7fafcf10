/**
 * The shard map document of one region: what a service or the probe needs to route a user id to a database, built only
 * from the plan and deterministic names (lib/facts/names/data.ts), never from deployed resources or other regions. It
 * ships in the region's service-config ConfigMap (k8s/service-config-chart.ts).
 */
import type { EnvironmentPlan, RegionPlan } from '../plan';
import { BUCKET_COUNT } from '../facts/shard-map';
import { DATABASE_NAME, DATABASE_PORT, APP_DB_USER } from '../facts/aurora';
import { shardEndpointName, shardName, shardSecretName } from '../facts/names/data';

/** Version of the routing rule (docs/data.md "Sharding: user id → bucket → shard"); a new rule gets a new version. */
export const ROUTING = 'sha256-be32-mod4096+jump-consistent-hash';

export interface ShardEndpoints {
  readonly shard: number;
  readonly name: string;
  /** Writes: the primary in the write region; elsewhere the local member, which forwards writes to the primary. */
  readonly writer: string;
  /** Reads from the region's own readers. */
  readonly reader: string;
  /** The shard's RDS Proxy in this region, or null when the environment has none. */
  readonly proxy: string | null;
  /** `read-write` in the write region; `read-only` elsewhere (a secondary cluster has no writer behind its proxy). */
  readonly proxyMode: 'read-write' | 'read-only' | null;
  /** Secrets Manager secret with the master credentials, in the write region (for migrations and operators). */
  readonly secretName: string;
}

export interface ShardMapDocument {
  readonly routing: string;
  readonly buckets: number;
  readonly shardCount: number;
  readonly environment: string;
  readonly region: string;
  readonly writeRegion: string;
  readonly port: number;
  readonly database: string;
  /** The user services connect as, with IAM authentication. */
  readonly user: string;
  readonly shards: readonly ShardEndpoints[];
}

export function shardMapDocument(environment: EnvironmentPlan, region: RegionPlan): ShardMapDocument {
  const proxy = environment.database.proxy;
  return {
    routing: ROUTING,
    buckets: BUCKET_COUNT,
    shardCount: environment.shards,
    environment: environment.name,
    region: region.name,
    writeRegion: environment.writeRegion,
    port: DATABASE_PORT,
    database: DATABASE_NAME,
    user: APP_DB_USER,
    shards: Array.from({ length: environment.shards }, (_, shard) => ({
      shard,
      name: shardName(shard),
      writer: shardEndpointName(environment.name, shard, 'writer'),
      reader: shardEndpointName(environment.name, shard, 'reader'),
      proxy: proxy ? shardEndpointName(environment.name, shard, 'proxy') : null,
      proxyMode: proxy ? (region.isWriteRegion ? 'read-write' : 'read-only') : null,
      secretName: shardSecretName(environment.name, shard),
    })),
  };
}
