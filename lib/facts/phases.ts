/**
 * Phase presets of the seed roadmap. A phase fills every size an environment does not set itself; the stacks
 * read sizes only from the resolved plan, never from here.
 *
 * - phase 3: one region, 10 shards, NAT per AZ.
 * - phase 4: four regions, single write region, 100+ shards.
 * - phase 5: sized for 500K-1M req/s and 100K-500K DB writes/s.
 * A preset chooses instance types, retention and floors; the counts (shards, readers, cache shards, brokers, replicas,
 * nodes) are planned from the phase's workload (lib/plan/workload.ts) by lib/plan/planner.ts.
 */
import { DEFAULT_MEMORY_PARTITIONS } from './aurora';
import { DEFAULT_TOPIC_SETTINGS, type ReplicationScope, type TopicName, type TopicSettings } from './topics';
import { WORKLOADS, type Workload } from './workloads';

export const PHASES = [3, 4, 5] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Whether an environment of this phase serves production traffic: phase 4 and on. Its load balancers are
 * deletion-protected, its vault lock is compliance mode, its images run by digest, its alarms must reach someone, its
 * failure experiments wait for the config to schedule them, and the deploy pipeline asks for approval before it.
 */
export function servesProductionTraffic(phase: number): boolean {
  return phase >= 4;
}

/** NAT gateways of a region: one shared, or one per AZ. */
export const NAT_GATEWAYS = ['one', 'per-az'] as const;
export type NatGateways = (typeof NAT_GATEWAYS)[number];

export interface NetworkSizes {
  /** NAT gateways per region: one shared (cheap, one AZ's failure cuts egress) or one per AZ. */
  readonly natGateways: NatGateways;
  /** Days VPC flow logs are kept in CloudWatch Logs. */
  readonly flowLogRetentionDays: number;
}

/**
 * From this phase every shard's cluster keeps at least two instances in every region (lib/plan/capacity-limits.ts
 * refuses a config that sets fewer).
 */
export const MULTI_INSTANCE_PHASE = 4;

/** The least each count may be, whatever the load: the seed's shard floor and what availability needs. */
export interface CapacityFloors {
  /** The seed's "10, then 100+ shards". */
  readonly shards: number;
  /** Readers per shard in the write region (automatic failover needs one). */
  readonly writeRegionReaders: number;
  /** Readers per shard in every other region. */
  readonly readersPerRegion: number;
  /** Replicas of every workload (one per AZ survives an AZ's loss). */
  readonly replicas: number;
}

/** The event bus a phase sizes: broker type, rates, partition sizing and topic settings. */
export interface BusSizes {
  /** MSK broker type, e.g. `express.m7g.4xlarge` (lib/facts/broker-types.ts). */
  readonly brokerType: string;
  /** Brokers in each availability zone of a region. */
  readonly brokersPerAz: number;
  /** Peak events per second produced in one region. */
  readonly eventsPerSecond: number;
  /** Mean size of an event on the wire, bytes. */
  readonly meanEventBytes: number;
  /** Throughput one partition is sized for, MB/s (assumption; at most the 15 MB/s Express allows). */
  readonly partitionMBps: number;
  /** Fewest partitions a topic gets, whatever its rate (consumer parallelism). */
  readonly minPartitions: number;
  /** Days the brokers' logs are kept in CloudWatch Logs. */
  readonly logRetentionDays: number;
  /** Per topic: share of the events, retention, replication. */
  readonly topics: Readonly<Record<TopicName, TopicSettings>>;
}

export interface DatabaseSizes {
  /** Aurora instance class of every writer and reader, Graviton (`db.r8g.large`). */
  readonly instanceClass: string;
  /** Readers of each shard's primary cluster in the write region, besides the writer (failover targets). */
  readonly writeRegionReaders: number;
  /** Readers of each shard's secondary cluster in every other region. */
  readonly readersPerRegion: number;
  /** Days of automated backups kept, 7..35. */
  readonly backupRetentionDays: number;
  /** Days the PostgreSQL logs exported to CloudWatch Logs are kept. */
  readonly logRetentionDays: number;
  /** An RDS Proxy per shard in every region, pooling the services' connections. */
  readonly proxy: boolean;
  /** Hash partitions of `ai_user_memory` (the MODULUS of db/migrations); fixed once a shard has data. */
  readonly memoryPartitions: number;
}

