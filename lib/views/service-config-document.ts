/**
 * The service config document of one region: where every service finds the regional cache, media buckets and event
 * bus, and the cache lifetimes it must use. It sits next to the shard map in the region's service-config ConfigMap
 * (k8s/service-config-chart.ts). Like the shard map it is built only from the plan and deterministic names: values
 * AWS assigns at deploy (the cache's configuration endpoint, the MSK cluster ARN and its bootstrap brokers) are
 * named by the SSM parameters the region's stacks write them to, never copied from another stack or region.
 */
import { PUBLIC_PROFILE_PREFIX, SESSION_COOKIE, SESSION_COOKIE_PATH } from '../facts/workloads';
import type { EnvironmentPlan, RegionPlan } from '../plan';
import type { CacheTtls } from '../facts/cache-tiers';
import { CACHE_PORT } from '../facts/valkey';
import type { TopicPlan } from '../plan/bus-sizing';
import { busClusterName, consumerGroupName } from '../facts/names/bus';
import { cacheUserName } from '../facts/names/cache';
import { mediaBucketName } from '../facts/names/media';
import { serviceParameterName } from '../facts/names/services';
import { CACHE_KEY_PREFIX, SERVICES, type ServiceName } from '../facts/services';

export interface CacheSection {
  readonly engine: string;
  readonly engineVersion: string;
  /** SSM parameter holding `<configuration endpoint>:<port>` of the region's cluster-mode replication group. */
  readonly configurationEndpointParameter: string;
  readonly port: number;
  /** In-transit encryption is required: clients connect with TLS. */
  readonly tls: true;
  /** Services authenticate as their own user with an IAM token (elasticache:Connect). */
  readonly authentication: 'iam';
  /** Cache user of each service that has one. */
  readonly users: Readonly<Partial<Record<ServiceName, string>>>;
  /** The key prefix each service owns (its user may touch nothing else). */
  readonly keyPrefixes: Readonly<Partial<Record<ServiceName, string>>>;
  /** L1 in-process, L2 Valkey, L3 edge lifetimes, seconds. */
  readonly ttls: CacheTtls;
}

export interface MediaSection {
  /** The region's own media bucket: uploads go here. */
  readonly bucket: string;
  /** Every region's media bucket by region (this one included), for reads of objects not yet replicated. */
  readonly buckets: Readonly<Record<string, string>>;
  readonly replication: string;
}

/** A topic as services see it: the plan's figures without the sizing inputs. */
export type TopicSection = Pick<TopicPlan, 'name' | 'partitions' | 'retentionHours' | 'replication' | 'producers' | 'consumers'>;

export interface BusSection {
  readonly clusterName: string;
  /** SSM parameter holding the MSK cluster ARN. */
  readonly clusterArnParameter: string;
  /** SSM parameter holding the SASL/IAM bootstrap broker string (port 9098, TLS). */
  readonly bootstrapBrokersParameter: string;
  readonly authentication: 'AWS_MSK_IAM';
  readonly topics: readonly TopicSection[];
  /** The consumer group each consuming service must use (its IAM policy allows no other). */
  readonly consumerGroups: Readonly<Partial<Record<ServiceName, string>>>;
}

/** The HTTP contract the edge relies on: the cookie it never caches behind, the path it caches for everyone. */
export interface HttpSection {
  /** The session cookie auth sets: its name, and the path it must be set with (browsers then keep it off /assets/). */
  readonly sessionCookie: { readonly name: string; readonly path: string };
  /** Entity's public-profile prefix: answers there are the same for every reader and are cached at the edge. */
  readonly publicProfilePrefix: string;
}

export interface ServiceConfigDocument {
  readonly environment: string;
  readonly region: string;
  readonly writeRegion: string;
  readonly cache: CacheSection;
  readonly media: MediaSection;
  readonly bus: BusSection;
  readonly http: HttpSection;
}

export function serviceConfigDocument(environment: EnvironmentPlan, region: RegionPlan): ServiceConfigDocument {
  const env = environment.name;
  const cached = SERVICES.filter((s) => CACHE_KEY_PREFIX[s] !== undefined);
  const consumers = SERVICES.filter((s) => environment.bus.topics.some((t) => t.consumers.includes(s)));
  return {
    environment: env,
    region: region.name,
    writeRegion: environment.writeRegion,
    cache: {
      engine: environment.cache.engine,
      engineVersion: environment.cache.engineVersion,
      configurationEndpointParameter: serviceParameterName(env, 'cache/configuration-endpoint'),
      port: CACHE_PORT,
      tls: true,
      authentication: 'iam',
      users: Object.fromEntries(cached.map((s) => [s, cacheUserName(env, s)])),
      keyPrefixes: Object.fromEntries(cached.map((s) => [s, CACHE_KEY_PREFIX[s]!])),
      ttls: environment.caching,
    },
    media: {
      bucket: mediaBucketName(env, environment.account, region.name),
      buckets: Object.fromEntries(environment.regions.map((r) => [r.name, mediaBucketName(env, environment.account, r.name)])),
      replication: environment.regions.length > 1 ? environment.media.replication : 'none',
    },
    bus: {
      clusterName: busClusterName(env),
      clusterArnParameter: serviceParameterName(env, 'bus/cluster-arn'),
      bootstrapBrokersParameter: serviceParameterName(env, 'bus/bootstrap-brokers'),
      authentication: 'AWS_MSK_IAM',
      topics: environment.bus.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        retentionHours: t.retentionHours,
        replication: environment.crossRegionReplication === 'on' ? t.replication : 'none',
        producers: t.producers,
        consumers: t.consumers,
      })),
      consumerGroups: Object.fromEntries(consumers.map((s) => [s, consumerGroupName(s)])),
    },
    http: { sessionCookie: { name: SESSION_COOKIE, path: SESSION_COOKIE_PATH }, publicProfilePrefix: PUBLIC_PROFILE_PREFIX },
  };
}
