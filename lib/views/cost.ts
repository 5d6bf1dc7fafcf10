/**
 * The monthly cost of an environment as planned: every region's instances, storage and traffic at on-demand list
 * prices (lib/facts/prices.ts), per AWS service, with the arithmetic of each line. Pure: it reads the resolved
 * plan (the sizes the stacks deploy) and its workload.
 *
 * Usage-priced items (I/O, traffic, LCUs, data written) are taken at the day's mean load, the midpoint of the peak
 * and the trough (`troughToPeakRatio`); nodes at the midpoint of the node groups' floor and ceiling, or, for the range
 * (`fleet`), all month at the floor or at the ceiling: what the autoscalers can spend at least and at most. Not priced:
 * the Cloudflare edge (contract pricing), CloudWatch, Secrets Manager, KMS, ECR, S3 requests, NAT data processing,
 * backups beyond the free allowance, and reserved or savings-plan discounts (list prices only).
 */
import type { EnvironmentPlan, RegionPlan } from '../plan/plan';
import { rdsNeeds } from '../plan/quota';
import { clusterTopicMBps } from '../plan/bus-sizing';
import { vcpusOfSize } from '../facts/instance-sizes';
import {
  ALB_PER_HOUR,
  ALB_PER_LCU_HOUR,
  AURORA_IO_PER_MILLION,
  AURORA_PER_HOUR,
  AURORA_REPLICATED_WRITE_IO_PER_MILLION,
  AURORA_STORAGE_PER_GB_MONTH,
  EC2_PER_HOUR,
  EKS_CLUSTER_PER_HOUR,
  HOURS_PER_MONTH,
  INTER_REGION_PER_GB,
  INTERNET_OUT_TIERS,
  LCU,
  MSK_BROKER_PER_HOUR,
  MSK_EXPRESS_DATA_IN_PER_GB,
  MSK_REPLICATOR_PER_GB,
  MSK_REPLICATOR_PER_HOUR,
  MSK_STORAGE_PER_GB_MONTH,
  NAT_PER_HOUR,
  RDS_PROXY_PER_VCPU_HOUR,
  REGION_MULTIPLIERS,
  S3_STANDARD_IA_PER_GB_MONTH,
  S3_STANDARD_TIERS,
  SECONDS_PER_MONTH,
  tiered,
  UNLISTED_REGION_MULTIPLIER,
  VALKEY_PER_HOUR,
} from '../facts/prices';

export const COST_SERVICES = ['eks', 'aurora', 'elasticache', 'msk', 's3', 'network'] as const;
export type CostService = (typeof COST_SERVICES)[number];

export interface CostLine {
  readonly region: string;
  readonly service: CostService;
  readonly item: string;
  /** USD per month; 0 when the table has no price for the item (listed in `unpriced`). */
  readonly monthlyUsd: number;
  readonly arithmetic: string;
}

/** The seed's cost table by users, USD per month (1B: $50M-200M a year). */
export const SEED_COST_BANDS: readonly { readonly users: number; readonly lowUsd: number; readonly highUsd: number }[] = [
  { users: 1_000_000, lowUsd: 10_000, highUsd: 50_000 },
  { users: 10_000_000, lowUsd: 100_000, highUsd: 500_000 },
  { users: 100_000_000, lowUsd: 1_000_000, highUsd: 5_000_000 },
  { users: 1_000_000_000, lowUsd: 50_000_000 / 12, highUsd: 200_000_000 / 12 },
];

export interface SeedBand {
  /** The seed row nearest the user count (on a log scale). */
  readonly users: number;
  readonly lowUsd: number;
  readonly highUsd: number;
  /** The row's band per user per month. */
  readonly lowUsdPerUser: number;
  readonly highUsdPerUser: number;
}

export interface CostEstimate {
  readonly env: string;
  readonly users: number;
  readonly lines: readonly CostLine[];
  /** Monthly USD per region, in plan order. */
  readonly byRegion: Readonly<Record<string, number>>;
  readonly byService: Readonly<Record<CostService, number>>;
  readonly monthlyUsd: number;
  /** `monthlyUsd / users` (users are monthly active). */
  readonly usdPerMau: number;
  readonly seedBand: SeedBand;
  /** Items without a price in the table (their lines count 0), and regions priced at the unlisted multiplier. */
  readonly unpriced: readonly string[];
}

