/**
 * config (+ overrides) -> validated, defaulted, frozen plan. The only way from `regions.config.ts` to resources.
 */
import { GigascaleError } from '../util/errors';
import { catalogRegion } from '../facts/regions';
import { assignCidrs, formatCidr, parseCidr, type Cidr } from './cidr';
import { privateSubnetCidrs, subnetLayout } from './subnets';
import { AURORA_POSTGRES_VERSION } from '../facts/aurora';
import { maxConnectionsLimit } from '../facts/instance-classes';
import { DEFAULT_RDS_QUOTAS, quotaIssues } from './quota';
import { applyOverrides, parseOverrides } from './overrides';
import { CACHE_ENGINE, CACHE_ENGINE_VERSION, CACHE_PARAMETER_FAMILY } from '../facts/valkey';
import { DEFAULT_CACHE_TTLS } from '../facts/cache-tiers';
import { BROKER_TYPES, KAFKA_VERSION } from '../facts/broker-types';
import { busIssues, busTopics, regionBus } from './bus-sizing';
import { TOPIC_NAMES } from '../facts/topics';
import { PHASE_PRESETS, SEED_MAX_CONNECTIONS, servesProductionTraffic, type BusSizes, type WorkloadSizes } from '../facts/phases';
import { DEFAULT_HOP_BUDGETS_MS, type Hop } from '../facts/hops';
import { probeBudgetsMs } from '../facts/probe-checks';
import { MIGRATION_SHARDS_PER_GROUP, shardGroups } from '../facts/shard-groups';
import { DEFAULT_FLOW_TARGETS_MS, type Flow } from '../facts/flows';
import { MEASURED_RTT, pairKey, RTT_ESTIMATE_RATIO, rttBound, rttEstimateMs } from '../facts/rtt';
import type { EnvironmentPlan, IngressPlan, LatencyBudgets, PipelinePlan, Plan, RegionPlan } from './plan';
import { KUBERNETES_VERSION } from '../facts/kubernetes';
import { defaultImages } from '../facts/images';
import { TURN_POD, WORKLOADS, type Workload } from '../facts/workloads';
import { DEFAULT_NODE_AMI_ALIAS } from '../facts/karpenter';
import { DEFAULT_RPO_SECONDS } from '../facts/alarms';
import { DEFAULT_BACKUP_RETENTION_DAYS } from './backup';
import { DEFAULT_CHAOS_WINDOW } from '../facts/chaos';
import { DEFAULT_WEEKLY_RUN } from '../facts/pipeline';
import { CONSUMER_POD, CONSUMERS, type Consumer } from '../facts/consumers';
import { CLOUDFLARE_IPV4, CLOUDFLARE_IPV6 } from '../facts/cloudflare-ranges';
import { DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE } from '../facts/rate-limits';
import { resolveWorkload, type WorkloadModel } from './workload';
import { resolveCapacities } from './capacities';
import { planCapacity } from './planner';
import { plannedCountIssues } from './capacity-limits';
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

/**
 * Hop budgets and flow targets over the defaults; the round trip from each region to the write region from the
 * config's table, else the measured one (its P95 where measured, else its median), else estimated from the distance;
 * waivers sorted.
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
        const measured = MEASURED_RTT.get(key);
        if (region.name === writeRegion) return [region.name, { ms: 0, basis: 'write region' as const }];
        if (configured !== undefined) return [region.name, { ms: configured, basis: 'config' as const }];
        if (measured !== undefined) {
          const { ms, statistic } = rttBound(measured);
          return [region.name, { ms, basis: `measured ${statistic}` as const }];
        }
        return [region.name, { ms: rttEstimateMs(region, writer, RTT_ESTIMATE_RATIO), basis: 'estimated' as const }];
      }),
  );
  const hopsMs = sortedRecord({ ...DEFAULT_HOP_BUDGETS_MS, ...budgets?.hopsMs }) as Record<Hop, number>;
  return {
    hopsMs,
    flowTargetsMs: sortedRecord({ ...DEFAULT_FLOW_TARGETS_MS, ...budgets?.flowTargetsMs }) as Record<Flow, number>,
    rttToWriteRegion,
    rttSource: budgets?.rttSource?.trim() ?? null,
    waivers: [...(budgets?.waivers ?? [])]
      .map((w) => ({ region: w.region, flow: w.flow, reason: w.reason.trim() }))
      .sort((x, y) => x.region.localeCompare(y.region) || x.flow.localeCompare(y.flow)),
    probeChecksMs: probeBudgetsMs(hopsMs),
  };
}

interface ResolvedEnvironment {
  readonly plan: EnvironmentPlan;
  /** The bus sizes the plan's bus comes from (topic settings as a record), for the bus check. */
  readonly bus: BusSizes;
}

