/**
 * The shape of `regions.config.ts`: field types and per-field rules. Rules that relate fields to each other
 * (duplicate regions, overlapping CIDRs, the write region) live in `validate.ts`.
 */
import { z } from 'zod';
import { REGION_NAME } from '../facts/regions';
import { BUCKET_COUNT } from '../facts/shard-map';
import { MAX_MEMORY_PARTITIONS } from '../facts/aurora';
import { MAX_AZS, MIN_AZS } from './subnets';
import { LOG_RETENTION_DAYS, NAT_GATEWAYS, PHASES, type MediaReplication, type NatGateways } from '../facts/phases';
import { CACHE_NODE_TYPES, MAX_CACHE_REPLICAS, MAX_CACHE_SHARDS } from '../facts/valkey';
import { BROKER_TYPE_NAMES, MAX_PARTITION_MBPS } from '../facts/broker-types';
import { REPLICATION_SCOPES, TOPIC_NAMES, type ReplicationScope, type TopicName } from '../facts/topics';
import { NODE_INSTANCE_TYPES } from '../facts/node-types';
import { HTTP_SERVICES, WORKLOADS, type HttpService, type Workload } from '../facts/workloads';
import { IMAGE_KEYS, type ImageKey } from '../facts/images';
import { NODE_AMI_ALIAS } from '../facts/karpenter';
import { CONSUMERS } from '../facts/consumers';
import { FLOW_NAMES, type Flow } from '../facts/flows';
import { HOP_NAMES, type Hop } from '../facts/hops';
import { WORKLOAD_FIELDS, type WorkloadModel } from './workload';
import { CAPACITY_NUMBERS, type CapacityInput } from './capacities';
import { integerProblem } from '../util/ranges';
import { WEEKDAYS, type Weekday } from '../facts/week';

/** A shard count is at most the bucket count: a shard with no bucket would hold no user. */
export const MAX_SHARDS = BUCKET_COUNT;
export const ENV_NAME = /^[a-z][a-z0-9]{0,9}$/;
const EMAIL = /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/;
/** A Slack workspace (team) or channel id: upper-case letters and digits, as Slack and AWS Chatbot write them. */
const SLACK_ID = /^[A-Z0-9]{9,20}$/;
/** A lower-case DNS name of at least two labels (a domain). */
export const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An AWS CodeConnections (formerly CodeStar Connections) connection. */
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;

const regionName = z.string().regex(REGION_NAME, { error: (i) => `must be an AWS region name like us-east-1, got ${JSON.stringify(i.input)}` });

const positiveMs = z
  .number({ error: (i) => `must be a number of milliseconds, got ${JSON.stringify(i.input)}` })
  .refine((n) => Number.isFinite(n) && n > 0 && n <= 60_000, { error: (i) => `must be a budget in milliseconds, > 0 and <= 60000, got ${String(i.input)}` });

const intIn = (lo: number, hi: number) => z.number().refine((n) => integerProblem(n, lo, hi) === undefined, { error: (i) => integerProblem(i.input as number, lo, hi) });

const logRetentionDays = z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
  error: (i) => `must be a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(', ')}), got ${String(i.input)}`,
});

/** Readers per Aurora cluster gigascale allows (AWS allows 15; 8 keeps 16 shards per group stack under the guard). */
export const MAX_READERS = 8;
/** Brokers per AZ, nodes per AZ and replicas per workload gigascale accepts, set or planned (lib/plan/capacity-limits.ts). */
export const MAX_BROKERS_PER_AZ = 20;
export const MAX_NODES_PER_AZ = 450;
export const MAX_REPLICAS = 5000;
/** RDS quotas are per account and region; 10000 is far above anything AWS grants and catches typos. */
const MAX_QUOTA = 10_000;

/**
 * How much cross-region replication exists. A new environment goes off -> sources -> on, one deploy each: S3 refuses a
 * replication rule to a bucket that does not exist, MSK refuses multi-VPC connectivity on a cluster being created,
 * and a replicator needs its source cluster to have it (docs/deploy.md "First deploy of an environment").
 * - off: no replication rules, no multi-VPC connectivity, no replicators;
 * - sources: media replication rules, and every cluster ready to be read by other regions' replicators;
 * - on: also the MSK Replicators.
 */
export const CROSS_REGION_REPLICATION = ['off', 'sources', 'on'] as const;

/** AWS Backup Vault Lock modes (AWS Backup Developer Guide, "AWS Backup Vault Lock"). */
export const VAULT_LOCK_MODES = ['compliance', 'governance'] as const;
export type VaultLockMode = (typeof VAULT_LOCK_MODES)[number];
export type CrossRegionReplication = (typeof CROSS_REGION_REPLICATION)[number];

const oneOf = (values: readonly string[], what: string) =>
  z.string().refine((v) => values.includes(v), { error: (i) => `must be ${what} (${values.join(', ')}), got ${JSON.stringify(i.input)}` });

/** One of a few words: `must be "a" or "b"` for two, `must be one of a, b, c` for more. */
const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (i) =>
      `must be ${values.length === 2 ? `"${values[0]}" or "${values[1]}"` : `one of ${values.join(', ')}`}, got ${JSON.stringify(i.input)}`,
  });