export function seedBandFor(users: number): SeedBand {
  const row = SEED_COST_BANDS.reduce((best, b) => (Math.abs(Math.log10(b.users / users)) < Math.abs(Math.log10(best.users / users)) ? b : best));
  return { ...row, lowUsdPerUser: row.lowUsd / row.users, highUsdPerUser: row.highUsd / row.users };
}

const usd = (n: number): string => `$${n.toLocaleString('en-US', { maximumFractionDigits: n < 1 ? 4 : n < 100 ? 2 : 0 })}`;
const num = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const cents = (n: number): number => Math.round(n * 100) / 100;

/**
 * Where the elastic tier (the nodes) is priced: `mean` at the midpoint of its floor and ceiling, the single figure the
 * reports give; `min` all month at the floor; `max` all month at the ceiling. Everything else does not scale.
 */
export type Fleet = 'mean' | 'min' | 'max';

/** Monthly USD of an environment with the nodes at their floor and at their ceiling, beside the mean figure. */
export interface CostRange {
  readonly minUsd: number;
  readonly meanUsd: number;
  readonly maxUsd: number;
  /** Per region, in plan order. */
  readonly byRegion: Readonly<Record<string, { readonly minUsd: number; readonly meanUsd: number; readonly maxUsd: number }>>;
}

export function costRange(env: EnvironmentPlan, mean: CostEstimate = estimateCost(env)): CostRange {
  const min = estimateCost(env, 'min');
  const max = estimateCost(env, 'max');
  return {
    minUsd: min.monthlyUsd,
    meanUsd: mean.monthlyUsd,
    maxUsd: max.monthlyUsd,
    byRegion: Object.fromEntries(env.regions.map((r) => [r.name, { minUsd: min.byRegion[r.name], meanUsd: mean.byRegion[r.name], maxUsd: max.byRegion[r.name] }])),
  };
}