export interface CacheSizes {
  /** ElastiCache node type of every node, Graviton (`cache.r7g.large`). */
  readonly nodeType: string;
  /** Shards (node groups) of the cluster-mode replication group. */
  readonly shards: number;
  /** Replicas per shard, in other AZs than its primary (>= 1: automatic failover needs one). */
  readonly replicasPerShard: number;
  /** Days of automatic daily snapshots kept. */
  readonly snapshotRetentionDays: number;
  /** Days the engine and slow logs are kept in CloudWatch Logs. */
  readonly logRetentionDays: number;
}

/** `all-regions`: every region's media bucket replicates to every other region's; `none`: buckets stay regional. */
export type MediaReplication = ReplicationScope;

export interface MediaSizes {
  /** Cross-region replication of the media buckets. */
  readonly replication: MediaReplication;
  /** Objects move to S3 Standard-IA this many days after creation (S3 requires >= 30). */
  readonly infrequentAccessAfterDays: number;
  /** Days a replaced or deleted object version is kept before S3 expires it. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days server access logs are kept in the log bucket. */
  readonly accessLogExpirationDays: number;
}

/** Replicas and per-pod requests of one workload (limits: the same memory, CPU unlimited to absorb bursts). */
export interface WorkloadSizes {
  /** Replicas the HorizontalPodAutoscaler keeps at least (the Deployment sets none: the HPA owns the count). */
  readonly minReplicas: number;
  /** Replicas the HorizontalPodAutoscaler may scale to. */
  readonly maxReplicas: number;
  /** CPU request per pod, millicores. */
  readonly cpuMillis: number;
  /** Memory request and limit per pod, MiB. */
  readonly memoryMiB: number;
}

export interface ComputeSizes {
  /** Graviton instance type of every node (`m7g.xlarge`). */
  readonly nodeInstanceType: string;
  /** Nodes per AZ the node group of that AZ keeps at least. */
  readonly nodesPerAzMin: number;
  /** Nodes per AZ the node group of that AZ may grow to. */
  readonly nodesPerAzMax: number;
  /** Root volume of each node, GiB (gp3, encrypted). */
  readonly nodeDiskGiB: number;
  /** Days the EKS control-plane logs are kept. */
  readonly logRetentionDays: number;
  /** Sizes of the gateway and each service. */
  readonly workloads: Readonly<Record<Workload, WorkloadSizes>>;
}

/** Counts the capacity planner derives; a preset never holds them (lib/plan/planner.ts). */
type PlannedDatabase = 'writeRegionReaders' | 'readersPerRegion';
type PlannedBus = 'brokersPerAz' | 'eventsPerSecond' | 'meanEventBytes';
type PlannedCompute = 'nodesPerAzMin' | 'nodesPerAzMax' | 'workloads';

/** What a phase chooses: instance types, retention, availability floors. Every count comes from the planner. */
export interface PhasePreset {
  /** Least counts whatever the load: the seed's shard floor, readers and replicas availability needs. */
  readonly floors: CapacityFloors;
  readonly network: NetworkSizes;
  /** `maxConnections` is absent: it defaults to the seed's 2000, capped by what the instance class holds. */
  readonly database: Omit<DatabaseSizes, PlannedDatabase>;
  readonly cache: Omit<CacheSizes, 'shards'>;
  readonly media: MediaSizes;
  readonly bus: Omit<BusSizes, PlannedBus>;
  readonly compute: Omit<ComputeSizes, PlannedCompute> & {
    /** CPU and memory requests of each workload's pods (replicas are planned). */
    readonly pods: Readonly<Record<Workload, Pick<WorkloadSizes, 'cpuMillis' | 'memoryMiB'>>>;
  };
  /** WAF rate-based rule: requests per client IP per 5 minutes at each ALB. */
  readonly rateLimitPer5Minutes: number;
}

/** The seed's connection pool size per database. */
export const SEED_MAX_CONNECTIONS = 2000;

const MEDIA: MediaSizes = { replication: 'all-regions', infrequentAccessAfterDays: 30, noncurrentVersionExpirationDays: 90, accessLogExpirationDays: 365 };