/**
 * A map keyed by the names of a catalog (topics, workloads, images, hops, flows); a name the catalog does not have is
 * refused with `unknown`. Typed by the names, so the interfaces below and the schema name the same keys.
 */
const namedRecord = <N extends string, V extends z.ZodType>(names: readonly N[], value: V, unknown: string) =>
  z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!(names as readonly string[]).includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: unknown });
    }
  }) as unknown as z.ZodType<Partial<Record<N, z.output<V>>>, Partial<Record<N, z.input<V>>>>;

const positiveIn = (lo: number, hi: number) =>
  z.number().refine((n) => Number.isFinite(n) && n > lo && n <= hi, { error: (i) => `must be a number > ${lo} and <= ${hi}, got ${String(i.input)}` });

const seconds = intIn(1, 31_536_000);

/** An object of these optional fields, any value: the planners check the values, with messages that say what each means. */
const anyOf = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, z.unknown().optional()])) as Record<K, z.ZodOptional<z.ZodUnknown>>;

const topicSchema = z.strictObject({
  share: positiveIn(0, 1).optional(),
  retentionHours: intIn(1, 8760).optional(),
  replication: choice(REPLICATION_SCOPES).optional(),
});

const workloadSizesSchema = z.strictObject({
  minReplicas: intIn(1, 1000).optional(),
  maxReplicas: intIn(1, MAX_REPLICAS).optional(),
  cpuMillis: intIn(50, 64_000).optional(),
  memoryMiB: intIn(64, 262_144).optional(),
});

/** A map from the names a list knows (hops, flows) to milliseconds; an unknown name is refused with the list. */
const namedMs = <N extends string>(names: readonly N[], what: string) => namedRecord(names, positiveMs, `unknown ${what}; ${what}s are ${names.join(', ')}`);

const waiverSchema = z.strictObject({
  region: regionName,
  flow: z.string().refine((f) => (FLOW_NAMES as readonly string[]).includes(f), { error: (i) => `must be a flow (${FLOW_NAMES.join(', ')}), got ${JSON.stringify(i.input)}` }),
  reason: z
    .string()
    .refine((r) => r.trim().length >= 10, { error: 'must say why the breach is accepted (at least 10 characters): it is printed with every verdict table' }),
});

export const regionSchema = z.strictObject({
  name: regionName,
  azs: z
    .array(z.string())
    .min(MIN_AZS, { error: `must list ${MIN_AZS}..${MAX_AZS} availability zones` })
    .max(MAX_AZS, { error: `must list ${MIN_AZS}..${MAX_AZS} availability zones` })
    .optional(),
  cidr: z.string().optional(),
  latitude: z.number().refine((n) => Number.isFinite(n) && n >= -90 && n <= 90, { error: (i) => `must be a latitude in degrees, -90..90, got ${String(i.input)}` }).optional(),
  longitude: z.number().refine((n) => Number.isFinite(n) && n >= -180 && n <= 180, { error: (i) => `must be a longitude in degrees, -180..180, got ${String(i.input)}` }).optional(),
});