export function estimateCost(env: EnvironmentPlan, fleet: Fleet = 'mean'): CostEstimate {
  const w = env.workload;
  const n = env.regions.length;
  const meanLoad = (1 + env.capacities.troughToPeakRatio) / 2;
  const lines: CostLine[] = [];
  const unpriced = new Set<string>();

  for (const region of env.regions) {
    const listed = REGION_MULTIPLIERS[region.name];
    if (listed === undefined) unpriced.add(`${region.name} (priced x${UNLISTED_REGION_MULTIPLIER}, the dearest listed region)`);
    const m = listed ?? UNLISTED_REGION_MULTIPLIER;
    const mult = m === 1 ? '' : ` x ${m} (${region.name})`;
    const add = (service: CostService, item: string, monthlyUsd: number, arithmetic: string): void => {
      lines.push({ region: region.name, service, item, monthlyUsd: cents(monthlyUsd * m), arithmetic: `${arithmetic}${mult}` });
    };
    const hourly = (table: Readonly<Record<string, number>>, type: string): number => {
      const price = table[type];
      if (price === undefined) unpriced.add(type);
      return price ?? 0;
    };

    // EKS: the control plane, and the nodes (by default at the midpoint of their floor and ceiling).
    add('eks', 'control plane', EKS_CLUSTER_PER_HOUR * HOURS_PER_MONTH, `${usd(EKS_CLUSTER_PER_HOUR)}/h x ${HOURS_PER_MONTH} h`);
    const { nodesPerAzMin: lo, nodesPerAzMax: hi } = env.compute;
    const perAz = fleet === 'min' ? lo : fleet === 'max' ? hi : (lo + hi) / 2;
    const nodes = region.azs.length * perAz;
    const nodePrice = hourly(EC2_PER_HOUR, env.compute.nodeInstanceType);
    const perAzText = fleet === 'mean' ? `mean of ${lo}..${hi}` : `${perAz}, the ${fleet === 'min' ? 'floor' : 'ceiling'}`;
    add('eks', `nodes (${env.compute.nodeInstanceType})`, nodes * nodePrice * HOURS_PER_MONTH, `${num(nodes)} nodes (${region.azs.length} AZs x ${perAzText}) x ${usd(nodePrice)}/h x ${HOURS_PER_MONTH} h`);

    // Aurora: the region's instances, a copy of the data, the writes' I/O (replicated I/O outside the write region).
    const instances = rdsNeeds({ shards: env.shards, ...env.database }, region.isWriteRegion).instances;
    const dbPrice = hourly(AURORA_PER_HOUR, env.database.instanceClass);
    add('aurora', `instances (${env.database.instanceClass})`, instances * dbPrice * HOURS_PER_MONTH, `${instances} instances x ${usd(dbPrice)}/h x ${HOURS_PER_MONTH} h`);
    add('aurora', 'storage', w.databaseTB * 1000 * AURORA_STORAGE_PER_GB_MONTH, `${num(w.databaseTB)} TB x 1000 x ${usd(AURORA_STORAGE_PER_GB_MONTH)}/GB-month`);
    const ioMillions = (w.dbWritesPerSecond * meanLoad * SECONDS_PER_MONTH) / 1e6;
    const ioPrice = region.isWriteRegion ? AURORA_IO_PER_MILLION : AURORA_REPLICATED_WRITE_IO_PER_MILLION;
    add('aurora', region.isWriteRegion ? 'write I/O' : 'replicated write I/O', ioMillions * ioPrice, `${num(w.dbWritesPerSecond)} writes/s x ${meanLoad} mean load x ${num(SECONDS_PER_MONTH)} s / 1M x ${usd(ioPrice)} (one I/O per write, assumption)`);
    if (env.database.proxy) {
      const vcpus = instances * vcpusOfSize(env.database.instanceClass);
      add('aurora', 'RDS Proxy', vcpus * RDS_PROXY_PER_VCPU_HOUR * HOURS_PER_MONTH, `${vcpus} vCPUs behind ${env.shards} proxies x ${usd(RDS_PROXY_PER_VCPU_HOUR)}/vCPU-h x ${HOURS_PER_MONTH} h`);
    }

    // ElastiCache: every node of the cluster.
    const cacheNodes = env.cache.shards * (1 + env.cache.replicasPerShard);
    const cachePrice = hourly(VALKEY_PER_HOUR, env.cache.nodeType);
    add('elasticache', `nodes (${env.cache.nodeType})`, cacheNodes * cachePrice * HOURS_PER_MONTH, `${env.cache.shards} shards x ${1 + env.cache.replicasPerShard} nodes x ${usd(cachePrice)}/h x ${HOURS_PER_MONTH} h`);

    busCost(env, region, meanLoad, hourly, add);
    mediaCost(env, add);

    // Network: the ALB's hours and LCUs, NAT gateways' hours, responses to the internet.
    const rps = (w.peakRequestsPerSecond * meanLoad) / n;
    const gbPerHour = (rps * w.meanResponseBytes * 3600) / 1e9;
    const lcus = Math.max(rps / LCU.ruleEvaluationsPerSecond, w.concurrentSockets / n / LCU.activeConnectionsPerMinute, gbPerHour / LCU.processedGBPerHour);
    add('network', 'load balancer', (ALB_PER_HOUR + lcus * ALB_PER_LCU_HOUR) * HOURS_PER_MONTH, `(${usd(ALB_PER_HOUR)} + ${num(lcus)} LCU x ${usd(ALB_PER_LCU_HOUR)})/h x ${HOURS_PER_MONTH} h (LCU: the most of rules, connections, GB/h)`);
    const nats = env.network.natGateways === 'one' ? 1 : region.azs.length;
    add('network', 'NAT gateways', nats * NAT_PER_HOUR * HOURS_PER_MONTH, `${nats} x ${usd(NAT_PER_HOUR)}/h x ${HOURS_PER_MONTH} h`);
    const outGB = (rps * w.meanResponseBytes * SECONDS_PER_MONTH) / 1e9;
    add('network', 'data out to the internet', tiered(INTERNET_OUT_TIERS, outGB), `${num(outGB)} GB (${num(rps)} requests/s x ${w.meanResponseBytes} B), tiered $0.09..0.05/GB`);
  }

  const sum = (xs: readonly CostLine[]): number => cents(xs.reduce((s, l) => s + l.monthlyUsd, 0));
  const monthlyUsd = sum(lines);
  return {
    env: env.name,
    users: w.users,
    lines,
    byRegion: Object.fromEntries(env.regions.map((r) => [r.name, sum(lines.filter((l) => l.region === r.name))])),
    byService: Object.fromEntries(COST_SERVICES.map((s) => [s, sum(lines.filter((l) => l.service === s))])) as Record<CostService, number>,
    monthlyUsd,
    usdPerMau: monthlyUsd / w.users,
    seedBand: seedBandFor(w.users),
    unpriced: [...unpriced].sort(),
  };
}

type Add = (service: CostService, item: string, monthlyUsd: number, arithmetic: string) => void;