function resolveEnvironment(name: string, env: EnvironmentInput): ResolvedEnvironment {
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
  const replication = env.crossRegionReplication ?? 'on';
  const regionShapes = regions.map((r) => ({ name: r.name, azs: [...(r.azs ?? catalogRegion(r.name)!.azs)] }));

  // The preset's choices (types, retention) with the config's, then every count the config leaves open planned.
  const workload = resolveWorkload(env.phase, env.workload);
  const capacities = resolveCapacities(env.phase, env.capacity);
  const { maxConnections: givenMaxConnections, writeRegionReaders, readersPerRegion, ...databaseSizes } = env.sizes?.database ?? {};
  const databaseChoices = { ...preset.database, ...databaseSizes };
  const maxConnections = givenMaxConnections ?? Math.min(SEED_MAX_CONNECTIONS, maxConnectionsLimit(databaseChoices.instanceClass));
  const { shards: cacheShards, ...cacheSizes } = env.sizes?.cache ?? {};
  const cacheChoices = { ...preset.cache, ...cacheSizes };
  const { brokersPerAz, ...busGiven } = resolveBusSizes(env, workload, regions.length);
  const { workloads: givenWorkloads, nodesPerAzMin, nodesPerAzMax, ...computeSizes } = env.sizes?.compute ?? {};
  const { pods: presetPods, ...computeChoices } = { ...preset.compute, ...computeSizes };
  const pods = Object.fromEntries(
    WORKLOADS.map((w) => [w, { cpuMillis: givenWorkloads?.[w]?.cpuMillis ?? presetPods[w].cpuMillis, memoryMiB: givenWorkloads?.[w]?.memoryMiB ?? presetPods[w].memoryMiB }]),
  ) as Record<Workload, { cpuMillis: number; memoryMiB: number }>;

  const capacity = planCapacity({
    workload,
    capacities,
    floors: preset.floors,
    regions: regionShapes,
    instanceClass: databaseChoices.instanceClass,
    maxConnections,
    cacheNodeType: cacheChoices.nodeType,
    bus: busGiven,
    nodeInstanceType: computeChoices.nodeInstanceType,
    pods,
    given: { shards: env.shards, writeRegionReaders, readersPerRegion, cacheShards, brokersPerAz, nodesPerAzMin, nodesPerAzMax, replicas: givenWorkloads },
  });
  const busSizes: BusSizes = { ...busGiven, brokersPerAz: capacity.brokersPerAz.value };

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
  const plan: EnvironmentPlan = {
    name,
    phase: env.phase,
    account: env.account,
    domain: env.domain,
    owner: env.owner,
    costCentre: env.costCentre,
    writeRegion,
    shards: capacity.shards.value,
    network: { ...preset.network, ...env.sizes?.network },
    database: {
      ...databaseChoices,
      writeRegionReaders: capacity.writeRegionReaders.value,
      readersPerRegion: capacity.readersPerRegion.value,
      engineVersion: AURORA_POSTGRES_VERSION,
      maxConnections,
      shardGroups: shardGroups(capacity.shards.value),
      migrationGroups: shardGroups(capacity.shards.value, MIGRATION_SHARDS_PER_GROUP),
    },
    cache: {
      ...cacheChoices,
      shards: capacity.cacheShards.value,
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
    workload,
    capacities,
    capacity,
    compute: {
      ...computeChoices,
      nodesPerAzMin: capacity.nodesPerAzMin.value,
      nodesPerAzMax: capacity.nodesPerAzMax.value,
      workloads: Object.fromEntries(
        WORKLOADS.map((w) => [w, { ...pods[w], minReplicas: capacity.replicas[w].minReplicas.value, maxReplicas: capacity.replicas[w].maxReplicas.value }]),
      ) as Record<Workload, WorkloadSizes>,
      kubernetesVersion: KUBERNETES_VERSION,
      publicEndpointCidrs: [...(env.compute?.publicEndpointCidrs ?? [])].sort(),
      adminRoleArns: [...new Set(env.compute?.adminRoleArns ?? [])].sort(),
      images: { ...defaultImages(version), ...env.compute?.images },
      turn: { ...TURN_POD, minReplicas: capacity.turn.minReplicas.value, maxReplicas: capacity.turn.maxReplicas.value },
      consumers: Object.fromEntries(
        CONSUMERS.map((c) => [c, { ...CONSUMER_POD, minReplicas: capacity.consumers[c].minReplicas.value, maxReplicas: capacity.consumers[c].maxReplicas.value }]),
      ) as Record<Consumer, WorkloadSizes>,
      nodeAmiAlias: env.compute?.nodeAmiAlias ?? DEFAULT_NODE_AMI_ALIAS,
    },
    ingress: resolveIngress(env),
    edge: {
      rateLimitsPerMinute: { ...DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE, ...env.edge?.rateLimitsPerMinute },
    },
    observability: {
      notifications: {
        emails: [...new Set(env.observability?.notifications?.emails ?? [])].sort(),
        httpsEndpoints: [...new Set(env.observability?.notifications?.httpsEndpoints ?? [])].sort(),
        slackChannels: [...new Map((env.observability?.notifications?.slackChannels ?? []).map((c) => [`${c.workspaceId}/${c.channelId}`, { workspaceId: c.workspaceId, channelId: c.channelId }])).entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, c]) => c),
      },
      rpoSeconds: env.observability?.rpoSeconds ?? DEFAULT_RPO_SECONDS,
    },
    backup: {
      retentionDays: env.backup?.retentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS,
      vaultLock: env.backup?.vaultLock ?? (servesProductionTraffic(env.phase) ? 'compliance' : 'governance'),
      copyAccount: env.backup?.copyAccount ?? null,
    },
    chaos: {
      schedule: {
        // Production traffic (phase 4 on) is not failed on a schedule until the config says so.
        enabled: env.chaos?.schedule?.enabled ?? !servesProductionTraffic(env.phase),
        day: env.chaos?.schedule?.day ?? DEFAULT_CHAOS_WINDOW.day,
        startHourUtc: env.chaos?.schedule?.startHourUtc ?? DEFAULT_CHAOS_WINDOW.startHourUtc,
      },
    },
    regions: regionPlans,
  };
  return { plan, bus: busSizes };
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
    deletionProtection: servesProductionTraffic(env.phase),
  };
}