export const environmentSchema = z.strictObject({
  phase: z.union(PHASES.map((p) => z.literal(p)), {
    error: (i) => (i.input === undefined ? 'is required' : `must be one of ${PHASES.join(', ')}, got ${JSON.stringify(i.input)}`),
  }),
  account: z.string().regex(/^\d{12}$/, { error: (i) => `must be a 12-digit AWS account id, got ${JSON.stringify(i.input)}` }),
  domain: z.string().regex(HOSTNAME, { error: (i) => `must be a lower-case DNS name like example.com, got ${JSON.stringify(i.input)}` }),
  owner: z.string().min(1, { error: 'must name the owning team' }),
  costCentre: z.string().min(1, { error: 'must name the cost centre billed' }),
  regions: z
    .array(z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), regionSchema))
    .min(1, { error: 'must list at least one region' }),
  writeRegion: regionName.optional(),
  shards: intIn(1, MAX_SHARDS).optional(),
  sizes: z
    .strictObject({
      network: z
        .strictObject({
          natGateways: choice(NAT_GATEWAYS).optional(),
          flowLogRetentionDays: logRetentionDays.optional(),
        })
        .optional(),
      database: z
        .strictObject({
          instanceClass: z.string().optional(),
          writeRegionReaders: intIn(0, MAX_READERS).optional(),
          readersPerRegion: intIn(1, MAX_READERS).optional(),
          backupRetentionDays: intIn(7, 35).optional(),
          logRetentionDays: logRetentionDays.optional(),
          maxConnections: intIn(100, 5000).optional(),
          proxy: z.boolean({ error: (i) => `must be true or false, got ${JSON.stringify(i.input)}` }).optional(),
          memoryPartitions: intIn(1, MAX_MEMORY_PARTITIONS).optional(),
        })
        .optional(),
      cache: z
        .strictObject({
          nodeType: oneOf(CACHE_NODE_TYPES, 'a Graviton ElastiCache node type').optional(),
          shards: intIn(1, MAX_CACHE_SHARDS).optional(),
          replicasPerShard: intIn(1, MAX_CACHE_REPLICAS).optional(),
          snapshotRetentionDays: intIn(1, 35).optional(),
          logRetentionDays: logRetentionDays.optional(),
        })
        .optional(),
      media: z
        .strictObject({
          replication: choice(REPLICATION_SCOPES).optional(),
          infrequentAccessAfterDays: intIn(30, 3650).optional(),
          noncurrentVersionExpirationDays: intIn(1, 3650).optional(),
          accessLogExpirationDays: intIn(1, 3650).optional(),
        })
        .optional(),
      bus: z
        .strictObject({
          brokerType: oneOf(BROKER_TYPE_NAMES, 'an MSK m7g broker type').optional(),
          brokersPerAz: intIn(1, MAX_BROKERS_PER_AZ).optional(),
          eventsPerSecond: intIn(1, 100_000_000).optional(),
          meanEventBytes: intIn(16, 1_048_576).optional(),
          partitionMBps: positiveIn(0, MAX_PARTITION_MBPS).optional(),
          minPartitions: intIn(1, 1000).optional(),
          logRetentionDays: logRetentionDays.optional(),
          topics: namedRecord(TOPIC_NAMES, topicSchema, `unknown topic; topics are declared in lib/facts/topics.ts: ${TOPIC_NAMES.join(', ')}`).optional(),
        })
        .optional(),
      compute: z
        .strictObject({
          nodeInstanceType: oneOf(NODE_INSTANCE_TYPES, 'a Graviton EC2 instance type').optional(),
          nodesPerAzMin: intIn(0, 100).optional(),
          nodesPerAzMax: intIn(1, MAX_NODES_PER_AZ).optional(),
          nodeDiskGiB: intIn(20, 2000).optional(),
          logRetentionDays: logRetentionDays.optional(),
          workloads: namedRecord(WORKLOADS, workloadSizesSchema, `unknown workload; workloads are declared in lib/facts/workloads.ts: ${WORKLOADS.join(', ')}`).optional(),
        })
        .optional(),
    })
    .optional(),
  compute: z
    .strictObject({
      publicEndpointCidrs: z.array(z.string()).max(40, { error: 'EKS accepts at most 40 public access CIDRs' }).optional(),
      adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { error: (i) => `must be an IAM role ARN like arn:aws:iam::123456789012:role/platform-admin, got ${JSON.stringify(i.input)}` }))
        .optional(),
      images: namedRecord(IMAGE_KEYS, z.string(), `unknown image; images are ${IMAGE_KEYS.join(', ')}`).optional(),
      nodeAmiAlias: z
        .string()
        .regex(NODE_AMI_ALIAS, { error: (i) => `must be an EC2NodeClass AMI alias of Amazon Linux 2023: al2023@latest, or a release like al2023@v20260501, got ${JSON.stringify(i.input)}` })
        .optional(),
    })
    .optional(),
  ingress: z
    .strictObject({
      hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { error: (i) => `must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got ${JSON.stringify(i.input)}` }).optional(),
      certificateArns: z.record(z.string(), z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, { error: (i) => `must be an ACM certificate ARN, got ${JSON.stringify(i.input)}` })).optional(),
      edgeCidrs: z.array(z.string()).min(1, { error: 'must list at least one CIDR (the ALB admits nothing else)' }).optional(),
      rateLimitPer5Minutes: intIn(10, 2_000_000_000).optional(),
      idleTimeoutSeconds: intIn(1, 4000).optional(),
    })
    .optional(),
  crossRegionReplication: choice(CROSS_REGION_REPLICATION).optional(),
  caching: z
    .strictObject({
      l1Seconds: seconds.optional(),
      l2: z
        .strictObject({
          sessionSeconds: seconds.optional(),
          entityListSeconds: seconds.optional(),
          entitySeconds: seconds.optional(),
          presenceSeconds: seconds.optional(),
          memorySeconds: seconds.optional(),
        })
        .optional(),
      l3: z.strictObject({ publicProfileSeconds: seconds.optional(), publicProfileBrowserSeconds: seconds.optional(), staticAssetSeconds: seconds.optional() }).optional(),
    })
    .optional(),
  quotas: z
    .strictObject({
      rdsClustersPerRegion: intIn(1, MAX_QUOTA).optional(),
      rdsInstancesPerRegion: intIn(1, MAX_QUOTA).optional(),
      rdsProxiesPerRegion: intIn(1, MAX_QUOTA).optional(),
    })
    .optional(),
  edge: z
    .strictObject({
      rateLimitsPerMinute: z
        .strictObject(Object.fromEntries(HTTP_SERVICES.map((s) => [s, intIn(1, 1_000_000).optional()])) as Record<HttpService, z.ZodOptional<ReturnType<typeof intIn>>>)
        .optional(),
    })
    .optional(),
  observability: z
    .strictObject({
      notifications: z
        .strictObject({
          emails: z.array(z.string().regex(EMAIL, { error: (i) => `must be an e-mail address like oncall@example.com, got ${JSON.stringify(i.input)}` })).optional(),
          httpsEndpoints: z
            .array(
              z.string().regex(HTTPS_URL, {
                error: (i) => `must be an https:// URL of an on-call service's SNS endpoint (alarms are not sent over plain http), got ${JSON.stringify(i.input)}`,
              }),
            )
            .optional(),
          slackChannels: z
            .array(
              z.strictObject({
                workspaceId: z.string().regex(SLACK_ID, {
                  error: (i) => `must be a Slack workspace id like T0123ABCD, as the AWS Chatbot console shows it once the workspace is authorized, got ${JSON.stringify(i.input)}`,
                }),
                channelId: z.string().regex(SLACK_ID, {
                  error: (i) => `must be a Slack channel id like C0123ABCD, the end of the channel's link, got ${JSON.stringify(i.input)}`,
                }),
              }),
            )
            .optional(),
        })
        .optional(),
      rpoSeconds: intIn(1, 3600).optional(),
    })
    .optional(),
  backup: z
    .strictObject({
      retentionDays: intIn(7, 3650).optional(),
      vaultLock: choice(VAULT_LOCK_MODES).optional(),
      copyAccount: z
        .strictObject({
          account: z.string().regex(/^\d{12}$/, { error: (i) => `must be a 12-digit AWS account id, got ${JSON.stringify(i.input)}` }),
          vaultName: z.string().regex(/^[A-Za-z0-9_-]{2,50}$/, { error: (i) => `must be a backup vault name (2-50 letters, digits, - and _), got ${JSON.stringify(i.input)}` }),
        })
        .optional(),
    })
    .optional(),
  chaos: z
    .strictObject({
      schedule: z
        .strictObject({
          enabled: z.boolean({ error: (i) => `must be true or false, got ${JSON.stringify(i.input)}` }).optional(),
          day: choice(WEEKDAYS).optional(),
          startHourUtc: intIn(0, 23).optional(),
        })
        .optional(),
    })
    .optional(),
  // Values are checked by lib/plan (workloadIssues, capacityIssues) for messages that say what the field means.
  workload: z.strictObject(anyOf(WORKLOAD_FIELDS)).optional(),
  capacity: z
    .strictObject({
      ...anyOf(CAPACITY_NUMBERS),
      requestsPerPod: z.strictObject(anyOf(WORKLOADS)).optional(),
      requestShare: z.strictObject(anyOf(HTTP_SERVICES)).optional(),
      eventsPerConsumerPod: z.strictObject(anyOf(CONSUMERS)).optional(),
    })
    .optional(),
  latencyBudgets: z
    .strictObject({
      hopsMs: namedMs(HOP_NAMES, 'hop').optional(),
      flowTargetsMs: namedMs(FLOW_NAMES, 'flow').optional(),
      interRegionRttMs: z.record(regionName, z.record(regionName, positiveMs)).optional(),
      rttSource: z.string().refine((t) => t.trim().length > 0, { error: 'must name where the round trips come from (a measurement, a published table)' }).optional(),
      waivers: z.array(waiverSchema).optional(),
    })
    .optional(),
});