/** MSK: brokers, their storage (Standard: the EBS volumes; Express: the retained bytes), data in, replicators. */
function busCost(env: EnvironmentPlan, region: RegionPlan, meanLoad: number, hourly: (t: Readonly<Record<string, number>>, type: string) => number, add: Add): void {
  const bus = region.bus;
  const price = hourly(MSK_BROKER_PER_HOUR, env.bus.brokerType);
  add('msk', `brokers (${env.bus.brokerType})`, bus.brokers * price * HOURS_PER_MONTH, `${bus.brokers} brokers x ${usd(price)}/h x ${HOURS_PER_MONTH} h`);
  if (bus.storageGiBPerBroker !== null) {
    const gb = (bus.brokers * bus.storageGiBPerBroker * 2 ** 30) / 1e9;
    add('msk', 'broker storage', gb * MSK_STORAGE_PER_GB_MONTH, `${bus.brokers} x ${bus.storageGiBPerBroker} GiB = ${num(gb)} GB x ${usd(MSK_STORAGE_PER_GB_MONTH)}/GB-month`);
  } else {
    const n = env.regions.length;
    const retainedGB = env.bus.topics.reduce((s, t) => s + (clusterTopicMBps(t, n) * meanLoad * t.retentionHours * 3600) / 1000, 0);
    add('msk', 'storage', retainedGB * MSK_STORAGE_PER_GB_MONTH, `${num(retainedGB)} GB retained (each topic's MB/s x ${meanLoad} mean load x its retention) x ${usd(MSK_STORAGE_PER_GB_MONTH)}/GB-month`);
    const inGB = (bus.ingressMBps * meanLoad * SECONDS_PER_MONTH) / 1000;
    add('msk', 'data written', inGB * MSK_EXPRESS_DATA_IN_PER_GB, `${num(bus.ingressMBps)} MB/s x ${meanLoad} mean load x ${num(SECONDS_PER_MONTH)} s = ${num(inGB)} GB x ${usd(MSK_EXPRESS_DATA_IN_PER_GB)}/GB`);
  }
  if (bus.replicationSources.length > 0) {
    const replicatedMBps = env.bus.topics.filter((t) => t.replication === 'all-regions').reduce((s, t) => s + t.mbPerSecond, 0) * bus.replicationSources.length;
    const gb = (replicatedMBps * meanLoad * SECONDS_PER_MONTH) / 1000;
    const k = bus.replicationSources.length;
    add('msk', 'replicators', k * MSK_REPLICATOR_PER_HOUR * HOURS_PER_MONTH + gb * (MSK_REPLICATOR_PER_GB + INTER_REGION_PER_GB), `${k} x ${usd(MSK_REPLICATOR_PER_HOUR)}/h x ${HOURS_PER_MONTH} h + ${num(gb)} GB replicated in x (${usd(MSK_REPLICATOR_PER_GB)} + ${usd(INTER_REGION_PER_GB)} inter-region)/GB`);
  }
}

/**
 * S3: a full copy of the media in every region when replicated (else the region's share), older objects in
 * Standard-IA, the month's new objects in Standard, and the replication traffic out of the region.
 */
function mediaCost(env: EnvironmentPlan, add: Add): void {
  const w = env.workload;
  const n = env.regions.length;
  const copies = env.media.replication === 'all-regions' ? 1 : 1 / n;
  const iaGB = w.mediaStorageTB * 1000 * copies;
  const newGB = w.mediaGrowthTBPerMonth * 1000 * copies;
  add('s3', 'media storage', iaGB * S3_STANDARD_IA_PER_GB_MONTH + tiered(S3_STANDARD_TIERS, newGB), `${num(iaGB)} GB in Standard-IA x ${usd(S3_STANDARD_IA_PER_GB_MONTH)} + ${num(newGB)} GB new this month in Standard (tiered $0.023..0.021)${copies === 1 && n > 1 ? ', a full copy per region' : ''}`);
  if (env.media.replication === 'all-regions' && n > 1) {
    const outGB = ((w.mediaGrowthTBPerMonth * 1000) / n) * (n - 1);
    add('s3', 'replication out', outGB * INTER_REGION_PER_GB, `this region's ${num((w.mediaGrowthTBPerMonth * 1000) / n)} GB of new media x ${n - 1} other regions x ${usd(INTER_REGION_PER_GB)}/GB`);
  }
}