/**
 * The phase's bus choices, the workload's event rate spread over the regions, and the environment's overrides;
 * topic settings merge per topic. `brokersPerAz` is only there when the config sets it (else it is planned).
 */
function resolveBusSizes(env: EnvironmentInput, workload: WorkloadModel, regionCount: number): Omit<BusSizes, 'brokersPerAz'> & { brokersPerAz?: number } {
  const preset = PHASE_PRESETS[env.phase].bus;
  const { topics, ...given } = env.sizes?.bus ?? {};
  return {
    ...preset,
    eventsPerSecond: Math.ceil(workload.eventsPerSecond / regionCount),
    meanEventBytes: workload.meanEventBytes,
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
  const resolved = Object.entries(applied.config.environments).map(([name, env]) => resolveEnvironment(name, env));
  const environments = resolved.map((r) => r.plan);
  const counts = environments.flatMap(plannedCountIssues);
  if (counts.length > 0) throw new GigascaleError('Capacity plan does not fit', counts);
  const quota = environments.flatMap((e) => quotaIssues(e.name, { shards: e.shards, ...e.database }, e.regions, e.quotas));
  if (quota.length > 0) throw new GigascaleError('Quota preflight failed', quota);
  const bus = resolved.flatMap((r) => busIssues(r.plan.name, r.bus, r.plan.regions));
  if (bus.length > 0) throw new GigascaleError('Event bus sizing failed', bus);
  const allowDestructive = [...(applied.config.review?.allowDestructive ?? [])]
    .map((a) => ({ path: a.path, reason: a.reason.trim() }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const given = applied.config.pipeline;
  const pipeline = given && parsed.overrides.env === undefined && parsed.overrides.regions === undefined ? resolvePipeline(given) : null;
  return deepFreeze({ environments, pipeline, allowDestructive });
}

function resolvePipeline(p: NonNullable<GigascaleConfig['pipeline']>): PipelinePlan {
  return {
    account: p.account,
    region: p.region,
    repository: p.repository,
    branch: p.branch ?? 'main',
    connectionArn: p.connectionArn,
    weeklyRun: { day: p.weeklyRun?.day ?? DEFAULT_WEEKLY_RUN.day, hourUtc: p.weeklyRun?.hourUtc ?? DEFAULT_WEEKLY_RUN.hourUtc },
  };
}
