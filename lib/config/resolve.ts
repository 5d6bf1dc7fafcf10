/**
 * config (+ overrides) -> validated, defaulted, frozen plan. The only way from `regions.config.ts` to resources.
 */
import { GigascaleError } from '../errors';
import { catalogRegion } from '../regions';
import { assignCidrs, formatCidr, parseCidr, type Cidr } from '../net/cidr';
import { privateSubnetCidrs, subnetLayout } from '../net/subnets';
import { AURORA_POSTGRES_VERSION } from '../data/aurora';
import { maxConnectionsLimit } from '../data/instance-classes';
import { DEFAULT_RDS_QUOTAS, quotaIssues } from '../data/quota';
import { applyOverrides, parseOverrides } from './overrides';
import { CACHE_ENGINE, CACHE_ENGINE_VERSION, CACHE_PARAMETER_FAMILY } from '../cache/valkey';
import { DEFAULT_CACHE_TTLS } from '../cache/tiers';
import { BROKER_TYPES, KAFKA_VERSION } from '../bus/broker-types';
import { busIssues, busTopics, regionBus, type BusSizes } from '../bus/sizing';
import { TOPIC_NAMES } from '../bus/topics';
import { PHASE_PRESETS, SEED_MAX_CONNECTIONS } from './phases';
import { DEFAULT_HOP_BUDGETS_MS, type Hop } from '../latency/hops';
import { DEFAULT_FLOW_TARGETS_MS, type Flow } from '../latency/flows';
import { DEFAULT_RTT_MS, estimateRatio, pairKey, rttEstimateMs } from '../latency/rtt';
import type { ComputePlan, EnvironmentPlan, IngressPlan, LatencyBudgets, Plan, RegionPlan } from './plan';
import { KUBERNETES_VERSION } from '../compute/kubernetes';
import { defaultImages } from '../compute/images';
import { WORKLOADS, type Workload } from '../compute/workloads';
import { CLOUDFLARE_IPV4, CLOUDFLARE_IPV6 } from '../compute/cloudflare-ranges';
import { DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE } from '../edge/rate-limits';
import type { WorkloadSizes } from './phases';
import { version } from '../../package.json';
import type { EnvironmentInput, GigascaleConfig } from './schema';
import { validateConfig } from './validate';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const sortedRecord = (r: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

/** Coordinates of a catalog region (the default RTT table's regions all are). */
const catalogLocation = (region: string) => catalogRegion(region)!;
const RTT_ESTIMATE_RATIO = estimateRatio(catalogLocation);

/**
 * Hop budgets and flow targets over the defaults; the round trip from each region to the write region from the
 * config's table, else the published one, else estimated from the distance; waivers sorted.
 */
function resolveLatencyBudgets(env: EnvironmentInput, regions: readonly RegionPlan[], writeRegion: string): LatencyBudgets {
  const budgets = env.latencyBudgets;
  const given = new Map<string, number>();
  for (const [a, row] of Object.entries(budgets?.interRegionRttMs ?? {})) {
    for (const [b, ms] of Object.entries(row)) given.set(pairKey(a, b), ms);
  }
  const writer = regions.find((r) => r.name === writeRegion)!;
  const rttToWriteRegion = Object.fromEntries(
    [...regions]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((region) => {
        const key = pairKey(region.name, writeRegion);
        const configured = given.get(key);
        const published = DEFAULT_RTT_MS.get(key);
        if (region.name === writeRegion) return [region.name, { ms: 0, basis: 'write region' as const }];
        if (configured !== undefined) return [region.name, { ms: configured, basis: 'config' as const }];
        if (published !== undefined) return [region.name, { ms: published, basis: 'published' as const }];
        return [region.name, { ms: rttEstimateMs(region, writer, RTT_ESTIMATE_RATIO), basis: 'estimated' as const }];
      }),
  );
  return {
    hopsMs: sortedRecord({ ...DEFAULT_HOP_BUDGETS_MS, ...budgets?.hopsMs }) as Record<Hop, number>,
    flowTargetsMs: sortedRecord({ ...DEFAULT_FLOW_TARGETS_MS, ...budgets?.flowTargetsMs }) as Record<Flow, number>,
    rttToWriteRegion,
    rttSource: budgets?.rttSource?.trim() ?? null,
    waivers: [...(budgets?.waivers ?? [])]
      .map((w) => ({ region: w.region, flow: w.flow, reason: w.reason.trim() }))
      .sort((x, y) => x.region.localeCompare(y.region) || x.flow.localeCompare(y.flow)),
  };
}

function resolveEnvironment(name: string, env: EnvironmentInput): EnvironmentPlan {
  const preset = PHASE_PRESETS[env.phase];
  const regions = env.regions.map((r) => (typeof r === 'string' ? { name: r } : r));
  const writeRegion = env.writeRegion ?? regions[0].name;
  const cidrs = assignCidrs(
    regions.map((r) => ({
      region: r.name,
      given: r.cidr === undefined ? undefined : (parseCidr(r.cidr) as Cidr),
      slot: catalogRegion(r.name)?.slot,
    })),
  );
  const busSizes = resolveBusSizes(env);
  const replication = env.crossRegionReplication ?? 'on';
  const regionShapes = regions.map((r) => ({ name: r.name, azs: [...(r.azs ?? catalogRegion(r.name)!.azs)] }));
  const regionPlans: RegionPlan[] = regions.map((r, i) => {
    const azs = regionShapes[i].azs;
    return {
      name: r.name,
      azs,
      cidr: formatCidr(cidrs[i]),
      subnets: subnetLayout(cidrs[i].prefix, azs.length),
      computeCidrs: privateSubnetCidrs(cidrs[i], azs.length).map(formatCidr),
      isWriteRegion: r.name === writeRegion,
      latitude: r.latitude ?? catalogRegion(r.name)!.latitude,
      longitude: r.longitude ?? catalogRegion(r.name)!.longitude,
      bus: regionBus(busSizes, regionShapes[i], regionShapes, replication),
    };
  });
  const { maxConnections, ...databaseSizes } = env.sizes?.database ?? {};
  const database = { ...preset.database, ...databaseSizes };
  return {
    name,
    phase: env.phase,
    account: env.account,
    domain: env.domain,
    owner: env.owner,
    costCentre: env.costCentre,
    writeRegion,
    shards: env.shards ?? preset.shards,
    network: { ...preset.network, ...env.sizes?.network },
    database: {
      ...database,
      engineVersion: AURORA_POSTGRES_VERSION,
      maxConnections: maxConnections ?? Math.min(SEED_MAX_CONNECTIONS, maxConnectionsLimit(database.instanceClass)),
    },
    cache: {
      ...preset.cache,
      ...env.sizes?.cache,
      engine: CACHE_ENGINE,
      engineVersion: CACHE_ENGINE_VERSION,
      parameterGroupFamily: CACHE_PARAMETER_FAMILY,
    },
    media: {
      ...preset.media,
      ...env.sizes?.media,
      ...(replication !== 'off' && regions.length > 1 ? {} : { replication: 'none' as const }),
    },
    crossRegionReplication: replication,
    bus: {
      ...busSizes,
      express: BROKER_TYPES[busSizes.brokerType].express,
      kafkaVersion: BROKER_TYPES[busSizes.brokerType].express ? KAFKA_VERSION.express : KAFKA_VERSION.standard,
      topics: busTopics(busSizes, regions.length),
    },
    caching: {
      l1Seconds: env.caching?.l1Seconds ?? DEFAULT_CACHE_TTLS.l1Seconds,
      l2: { ...DEFAULT_CACHE_TTLS.l2, ...env.caching?.l2 },
      l3: { ...DEFAULT_CACHE_TTLS.l3, ...env.caching?.l3 },
    },
    quotas: {
      clustersPerRegion: env.quotas?.rdsClustersPerRegion ?? DEFAULT_RDS_QUOTAS.clustersPerRegion,
      instancesPerRegion: env.quotas?.rdsInstancesPerRegion ?? DEFAULT_RDS_QUOTAS.instancesPerRegion,
      proxiesPerRegion: env.quotas?.rdsProxiesPerRegion ?? DEFAULT_RDS_QUOTAS.proxiesPerRegion,
    },
    latencyBudgets: resolveLatencyBudgets(env, regionPlans, writeRegion),
    compute: resolveCompute(env),
    ingress: resolveIngress(env),
    edge: {
      rateLimitsPerMinute: { ...DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE, ...env.edge?.rateLimitsPerMinute },
      originTokenGeneration: env.edge?.originTokenGeneration ?? 1,
    },
    regions: regionPlans,
  };
}

function resolveCompute(env: EnvironmentInput): ComputePlan {
  const preset = PHASE_PRESETS[env.phase].compute;
  const { workloads, ...given } = env.sizes?.compute ?? {};
  return {
    ...preset,
    ...given,
    workloads: Object.fromEntries(WORKLOADS.map((w) => [w, { ...preset.workloads[w], ...workloads?.[w] }])) as Record<Workload, WorkloadSizes>,
    kubernetesVersion: KUBERNETES_VERSION,
    publicEndpointCidrs: [...(env.compute?.publicEndpointCidrs ?? [])].sort(),
    adminRoleArns: [...new Set(env.compute?.adminRoleArns ?? [])].sort(),
    images: { ...defaultImages(version), ...env.compute?.images },
  };
}

function resolveIngress(env: EnvironmentInput): IngressPlan {
  const edge = env.ingress?.edgeCidrs;
  return {
    hostedZoneId: env.ingress?.hostedZoneId ?? null,
    certificateArns: Object.fromEntries(Object.entries(env.ingress?.certificateArns ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    edgeIpv4Cidrs: edge ? edge.filter((c) => !c.includes(':')).sort() : [...CLOUDFLARE_IPV4],
    edgeIpv6Cidrs: edge ? edge.filter((c) => c.includes(':')).sort() : [...CLOUDFLARE_IPV6],
    rateLimitPer5Minutes: env.ingress?.rateLimitPer5Minutes ?? PHASE_PRESETS[env.phase].rateLimitPer5Minutes,
    idleTimeoutSeconds: env.ingress?.idleTimeoutSeconds ?? 3600,
  };
}

/** The phase's bus sizes with the environment's overrides; topic settings merge per topic. */
function resolveBusSizes(env: EnvironmentInput): BusSizes {
  const preset = PHASE_PRESETS[env.phase].bus;
  const { topics, ...given } = env.sizes?.bus ?? {};
  return {
    ...preset,
    ...given,
    topics: Object.fromEntries(TOPIC_NAMES.map((t) => [t, { ...preset.topics[t], ...topics?.[t] }])) as BusSizes['topics'],
  };
}

/**
 * Validates the config and the context overrides (`-c env=... -c regions=... -c shards=...`) and resolves them
 * into a frozen plan. Throws one GigascaleError listing every problem of the file and the flags; nothing else
 * happens before the plan exists.
 */
export function resolvePlan(config: unknown, context: Readonly<Record<string, unknown>> = {}): Plan {
  const parsed = parseOverrides(context);
  // The file is validated as written first, so the paths in its messages point into the file.
  const fileIssues = validateConfig(config);
  if (fileIssues.length > 0) throw new GigascaleError('Invalid config', [...parsed.issues, ...fileIssues]);
  const applied = applyOverrides(config as GigascaleConfig, parsed.overrides);
  const flagIssues = [...parsed.issues, ...applied.issues];
  if (flagIssues.length > 0) throw new GigascaleError('Invalid context override', flagIssues);
  const issues = validateConfig(applied.config);
  if (issues.length > 0) throw new GigascaleError('Invalid config after context overrides', issues);
  const inputs = Object.entries(applied.config.environments);
  const environments = inputs.map(([name, env]) => resolveEnvironment(name, env));
  const quota = environments.flatMap((e) => quotaIssues(e.name, { shards: e.shards, ...e.database }, e.regions, e.quotas));
  if (quota.length > 0) throw new GigascaleError('Quota preflight failed', quota);
  const bus = inputs.flatMap(([name, env], i) => busIssues(name, resolveBusSizes(env), environments[i].regions));
  if (bus.length > 0) throw new GigascaleError('Event bus sizing failed', bus);
  return deepFreeze({ environments });
}