/**
 * A construct path as the review prints it and templates record it (`aws:cdk:path`): the stage, then construct ids,
 * separated by `/` (`prod-us-east-1/Shards0/shard-0003/Cluster`).
 */
export const CONSTRUCT_PATH = new RegExp(`^${ENV_NAME.source.slice(1, -1)}-${REGION_NAME.source.slice(1, -1)}(/[^/\\s]+)*$`);

const allowanceSchema = z.strictObject({
  path: z.string().regex(CONSTRUCT_PATH, {
    error: (i) =>
      `must be a construct path as \`npm run -s review\` prints it, starting with the stage (prod-us-east-1/Shards0/shard-0003/Cluster), got ${JSON.stringify(i.input)}`,
  }),
  reason: z
    .string()
    .refine((r) => r.trim().length >= 10, { error: 'must say why losing the resource is intended (at least 10 characters): it is printed with every review' }),
});

export const configSchema = z.strictObject({
  environments: z
    .record(z.string(), environmentSchema)
    .refine((envs) => Object.keys(envs).length > 0, { error: 'must define at least one environment' }),
  review: z.strictObject({ allowDestructive: z.array(allowanceSchema).optional() }).optional(),
  pipeline: z
    .strictObject({
      account: z.string().regex(/^\d{12}$/, { error: (i) => `must be the 12-digit id of the tooling account the pipeline runs in, got ${JSON.stringify(i.input)}` }),
      region: regionName,
      repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: (i) => `must be a repository as owner/name, got ${JSON.stringify(i.input)}` }),
      branch: z.string().regex(/^[A-Za-z0-9._\/-]+$/, { error: (i) => `must be a branch name, got ${JSON.stringify(i.input)}` }).optional(),
      connectionArn: z.string().regex(CONNECTION_ARN, {
        error: (i) =>
          `must be the ARN of an AWS CodeConnections connection to the repository's host (arn:aws:codeconnections:<region>:<account>:connection/<id>), got ${JSON.stringify(i.input)}`,
      }),
      weeklyRun: z.strictObject({ day: choice(WEEKDAYS).optional(), hourUtc: intIn(0, 23).optional() }).optional(),
    })
    .optional(),
});

/** A region of an environment: its name alone when the region catalog knows it, or with pinned AZs/CIDR. */
export type RegionInput =
  | string
  | {
      /** AWS region name, e.g. `eu-west-1`. */
      readonly name: string;
      /** Availability zones, 2..4. @default - the region catalog's AZs (required for regions not in the catalog) */
      readonly azs?: readonly string[];
      /** VPC CIDR, an RFC 1918 block /16../20. @default - 10.<catalog slot>.0.0/16, or the lowest free /16 */
      readonly cidr?: string;
      /** Latitude of the region's metro area, degrees (the edge steers users to the nearest region). @default - the region catalog's (required for regions not in the catalog) */
      readonly latitude?: number;
      /** Longitude of the region's metro area, degrees. @default - the region catalog's (required for regions not in the catalog) */
      readonly longitude?: number;
    };

