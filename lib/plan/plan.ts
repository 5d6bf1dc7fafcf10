/** The resolved, frozen plan: what stacks, charts and the edge read. Nothing here is optional. */
import type { Consumer } from '../facts/consumers';
import type { RdsQuotas } from './quota';
import type { BusSizes, CacheSizes, ComputeSizes, DatabaseSizes, MediaSizes, NetworkSizes, Phase, WorkloadSizes } from '../facts/phases';
import type { ImageKey } from '../facts/images';
import type { HttpService } from '../facts/workloads';
import type { RegionBusPlan, TopicPlan } from './bus-sizing';
import type { CacheTtls } from '../facts/cache-tiers';
import type { CrossRegionReplication, DestructiveAllowance, VaultLockMode } from './schema';
import type { Weekday } from '../facts/week';
import type { SubnetLayout } from './subnets';
import type { Flow } from '../facts/flows';
import type { Hop } from '../facts/hops';
import type { ProbeCheck } from '../facts/probe-checks';
import type { ShardGroup } from '../facts/shard-groups';
import type { RttBasis } from '../facts/rtt';
import type { WorkloadModel } from './workload';
import type { UnitCapacities } from './capacities';
import type { CapacityPlan } from './planner';

export interface RegionPlan {
  /** AWS region name. */
  readonly name: string;
  /** Availability zones, in subnet order. */
  readonly azs: readonly string[];
  /** VPC CIDR. */
  readonly cidr: string;
  /** Subnet prefix lengths for this VPC. */
  readonly subnets: SubnetLayout;
  /** CIDRs of the private subnets, where compute (EKS nodes and pods) runs; data stores admit only these. */
  readonly computeCidrs: readonly string[];
  /** True for the region that holds the database writers. */
  readonly isWriteRegion: boolean;
  /** Latitude of the region's metro area, degrees (the catalog's, or the config's for a region it does not know). */
  readonly latitude: number;
  /** Longitude of the region's metro area, degrees. */
  readonly longitude: number;
  /** The region's event bus: brokers, peak ingress, broker storage, replication sources (none when replication is off). */
  readonly bus: RegionBusPlan;
}

/** A flow a region may break, with why that is accepted (printed with every verdict table). */
export interface FlowWaiver {
  readonly region: string;
  readonly flow: Flow;
  readonly reason: string;
}

export interface LatencyBudgets {
  /** P95 budget per hop, milliseconds (lib/facts/hops.ts defaults, merged with the config's). */
  readonly hopsMs: Readonly<Record<Hop, number>>;
  /** P95 target per flow, milliseconds. */
  readonly flowTargetsMs: Readonly<Record<Flow, number>>;
  /** Round trip from each region to the write region, milliseconds (0 for the write region itself), and its basis. */
  readonly rttToWriteRegion: Readonly<Record<string, { readonly ms: number; readonly basis: RttBasis }>>;
  /** The config's source of `interRegionRttMs`, or null when it gives none. */
  readonly rttSource: string | null;
  /** Flows waived per region, sorted by region then flow. */
  readonly waivers: readonly FlowWaiver[];
  /** P95 budget of every probe check, milliseconds: the sum of the hops it crosses (lib/facts/probe-checks.ts). */
  readonly probeChecksMs: Readonly<Record<ProbeCheck, number>>;
}

export interface DatabasePlan extends DatabaseSizes {
  /** Aurora PostgreSQL engine version of every shard. */
  readonly engineVersion: string;
  /** `max_connections` of every instance. */
  readonly maxConnections: number;
  /** Shards by shard-group stack (`<env>-<region>-shards-<k>`, lib/facts/shard-groups.ts). */
  readonly shardGroups: readonly ShardGroup[];
  /** Shards by migrations stack (`<env>-<region>-migrations-<k>`, write region only). */
  readonly migrationGroups: readonly ShardGroup[];
}

export interface CachePlan extends CacheSizes {
  /** `valkey`. */
  readonly engine: string;
  /** Pinned engine version. */
  readonly engineVersion: string;
  /** Parameter group family of the engine version. */
  readonly parameterGroupFamily: string;
}

export interface BusPlan extends Omit<BusSizes, 'topics'> {
  /** Express brokers (managed storage, RF 3 and min ISR 2 fixed by MSK). */
  readonly express: boolean;
  /** Pinned Kafka version of the broker kind. */
  readonly kafkaVersion: string;
  /** Topics in declaration order, with their partitions. */
  readonly topics: readonly TopicPlan[];
}

export interface ComputePlan extends ComputeSizes {
  /** EKS Kubernetes version of every cluster (lib/facts/kubernetes.ts). */
  readonly kubernetesVersion: string;
  /** CIDRs allowed to the public API endpoint; empty: private endpoint only. */
  readonly publicEndpointCidrs: readonly string[];
  /** IAM roles with cluster-admin access entries, sorted. */
  readonly adminRoleArns: readonly string[];
  /** Image reference of each workload as configured (lib/facts/images.ts imageUri makes it a pull URI per region). */
  readonly images: Readonly<Record<ImageKey, string>>;
  /** The TURN relay's autoscaler bounds and pod requests (planned; lib/facts/workloads.ts TURN_POD). */
  readonly turn: WorkloadSizes;
  /** Each event consumer's autoscaler bounds (planned) and pod requests (lib/facts/consumers.ts CONSUMER_POD). */
  readonly consumers: Readonly<Record<Consumer, WorkloadSizes>>;
  /** EC2NodeClass AMI alias of Karpenter's nodes (lib/facts/karpenter.ts). */
  readonly nodeAmiAlias: string;
}

