/**
 * What one unit of each resource carries: the divisors of the capacity planner. Each figure is a stated assumption
 * or has its source next to it (CAPACITY_SOURCES, printed by `npm run -s plan`); an environment may replace any of
 * them (`environments.<env>.capacity`) with its own measurements. MSK's per-broker and per-partition figures live
 * with the broker types (lib/facts/broker-types.ts) and the bus sizes (`partitionMBps`), where the bus check reads them.
 */
import type { Issue } from '../util/errors';
import type { Phase } from '../facts/phases';
import { HTTP_SERVICES, WORKLOADS, type HttpService, type Workload } from '../facts/workloads';
import { CONSUMERS, type Consumer } from '../facts/consumers';

export interface UnitCapacities {
  /** Every planned count is the load times this, over what one unit carries: room for spikes and a lost AZ's share. */
  readonly headroom: number;
  /** Fraction of the services' reads the Valkey cache answers; the rest reach the readers. */
  readonly cacheHitRatio: number;
  /** Committed single-row writes per second one Aurora writer sustains, per vCPU of its class. */
  readonly writesPerWriterVcpu: number;
  /** Indexed point reads per second one Aurora reader sustains, per vCPU of its class. */
  readonly readsPerReaderVcpu: number;
  /** Largest database one shard is planned to hold, TB (Aurora allows 128 TiB). */
  readonly maxShardTB: number;
  /** Connections each database-using pod keeps to each shard (through RDS Proxy). */
  readonly connectionsPerPodPerShard: number;
  /** Requests per second one pod of each workload serves at its CPU request. */
  readonly requestsPerPod: Readonly<Record<Workload, number>>;
  /** Share of the peak requests each service receives; the shares add up to 1 (the gateway sees them all). */
  readonly requestShare: Readonly<Record<HttpService, number>>;
  /** Open WebSocket connections one chat pod holds. */
  readonly socketsPerChatPod: number;
  /** Events per second one pod of each event consumer handles. */
  readonly eventsPerConsumerPod: Readonly<Record<Consumer, number>>;
  /** Fraction of a node's vCPUs and memory left for pods after the kubelet, the OS and the DaemonSets. */
  readonly nodeAllocatableFraction: number;
  /** Load at the daily trough / load at the peak: where the autoscalers' floors sit. */
  readonly troughToPeakRatio: number;
  /** Least ratio of an autoscaler's ceiling to its floor, above 1: room to scale where the planned peak is below the floor. */
  readonly scaleOutRatio: number;
  /** Operations per second one Valkey primary serves, per vCPU of its node type. */
  readonly cacheOpsPerVcpu: number;
  /** Fraction of a cache node's memory for data (ElastiCache reserves 25 % by default: reserved-memory-percent). */
  readonly cacheUsableMemoryFraction: number;
  /** Bytes cached per daily active user (sessions, profiles, recent chats, hot memories). */
  readonly cacheBytesPerDailyActiveUser: number;
}

export const DEFAULT_CAPACITIES: Omit<UnitCapacities, 'cacheHitRatio'> = {
  headroom: 1.3,
  writesPerWriterVcpu: 300,
  readsPerReaderVcpu: 1500,
  maxShardTB: 32,
  connectionsPerPodPerShard: 2,
  requestsPerPod: { gateway: 2500, auth: 500, entity: 700, chat: 700, voice: 300, memory: 300 },
  requestShare: { auth: 0.05, entity: 0.45, chat: 0.25, voice: 0.05, memory: 0.2 },
  socketsPerChatPod: 10_000,
  eventsPerConsumerPod: { memory: 5000, analytics: 5000, push: 5000 },
  nodeAllocatableFraction: 0.85,
  troughToPeakRatio: 0.3,
  scaleOutRatio: 2,
  cacheOpsPerVcpu: 50_000,
  cacheUsableMemoryFraction: 0.75,
  cacheBytesPerDailyActiveUser: 8192,
};

/** The seed's cache hit ratios: 95 % in phase 4, 99 % in phase 5; phase 3 (one region, a cold cache) assumes 90 %. */
export const PHASE_CACHE_HIT_RATIO: Readonly<Record<Phase, number>> = { 3: 0.9, 4: 0.95, 5: 0.99 };

/** Where each figure comes from; the plan CLI prints these under the sizes. */
export const CAPACITY_SOURCES: Readonly<Record<keyof UnitCapacities, string>> = {
  headroom: 'assumption: 30 % above the peak, the margin a region needs to absorb a lost AZ (a third of 3) before it scales',
  cacheHitRatio: 'seed: 95 % (phase 4), 99 % (phase 5); phase 3 assumes 90 %',
  writesPerWriterVcpu:
    'assumption: a commit per write with 2-3 secondary indexes and some pgvector HNSW inserts, at <= 70 % CPU; pgbench simple updates run 5-10x faster',
  readsPerReaderVcpu: 'assumption: primary-key and (user_id, key) lookups served from the buffer cache, at <= 70 % CPU',
  maxShardTB: 'assumption: a quarter of the 128 TiB Aurora allows, so a restore or clone of one shard stays within hours',
  connectionsPerPodPerShard: 'assumption: a pool of 2 per shard per pod, multiplexed by RDS Proxy',
  requestsPerPod: 'assumption: Envoy ~5,000 requests/s per vCPU at its 0.5 vCPU request; Node.js services 300-700 requests/s per event loop (memory and voice call out to OpenAI)',
  requestShare: 'assumption: entity (profiles, businesses, horses) takes most reads; chat most of the rest',
  socketsPerChatPod: 'assumption: ~50 KiB per idle Socket.io connection, 10,000 in a 1 GiB pod, heartbeats within one event loop',
  eventsPerConsumerPod:
    "assumption: one partition's rate, the bus's sizing (5 MB/s of 1 KiB events, ~4,900/s): each pod consumes in batches (memory embeds a batch per OpenAI call and writes rows per shard; analytics aggregates; push sends through APNs' and FCM's HTTP/2 streams)",
  nodeAllocatableFraction: 'assumption: EKS kube-reserved and system-reserved plus the VPC CNI, kube-proxy and CloudWatch agent DaemonSets',
  troughToPeakRatio: 'assumption: a consumer app\'s daily trough at ~30 % of its peak',
  scaleOutRatio:
    'assumption: every autoscaler can at least double its floor, so a spike, or a region taking a failed region\'s users, is served before anyone re-plans; the node pools\' limits still cap the cost',
  cacheOpsPerVcpu:
    'assumption: ~100K GET/SET per second on a 2-vCPU node; Valkey 8 enhanced I/O threads spread larger nodes over their cores (AWS states up to 1M requests/s per node)',
  cacheUsableMemoryFraction: 'AWS ElastiCache default reserved-memory-percent 25',
  cacheBytesPerDailyActiveUser: 'assumption: a session, a profile, recent chat heads and hot memories, ~8 KiB',
};