/** One deployment environment (`dev`, `prod`): an account, a domain and a set of regions. */
export interface EnvironmentInput {
  /** Roadmap phase whose preset fills every size not set in `sizes`: 3, 4 or 5. */
  readonly phase: 3 | 4 | 5;
  /** 12-digit AWS account id every stack of the environment deploys to. */
  readonly account: string;
  /** DNS zone of the environment; the ALB of each region is `origin-<region>.<domain>`. */
  readonly domain: string;
  /** Owning team, tagged on every resource as `owner`. */
  readonly owner: string;
  /** Cost centre billed, tagged on every resource as `cost-centre`. */
  readonly costCentre: string;
  /** Regions, in order; the first is the write region unless `writeRegion` says otherwise. */
  readonly regions: readonly RegionInput[];
  /** Region that holds the database writers. @default - the first region */
  readonly writeRegion?: string;
  /** Number of database shards, 1..4096. @default - planned from the workload: write throughput, database size, the seed's floor (10, then 100) */
  readonly shards?: number;
  /** Sizes that override the phase preset and the capacity planner. @default - the phase preset's choices, counts planned from `workload` */
  readonly sizes?: {
    readonly network?: {
      /** NAT gateways per region. @default 'per-az' */
      readonly natGateways?: NatGateways;
      /** VPC flow log retention in days (a CloudWatch Logs retention value). @default - 90 (phase 3), 365 (4, 5) */
      readonly flowLogRetentionDays?: number;
    };
    readonly database?: {
      /** Aurora instance class of writers and readers; Graviton only. @default - db.r7g.large (phase 3), db.r7g.2xlarge (4), db.r7g.4xlarge (5): r7g runs in every catalog region, r8g not yet */
      readonly instanceClass?: string;
      /** Readers per shard in the write region besides the writer, 0..8. @default - planned from the reads and connections, at least 1 (phases 3, 4) or 2 (5) */
      readonly writeRegionReaders?: number;
      /** Readers per shard in every other region, 1..8. @default - planned from the reads and connections, at least 1 (phases 3, 4) or 2 (5) */
      readonly readersPerRegion?: number;
      /** Automated backup retention, 7..35 days. @default - 7 (phase 3), 14 (4), 35 (5) */
      readonly backupRetentionDays?: number;
      /** Retention of the PostgreSQL logs in CloudWatch Logs (a retention value). @default - 30 (phase 3), 90 (4, 5) */
      readonly logRetentionDays?: number;
      /** `max_connections` of every instance, at most what the class holds. @default - 2000 (the seed's), capped by the class */
      readonly maxConnections?: number;
      /** An RDS Proxy per shard in every region. @default true */
      readonly proxy?: boolean;
      /** Hash partitions of `ai_user_memory`, 1..256; cannot change once a shard has data. @default 10 */
      readonly memoryPartitions?: number;
    };
    /** The regional Valkey cluster (ElastiCache, cluster mode). */
    readonly cache?: {
      /** Graviton node type. @default - cache.r7g.large (phase 3), cache.r7g.xlarge (4), cache.r7g.2xlarge (5) */
      readonly nodeType?: string;
      /** Shards (node groups), 1..500. @default - planned from the workload (npm run -s plan): operations and working set */
      readonly shards?: number;
      /** Replicas per shard, 1..5 (automatic failover needs one). @default - 1 (phase 3), 2 (4, 5) */
      readonly replicasPerShard?: number;
      /** Daily snapshots kept, 1..35 days. @default - 7 (phase 3), 14 (4), 35 (5) */
      readonly snapshotRetentionDays?: number;
      /** Retention of the engine and slow logs (a CloudWatch Logs retention value). @default - 30 (phase 3), 90 (4, 5) */
      readonly logRetentionDays?: number;
    };
    /** The regional media bucket (S3). */
    readonly media?: {
      /**
       * Cross-region replication: every region's bucket replicates to every other region's. The first deploy of an
       * environment needs `-c mediaReplication=none` (S3 refuses rules to buckets that do not exist yet). @default 'all-regions'
       */
      readonly replication?: MediaReplication;
      /** Days until objects move to Standard-IA, >= 30. @default 30 */
      readonly infrequentAccessAfterDays?: number;
      /** Days a noncurrent object version is kept. @default 90 */
      readonly noncurrentVersionExpirationDays?: number;
      /** Days server access logs are kept. @default 365 */
      readonly accessLogExpirationDays?: number;
    };
    /** The regional event bus (MSK provisioned). Sizing is checked at synth (lib/plan/bus-sizing.ts). */
    readonly bus?: {
      /** MSK broker type, kafka.m7g.* or express.m7g.*. @default - kafka.m7g.large (phase 3), express.m7g.8xlarge (4), express.m7g.16xlarge (5) */
      readonly brokerType?: string;
      /** Brokers per availability zone, 1..20. @default - planned from the workload (npm run -s plan): ingress, partition replicas, replication factor */
      readonly brokersPerAz?: number;
      /** Peak events per second produced in one region. @default - the workload's eventsPerSecond / the regions */
      readonly eventsPerSecond?: number;
      /** Mean event size on the wire, bytes. @default - the workload's meanEventBytes (1024) */
      readonly meanEventBytes?: number;
      /** Throughput one partition is sized for, MB/s, at most 15. @default 5 */
      readonly partitionMBps?: number;
      /** Fewest partitions per topic. @default 6 */
      readonly minPartitions?: number;
      /** Retention of the broker logs (a CloudWatch Logs retention value). @default - 30 (phase 3), 90 (4, 5) */
      readonly logRetentionDays?: number;
      /** Per topic (user-actions, chat-messages, memory-events, push-notifications): share, retention, replication. */
      readonly topics?: Readonly<Partial<Record<TopicName, { readonly share?: number; readonly retentionHours?: number; readonly replication?: ReplicationScope }>>>;
    };
    /** The EKS cluster of each region: one managed node group per AZ, and the workloads' replicas and requests. */
    readonly compute?: {
      /** Graviton instance type of the nodes. @default - m7g.xlarge (phase 3), m7g.2xlarge (4), m7g.4xlarge (5) */
      readonly nodeInstanceType?: string;
      /** Nodes per AZ at least / at most (the autoscaler moves between them). @default - planned from the workload (npm run -s plan): the pods' requests at the trough / at the peak */
      readonly nodesPerAzMin?: number;
      readonly nodesPerAzMax?: number;
      /** Root volume of each node, GiB. @default 50 */
      readonly nodeDiskGiB?: number;
      /** Retention of the control-plane logs (a CloudWatch Logs retention value). @default - 30 (phase 3), 90 (4, 5) */
      readonly logRetentionDays?: number;
      /** Per workload (gateway, auth, entity, chat, voice, memory): replicas (planned from the workload (npm run -s plan)) and per-pod requests. */
      readonly workloads?: Readonly<Partial<Record<Workload, { readonly minReplicas?: number; readonly maxReplicas?: number; readonly cpuMillis?: number; readonly memoryMiB?: number }>>>;
    };
  };
  /** What runs on EKS. */
  readonly compute?: {
    /**
     * CIDRs allowed to reach each cluster's public API endpoint (at most 40; never 0.0.0.0/0). Empty: the endpoint is
     * private only, and `cdk deploy` applies manifests from a Lambda inside the VPC. @default - private endpoint only
     */
    readonly publicEndpointCidrs?: readonly string[];
    /**
     * IAM roles that administer every cluster of the environment (an EKS access entry with AmazonEKSClusterAdminPolicy
     * each); nobody else, CloudFormation's role included, gets Kubernetes access. @default - none: only the CDK's
     * kubectl provider can reach the clusters
     */
    readonly adminRoleArns?: readonly string[];
    /**
     * Image of each workload (gateway, auth, entity, chat, voice, memory, turn, migrations), with a tag or a digest,
     * never `latest`. A reference without a registry (`gigascale/auth:1.4.2`) is in the region's own ECR.
     * @default - gateway envoyproxy/envoy and turn coturn/coturn at pinned tags; the others `gigascale/<name>:<package version>` in ECR
     */
    readonly images?: Readonly<Partial<Record<ImageKey, string>>>;
    /**
     * AMI of the nodes Karpenter launches, as an EC2NodeClass alias: `al2023@latest` follows AWS's releases (nodes
     * are replaced within the pools' disruption budgets); `al2023@v<yyyymmdd>` holds a release you tested.
     * @default al2023@latest
     */
    readonly nodeAmiAlias?: string;
  };
  /** The ALB of each region (`origin-<region>.<domain>`) and what may reach it. */
  readonly ingress?: {
    /**
     * Route 53 hosted zone of `domain`: the ALB's certificate is DNS-validated in it and `origin-<region>.<domain>`
     * is created there. Without it every region needs a `certificateArns` entry and the record is yours to create.
     */
    readonly hostedZoneId?: string;
    /** ACM certificate ARN per region, for a zone that is not in Route 53 (or a certificate issued elsewhere). */
    readonly certificateArns?: Readonly<Record<string, string>>;
    /** The only sources the ALB admits. @default - Cloudflare's published ranges (lib/facts/cloudflare-ranges.ts) */
    readonly edgeCidrs?: readonly string[];
    /** WAF rate-based rule: requests per client IP (CF-Connecting-IP) per 5 minutes. @default - 2000 (phase 3), 10000 (4, 5) */
    readonly rateLimitPer5Minutes?: number;
    /** ALB idle timeout, seconds; WebSockets close when idle this long. @default 3600 */
    readonly idleTimeoutSeconds?: number;
  };
  /**
   * How much of the configured cross-region replication (media buckets, replicated topics) exists: 'off', 'sources'
   * (replication rules, clusters readable by other regions) or 'on' (also the MSK Replicators). A new environment is
   * deployed off, then sources, then on (`-c replication=...`). Sizes never depend on it. @default 'on'
   */
  readonly crossRegionReplication?: CrossRegionReplication;
  /** Cache lifetimes every service receives (seconds). @default - L1 30, L2 sessions 86400 / entity lists 300 / entities 300 / presence 60 / memory 600, L3 profiles 300 (browser 60) / static assets 1 year */
  readonly caching?: {
    readonly l1Seconds?: number;
    readonly l2?: { readonly sessionSeconds?: number; readonly entityListSeconds?: number; readonly entitySeconds?: number; readonly presenceSeconds?: number; readonly memorySeconds?: number };
    readonly l3?: { readonly publicProfileSeconds?: number; readonly publicProfileBrowserSeconds?: number; readonly staticAssetSeconds?: number };
  };
  /**
   * RDS quotas of the account in each region, when raised above AWS's defaults. Synth fails when the environment
   * needs more than these; raise the quota in Service Quotas first, then declare it here.
   * @default - AWS's defaults: 40 clusters, 40 instances, 20 proxies
   */
  readonly quotas?: {
    /** Amazon RDS "DB clusters" quota per region. @default 40 */
    readonly rdsClustersPerRegion?: number;
    /** Amazon RDS "DB instances" quota per region. @default 40 */
    readonly rdsInstancesPerRegion?: number;
    /** Amazon RDS "Proxies" quota per region. @default 20 */
    readonly rdsProxiesPerRegion?: number;
  };
  /** The Cloudflare edge (edge/): what it admits before a request reaches a region. */
  readonly edge?: {
    /**
     * Requests per minute one client IP may send to each service's paths, counted per Cloudflare data centre; more
     * get 429. Each must be at most the origin's limit (`ingress.rateLimitPer5Minutes` / 5).
     * @default - auth 30, entity 300, chat 300, voice 60, memory 120 (lib/facts/rate-limits.ts)
     */
    readonly rateLimitsPerMinute?: Readonly<Partial<Record<HttpService, number>>>;
  };
  /** Where each region's alarms go, and the replication lag they hold the data tier to (docs/observability.md). */
  readonly observability?: {
    /**
     * Subscriptions of every region's alarm topic. From phase 4 at least one is required: an alarm that reaches nobody
     * protects nothing. @default - none (allowed in phase 3 only)
     */
    readonly notifications?: {
      /** E-mail addresses; each confirms its subscription once, from the message SNS sends it. */
      readonly emails?: readonly string[];
      /** https:// endpoints of an on-call service (PagerDuty, Opsgenie, ...); the URL, with any key in it, is in the templates. */
      readonly httpsEndpoints?: readonly string[];
      /**
       * Slack channels AWS Chatbot posts the alarms to. The workspace must be authorized once per account in the AWS
       * Chatbot console, and the AWS Chatbot app invited to each channel (docs/observability.md).
       */
      readonly slackChannels?: readonly { readonly workspaceId: string; readonly channelId: string }[];
    };
    /** Replication lag the environment accepts, seconds, 1..3600: Aurora global, RPO and replica lag, cache replica lag. @default 5 */
    readonly rpoSeconds?: number;
  };
  /** AWS Backup of the shards and the media buckets into a locked vault in each region (docs/data.md "Backups"). */
  readonly backup?: {
    /** Days every recovery point and copy is kept, 7..3650; also the vault lock's minimum retention. @default 35 */
    readonly retentionDays?: number;
    /**
     * Vault lock mode: `compliance` (immutable after a 3-day grace period: no one, root included, deletes a recovery
     * point early) or `governance` (users with the right IAM permission may). @default - governance (phase 3), compliance (4, 5)
     */
    readonly vaultLock?: VaultLockMode;
    /**
     * A vault in a separate backup account every recovery point is also copied to, in the same region as the
     * cross-region copy (or this region for one-region environments). That account creates the vault and allows this
     * one to copy into it. @default - no copy outside the account
     */
    readonly copyAccount?: { readonly account: string; readonly vaultName: string };
  };
  /** The failure experiments of every region (AWS FIS) and their weekly run (docs/chaos.md). */
  readonly chaos?: {
    /**
     * The weekly window in which EventBridge Scheduler starts every experiment, one region after another (the write
     * region first), one experiment at a time.
     */
    readonly schedule?: {
      /**
       * Whether the schedules start the experiments; off, they exist disabled. @default - true before phase 4, false
       * from phase 4 (production traffic): turn it on once each experiment has been run by hand
       */
      readonly enabled?: boolean;
      /** Day of the week (UTC) the window opens. @default 'TUE' */
      readonly day?: Weekday;
      /** Hour (UTC) the window opens, 0..23. @default 14 */
      readonly startHourUtc?: number;
    };
  };
  /**
   * The workload the environment is sized for (lib/plan/workload.ts): users and their peak load over all regions.
   * `users` alone scales every rate of the phase's preset per user; any other field replaces the scaled figure.
   * Shards, readers, cache shards, brokers, replicas and nodes are planned from it unless `sizes` sets them.
   * @default - the phase's preset: the seed's per-user load at 10M (phase 3), 100M (4) or 1B users (5)
   */
  readonly workload?: Readonly<Partial<WorkloadModel>>;
  /**
   * What one unit carries, replacing the planner's assumptions with measured figures (lib/plan/capacities.ts).
   * @default - DEFAULT_CAPACITIES, and the phase's cache hit ratio (90 %, 95 %, 99 %)
   */
  readonly capacity?: CapacityInput;
  /**
   * The latency model (lib/facts/hops.ts, flows.ts): P95 budgets per hop and targets per flow, merged over the defaults, the round
   * trips between regions, and the flows a region may break. Synth fails when a region breaks a flow's target
   * without a waiver. @default - lib/facts/hops.ts and flows.ts, the default RTT table, no waivers
   */
  readonly latencyBudgets?: {
    /** P95 budget per hop, e.g. `{ gateway: 3 }` (lib/facts/hops.ts lists them). */
    readonly hopsMs?: Readonly<Partial<Record<Hop, number>>>;
    /** P95 target per flow, e.g. `{ 'chat.send': 30 }` (lib/facts/flows.ts lists them). */
    readonly flowTargetsMs?: Readonly<Partial<Record<Flow, number>>>;
    /**
     * Round trips between two of the environment's regions, ms, each pair once in either order, e.g.
     * `{ 'us-east-1': { 'ap-south-1': 190 } }`; merged over the default table (lib/facts/rtt.ts). A figure below the
     * physical floor (great-circle distance at 2/3 of the speed of light, both ways) is refused.
     */
    readonly interRegionRttMs?: Readonly<Record<string, Readonly<Record<string, number>>>>;
    /** Where `interRegionRttMs` comes from; required with it. */
    readonly rttSource?: string;
    /** Flows a region may break, each with the reason, e.g. `{ region: 'ap-southeast-1', flow: 'memory.write', reason: '...' }`. */
    readonly waivers?: readonly { readonly region: string; readonly flow: Flow; readonly reason: string }[];
  };
}