export interface IngressPlan {
  /** Route 53 zone of the domain, or null when the zone is elsewhere (certificates then come from `certificateArns`). */
  readonly hostedZoneId: string | null;
  /** Certificate ARN per region given in the config; a region without one gets a DNS-validated certificate. */
  readonly certificateArns: Readonly<Record<string, string>>;
  /** IPv4 sources the ALB admits. */
  readonly edgeIpv4Cidrs: readonly string[];
  /** IPv6 sources the ALB admits. */
  readonly edgeIpv6Cidrs: readonly string[];
  /** WAF rate-based rule limit, requests per client IP per 5 minutes. */
  readonly rateLimitPer5Minutes: number;
  /** ALB idle timeout, seconds. */
  readonly idleTimeoutSeconds: number;
  /** Deletion protection of the ALB and the TURN NLB: on from phase 4, where a region serves production traffic. */
  readonly deletionProtection: boolean;
}

export interface ObservabilityPlan {
  /** Who each region's alarm topic notifies (SNS subscriptions), sorted and without duplicates. */
  readonly notifications: {
    readonly emails: readonly string[];
    readonly httpsEndpoints: readonly string[];
    /** Sorted by workspace then channel, each once. */
    readonly slackChannels: readonly SlackChannel[];
  };
  /** Replication lag, seconds, the environment accepts: Aurora global and replica lag and cache replica lag alarm above it. */
  readonly rpoSeconds: number;
}

export interface BackupSettings {
  /** Days every recovery point and copy is kept; the vault lock's minimum retention. */
  readonly retentionDays: number;
  readonly vaultLock: VaultLockMode;
  /** A vault of a separate account every recovery point is also copied to, or null. */
  readonly copyAccount: { readonly account: string; readonly vaultName: string } | null;
}

/** The weekly window of the failure experiments (lib/views/chaos-plan.ts lays them out in it). */
export interface ChaosSettings {
  readonly schedule: {
    /** Whether the schedules start the experiments; off, they exist disabled. */
    readonly enabled: boolean;
    /** Day of the week (UTC) the window opens. */
    readonly day: Weekday;
    /** Hour (UTC) the window opens. */
    readonly startHourUtc: number;
  };
}

/** A Slack channel AWS Chatbot posts an environment's alarms to. */
export interface SlackChannel {
  readonly workspaceId: string;
  readonly channelId: string;
}

export interface EdgeSettings {
  /** Requests per minute one client IP may send to each service's paths at the edge (lib/facts/rate-limits.ts). */
  readonly rateLimitsPerMinute: Readonly<Record<HttpService, number>>;
}

export interface EnvironmentPlan {
  readonly name: string;
  readonly phase: Phase;
  readonly account: string;
  readonly domain: string;
  readonly owner: string;
  readonly costCentre: string;
  readonly writeRegion: string;
  readonly shards: number;
  readonly network: NetworkSizes;
  readonly database: DatabasePlan;
  readonly cache: CachePlan;
  /** Media sizes; `replication` is already `none` when the environment has one region or replication is off. */
  readonly media: MediaSizes;
  readonly bus: BusPlan;
  /** How much cross-region replication exists: off, sources (rules, readable clusters) or on (also replicators). */
  readonly crossRegionReplication: CrossRegionReplication;
  /** Cache lifetimes every service receives: L1 in-process, L2 Valkey, L3 edge. */
  readonly caching: CacheTtls;
  /** RDS quotas per region the account has (AWS defaults unless the config declares raised ones). */
  readonly quotas: RdsQuotas;
  readonly latencyBudgets: LatencyBudgets;
  /** The load the environment is sized for (the phase's preset, scaled and overridden by the config). */
  readonly workload: WorkloadModel;
  /** What one unit of each resource carries, as the planner used it. */
  readonly capacities: UnitCapacities;
  /** Every planned count with its constraints; the sizes above carry the `value`s. */
  readonly capacity: CapacityPlan;
  /** EKS clusters and what runs on them. */
  readonly compute: ComputePlan;
  /** The ALB in front of each cluster. */
  readonly ingress: IngressPlan;
  /** What the Cloudflare edge (edge/) admits. */
  readonly edge: EdgeSettings;
  /** Where alarms go and the figures they hold the data tier to. */
  readonly observability: ObservabilityPlan;
  /** AWS Backup of the shards and media buckets. */
  readonly backup: BackupSettings;
  /** The failure experiments' weekly window. */
  readonly chaos: ChaosSettings;
  readonly regions: readonly RegionPlan[];
}

/** The deploy pipeline of the config's `pipeline` (stacks/pipeline). */
export interface PipelinePlan {
  readonly account: string;
  readonly region: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly branch: string;
  readonly connectionArn: string;
  /** When the weekly run starts, UTC. */
  readonly weeklyRun: { readonly day: Weekday; readonly hourUtc: number };
}

export interface Plan {
  /** Environments in the order the config lists them. */
  readonly environments: readonly EnvironmentPlan[];
  /**
   * The deploy pipeline, or null: none configured, or `-c env` / `-c regions` narrowed the plan (the pipeline deploys
   * every environment of the config as written, so a narrowed synth leaves it out).
   */
  readonly pipeline: PipelinePlan | null;
  /**
   * The config's `review.allowDestructive`, sorted by path: every entry, whichever environments `-c env` selects
   * (a change may remove a stage that is no longer in the plan).
   */
  readonly allowDestructive: readonly DestructiveAllowance[];
}