/** What a config may give: any capacity, and any workload's or service's entry of the two maps. */
export type CapacityInput = Partial<Omit<UnitCapacities, 'requestsPerPod' | 'requestShare' | 'eventsPerConsumerPod'>> & {
  readonly requestsPerPod?: Readonly<Partial<UnitCapacities['requestsPerPod']>>;
  readonly eventsPerConsumerPod?: Readonly<Partial<UnitCapacities['eventsPerConsumerPod']>>;
  readonly requestShare?: Readonly<Partial<UnitCapacities['requestShare']>>;
};

/** The capacities of an environment of `phase`: the defaults, the phase's hit ratio, then the config's values. */
export function resolveCapacities(phase: Phase, given: CapacityInput = {}): UnitCapacities {
  return {
    ...DEFAULT_CAPACITIES,
    cacheHitRatio: PHASE_CACHE_HIT_RATIO[phase],
    ...given,
    requestsPerPod: { ...DEFAULT_CAPACITIES.requestsPerPod, ...given.requestsPerPod },
    requestShare: { ...DEFAULT_CAPACITIES.requestShare, ...given.requestShare },
    eventsPerConsumerPod: { ...DEFAULT_CAPACITIES.eventsPerConsumerPod, ...given.eventsPerConsumerPod },
  };
}

/** The plain-number capacities (the others are maps per workload or service). */
export const CAPACITY_NUMBERS = [
  'headroom',
  'cacheHitRatio',
  'writesPerWriterVcpu',
  'readsPerReaderVcpu',
  'maxShardTB',
  'connectionsPerPodPerShard',
  'socketsPerChatPod',
  'nodeAllocatableFraction',
  'troughToPeakRatio',
  'scaleOutRatio',
  'cacheOpsPerVcpu',
  'cacheUsableMemoryFraction',
  'cacheBytesPerDailyActiveUser',
] as const satisfies readonly (keyof UnitCapacities)[];

const FRACTIONS = ['cacheHitRatio', 'nodeAllocatableFraction', 'troughToPeakRatio', 'cacheUsableMemoryFraction'] as const;

/**
 * Every capacity that cannot divide a load, at `at.<field>`: not a number, zero or negative, a fraction above 1, a
 * headroom below 1, shares that do not add up to 1. Empty when usable. Takes the merged capacities as the config
 * wrote them, so a string where a number belongs is reported, not divided by.
 */
export function capacityIssues(at: string, capacities: Readonly<Record<string, unknown>>): Issue[] {
  const issues: Issue[] = [];
  const check = (path: string, value: unknown, fraction: boolean): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      issues.push({ at: `${at}.${path}`, message: `must be a number above 0, got ${JSON.stringify(value)}` });
    } else if (fraction && value > 1) {
      issues.push({ at: `${at}.${path}`, message: `is a fraction: more than 0 and at most 1, got ${value}` });
    } else if (path === 'headroom' && value < 1) {
      issues.push({ at: `${at}.headroom`, message: `must be at least 1 (1.3 plans 30 % above the peak), got ${value}` });
    } else if (path === 'scaleOutRatio' && value <= 1) {
      issues.push({ at: `${at}.scaleOutRatio`, message: `must be above 1, or an autoscaler's ceiling may equal its floor (2 lets every workload double), got ${value}` });
    }
  };
  for (const field of CAPACITY_NUMBERS) check(field, capacities[field], (FRACTIONS as readonly string[]).includes(field));
  const perPod = (capacities.requestsPerPod ?? {}) as Record<string, unknown>;
  for (const w of WORKLOADS) check(`requestsPerPod.${w}`, perPod[w], false);
  const perConsumer = (capacities.eventsPerConsumerPod ?? {}) as Record<string, unknown>;
  for (const c of CONSUMERS) check(`eventsPerConsumerPod.${c}`, perConsumer[c], false);
  const shares = (capacities.requestShare ?? {}) as Record<string, unknown>;
  let sum = 0;
  for (const s of HTTP_SERVICES) {
    const share = shares[s];
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      issues.push({ at: `${at}.requestShare.${s}`, message: `must be a fraction in 0..1, got ${JSON.stringify(share)}` });
    } else sum += share;
  }
  if (issues.every((i) => !i.at.startsWith(`${at}.requestShare`)) && Math.abs(sum - 1) > 1e-6) {
    issues.push({ at: `${at}.requestShare`, message: `the services' shares of the requests must add up to 1, got ${Math.round(sum * 1e6) / 1e6}` });
  }
  return issues;
}