/** The whole of `regions.config.ts`. */
/**
 * A destructive change the review lets through: the replacement or removal of the stateful resources at or below a
 * construct path (lib/review/guard.ts lists what is stateful).
 */
export interface DestructiveAllowance {
  /** Construct path as the review prints it, starting with the stage: a resource, or a construct, stack or stage holding it. */
  readonly path: string;
  /** Why losing the resource is intended; printed with every review. */
  readonly reason: string;
}

export interface GigascaleConfig {
  /** Environments by name (lower-case, at most 10 characters: they prefix every stack name). */
  readonly environments: Readonly<Record<string, EnvironmentInput>>;
  /**
   * The deploy pipeline (CDK Pipelines, docs/pipeline.md): it runs in a tooling account, synthesizes the repository's
   * branch and deploys environment by environment in config order, each write region first, then one region at a
   * time; a probe gate after each region, the change-set review and a manual approval before each production
   * environment (phase 4 and on). @default - no pipeline
   */
  readonly pipeline?: {
    /** 12-digit id of the tooling account the pipeline runs in; every environment's account trusts it (cdk bootstrap --trust). */
    readonly account: string;
    /** Region of the pipeline. */
    readonly region: string;
    /** The repository, `owner/name`, on the host the connection reaches (GitHub, GitLab, Bitbucket). */
    readonly repository: string;
    /** The branch deployed. @default 'main' */
    readonly branch?: string;
    /** ARN of the AWS CodeConnections connection to the repository's host, created and authorized in the tooling account. */
    readonly connectionArn: string;
    /** When the pipeline also runs without a push, so that a change ships at least weekly. @default - Monday 09:00 UTC */
    readonly weeklyRun?: {
      /** Day of the week (UTC). @default 'MON' */
      readonly day?: Weekday;
      /** Hour (UTC), 0..23. @default 9 */
      readonly hourUtc?: number;
    };
  };
  /** What `npm run -s review` and `npm run -s review:changeset` accept. */
  readonly review?: {
    /**
     * Intended replacements or removals of stateful resources. An entry belongs to the change that needs it: the
     * review refuses one that matches nothing, so it goes with the next change. @default - none: every one is refused
     */
    readonly allowDestructive?: readonly DestructiveAllowance[];
  };
}