/**
 * Event bus per phase. A partition is sized for 5 MB/s, a third of the 15 MB/s MSK allows one partition, so its
 * one consumer per group keeps up. The event rate per region is the workload's, spread over the regions, and the
 * brokers per AZ are planned from it.
 */
const bus = (brokerType: string, logRetentionDays: number): Omit<BusSizes, PlannedBus> => ({
  brokerType,
  partitionMBps: 5,
  minPartitions: 6,
  logRetentionDays,
  topics: DEFAULT_TOPIC_SETTINGS,
});

/**
 * Compute per phase: requests sized for a Node.js service (one event loop: 1 vCPU is what it uses) and Envoy.
 * Replicas and nodes are planned from the workload's requests and sockets.
 */
const compute = (nodeInstanceType: string, logRetentionDays: number): PhasePreset['compute'] => ({
  nodeInstanceType,
  nodeDiskGiB: 50,
  logRetentionDays,
  pods: Object.fromEntries(
    WORKLOADS.map((w) => [w, { cpuMillis: w === 'gateway' ? 500 : 1000, memoryMiB: w === 'gateway' ? 512 : 1024 }]),
  ) as Record<Workload, Pick<WorkloadSizes, 'cpuMillis' | 'memoryMiB'>>,
});

/**
 * Floors: the seed's 10 shards (phase 3) and "100+" (phases 4, 5); from phase 4 no shard runs on a single instance in
 * any region: a writer and a reader in the write region (the failover target), two readers in every other region
 * (one instance's failure leaves the region's reads served, and a promoted region keeps a reader); phase 5 keeps two
 * readers in the write region too. Phase 3 (one region) keeps a writer and a reader. Two replicas per workload in
 * phase 3, three (one per AZ) in phases 4 and 5.
 */
export const PHASE_PRESETS: Readonly<Record<Phase, PhasePreset>> = {
  3: {
    floors: { shards: 10, writeRegionReaders: 1, readersPerRegion: 1, replicas: 2 },
    network: { natGateways: 'per-az', flowLogRetentionDays: 90 },
    database: { instanceClass: 'db.r7g.large', backupRetentionDays: 7, logRetentionDays: 30, proxy: true, memoryPartitions: DEFAULT_MEMORY_PARTITIONS },
    cache: { nodeType: 'cache.r7g.large', replicasPerShard: 1, snapshotRetentionDays: 7, logRetentionDays: 30 },
    media: MEDIA,
    bus: bus('kafka.m7g.large', 30),
    compute: compute('m7g.xlarge', 30),
    rateLimitPer5Minutes: 2000,
  },
  4: {
    floors: { shards: 100, writeRegionReaders: 1, readersPerRegion: 2, replicas: 3 },
    network: { natGateways: 'per-az', flowLogRetentionDays: 365 },
    database: { instanceClass: 'db.r7g.2xlarge', backupRetentionDays: 14, logRetentionDays: 90, proxy: true, memoryPartitions: DEFAULT_MEMORY_PARTITIONS },
    cache: { nodeType: 'cache.r7g.xlarge', replicasPerShard: 2, snapshotRetentionDays: 14, logRetentionDays: 90 },
    media: MEDIA,
    bus: bus('express.m7g.8xlarge', 90),
    compute: compute('m7g.2xlarge', 90),
    rateLimitPer5Minutes: 10_000,
  },
  5: {
    floors: { shards: 100, writeRegionReaders: 2, readersPerRegion: 2, replicas: 3 },
    network: { natGateways: 'per-az', flowLogRetentionDays: 365 },
    database: { instanceClass: 'db.r7g.4xlarge', backupRetentionDays: 35, logRetentionDays: 90, proxy: true, memoryPartitions: DEFAULT_MEMORY_PARTITIONS },
    cache: { nodeType: 'cache.r7g.2xlarge', replicasPerShard: 2, snapshotRetentionDays: 35, logRetentionDays: 90 },
    media: MEDIA,
    bus: bus('express.m7g.16xlarge', 90),
    compute: compute('m7g.4xlarge', 90),
    rateLimitPer5Minutes: 10_000,
  },
};

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