/*
 * The schema validates and the interfaces above document (an editor shows their comments on every field of a config):
 * the compiler holds the two to the same fields. Every field path of one must be a field path of the other (a name-keyed
 * map counts as its names, `*` for any string), and every value the interfaces allow must be an input the schema
 * takes. A field added to one and not the other fails `tsc` here, listing the paths that differ.
 */
type FieldKeys<T> = string extends keyof T ? '*' : Exclude<keyof T, symbol | number>;
type FieldAt<T, K> = K extends '*' ? T[string & keyof T] : T[K & keyof T];
type FieldPaths<T> = T extends readonly (infer E)[]
  ? FieldPaths<E>
  : T extends object
    ? { [K in FieldKeys<T>]-?: K | `${K}.${FieldPaths<NonNullable<FieldAt<T, K>>>}` }[FieldKeys<T>]
    : never;
type Writable<T> = T extends readonly (infer E)[] ? Writable<E>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type SchemaOnly = Exclude<FieldPaths<z.output<typeof configSchema>>, FieldPaths<GigascaleConfig>>;
type InterfaceOnly = Exclude<FieldPaths<GigascaleConfig>, FieldPaths<z.output<typeof configSchema>>>;
/** Compiles only when no field path is in one of the two and not the other; the error names the paths. */
type NoPaths<Paths extends never> = Paths;
/** Compiles only when every config the interfaces allow is an input the schema takes; the error names the field. */
type SchemaInput<Config extends z.input<typeof configSchema>> = Config;
export type SchemaAndInterfacesAgree = [NoPaths<SchemaOnly | InterfaceOnly>, SchemaInput<Writable<GigascaleConfig>>];
