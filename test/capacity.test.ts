/** The capacity planner, its workload and capacity inputs, the presets it produces and the cost it prices. */
import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../lib/plan';
import type { EnvironmentPlan } from '../lib/plan/plan';
import { PHASE_PRESETS, PHASES, type Phase } from '../lib/facts/phases';
import { PHASE_USERS, PHASE_WORKLOADS, phaseForUsers, SEED_PHASE5_WORKLOAD, workloadForUsers } from '../lib/plan/workload';
import { resolveCapacities } from '../lib/plan/capacities';
import { planCapacity, type PlannerInput } from '../lib/plan/planner';
import { referenceEnvironment, REFERENCE_REGIONS } from '../lib/plan/reference';
import { estimateCost, seedBandFor } from '../lib/views/cost';
import { sizedCounts } from '../lib/views/cost-report';
import { catalogRegion } from '../lib/facts/regions';
import { configWith, env, problems } from './support/config';

const reference = (phase: Phase, users?: number): EnvironmentPlan => resolvePlan(referenceEnvironment(phase, users)).environments[0];

/** A planner input over three us-east-1-like regions that a test varies. */
function input(overrides: Partial<PlannerInput> = {}): PlannerInput {
  const preset = PHASE_PRESETS[4];
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1'].map((name) => ({ name, azs: catalogRegion(name)!.azs }));
  return {
    workload: PHASE_WORKLOADS[4],
    capacities: resolveCapacities(4),
    floors: preset.floors,
    regions,
    instanceClass: preset.database.instanceClass,
    maxConnections: 2000,
    cacheNodeType: preset.cache.nodeType,
    bus: { ...preset.bus, eventsPerSecond: 100_000, meanEventBytes: 1024 },
    nodeInstanceType: preset.compute.nodeInstanceType,
    pods: preset.compute.pods,
    ...overrides,
  };
}

describe('planner arithmetic', () => {
  it('plans phase 5 (the seed: 500K writes/s) at 136 shards of db.r7g.4xlarge, and says why', () => {
    const s = reference(5).capacity.shards;
    // 500,000 x 1.3 / (16 vCPU x 300) = 135.42 -> 136; the database (2,000 TB x 1.3 / 32) needs 82; the floor is 100.
    expect(s).toMatchObject({ value: 136, planned: 136, binding: 'write throughput' });
    expect(s.constraints.map((c) => [c.name, c.value])).toEqual([['write throughput', 136], ['database size', 82], ['seed floor', 100]]);
    expect(s.constraints[0].arithmetic).toBe('500K writes/s / 4,800 per writer (db.r7g.4xlarge: 16 vCPU x 300) x 1.3 headroom = 135.42 -> 136');
  });

  it("plans phase 5's cache by its working set, brokers by ingress and the gateway by requests", () => {
    const c = reference(5).capacity;
    // 1B x 0.3 x 8192 B / 4 regions = 614.4 GB; cache.r7g.2xlarge 52.82 GiB x 0.75 = 42.54 GB; x 1.3 = 18.78 -> 19.
    expect(c.cacheShards).toMatchObject({ value: 19, binding: 'working set' });
    // 4,864 MB/s (2,560 own + 3 x 768 of chat) x 1.3 / (3 AZs x 500 MB/s) = 4.22 -> 5 per AZ.
    expect(c.brokersPerAz).toMatchObject({ value: 5, binding: 'ingress' });
    // 1M / 4 regions x 1.3 / 2,500 per pod = 130; the trough at 0.3 keeps 39.
    expect(c.replicas.gateway.maxReplicas).toMatchObject({ value: 130, binding: 'requests' });
    expect(c.replicas.gateway.minReplicas).toMatchObject({ value: 39, binding: 'daily trough' });
  });

  it('rounds a whole quotient to itself, not to the next unit', () => {
    // 12,000 x 1.5 / (4 vCPU x 300) = 15 exactly.
    const plan = planCapacity(input({ instanceClass: 'db.r7g.xlarge', capacities: { ...resolveCapacities(4), headroom: 1.5 }, workload: { ...PHASE_WORKLOADS[4], dbWritesPerSecond: 12_000 }, floors: { ...PHASE_PRESETS[4].floors, shards: 1 } }));
    expect(plan.shards.constraints[0]).toMatchObject({ name: 'write throughput', value: 15 });
  });

  it('adds readers when the cache misses more, and names the reads as the reason', () => {
    const misses = (hit: number) => planCapacity(input({ capacities: { ...resolveCapacities(4), cacheHitRatio: hit }, workload: { ...PHASE_WORKLOADS[4], dbReadsPerSecond: 20_000_000 } }));
    // 20M x 5 % / 3 regions / 100 shards = 3,333 reads/s per shard; x 1.3 / (8 vCPU x 1,500) = 0.36 -> 1, below
    // phase 4's floor of two readers in every other region.
    expect(misses(0.95).readersPerRegion).toMatchObject({ value: 2, binding: 'availability floor' });
    // 20M x 50 % / 3 / 100 = 33,333; x 1.3 / 12,000 = 3.61 -> 4.
    expect(misses(0.5).readersPerRegion).toMatchObject({ value: 4, binding: 'reads' });
  });

  it('gives chat the pods its sockets need when they outweigh its requests', () => {
    const plan = planCapacity(input({ workload: { ...PHASE_WORKLOADS[4], concurrentSockets: 3_000_000 } }));
    // 1M sockets per region x 1.3 / 10,000 per pod = 130.
    expect(plan.replicas.chat.maxReplicas).toMatchObject({ value: 130, binding: 'sockets' });
  });

  it('gives every autoscaler a ceiling above its floor: the peak with headroom, at least scaleOutRatio x the floor', () => {
    // Phase 4's preset load over 3 regions: the gateway's peak needs 10K / 3 x 1.3 / 2,500 = 1.73 -> 2 pods, below
    // the floor of 3; the ceiling is the floor x 2.
    const light = planCapacity(input({ workload: { ...PHASE_WORKLOADS[4], peakRequestsPerSecond: 10_000 } })).replicas.gateway;
    expect(light.minReplicas).toMatchObject({ value: 3, binding: 'availability floor' });
    expect(light.maxReplicas).toMatchObject({ value: 6, binding: 'scale-out room' });
    expect(light.maxReplicas.constraints.map((c) => [c.name, c.value, c.arithmetic])).toEqual([
      ['requests', 2, '3,334 requests/s per region / 2,500 per pod x 1.3 headroom = 1.73 -> 2'],
      ['scale-out room', 6, '3 at the floor x 2 -> 6'],
    ]);
    // A heavy load: the peak decides the ceiling, its daily trough the floor.
    const heavy = planCapacity(input({ workload: { ...PHASE_WORKLOADS[4], peakRequestsPerSecond: 3_000_000 } })).replicas.gateway;
    // 1M x 1.3 / 2,500 = 520; x 0.3 = 156; 156 x 2 = 312 < 520.
    expect(heavy.maxReplicas).toMatchObject({ value: 520, binding: 'requests' });
    expect(heavy.minReplicas).toMatchObject({ value: 156, binding: 'daily trough' });
    // A ratio of 1.5 still leaves one pod of room at the smallest floor.
    const tight = planCapacity(input({ capacities: { ...resolveCapacities(4), scaleOutRatio: 1.1 }, workload: { ...PHASE_WORKLOADS[4], peakRequestsPerSecond: 10_000 } }));
    expect(tight.replicas.auth.maxReplicas).toMatchObject({ value: 4, binding: 'scale-out room' });
  });

  it("plans each event consumer from its topics' events, and never above their partitions", () => {
    // Phase 5's 10M events/s over four regions: 2.5M per region, half of them user-actions (256 partitions).
    const c = reference(5).capacity.consumers;
    expect(c.memory.maxReplicas.constraints.map((x) => [x.name, x.value, x.arithmetic])).toEqual([
      ['events', 325, '1.25M events/s per region (user-actions) / 5,000 per pod x 1.3 headroom = 325 -> 325'],
      ['scale-out room', 196, '98 at the floor x 2 -> 196'],
      ['partitions', 256, 'a consumer group uses one pod per partition at most: 256 of user-actions = 256'],
    ]);
    expect(c.memory.maxReplicas).toMatchObject({ value: 256, binding: 'partitions' });
    expect(c.memory.minReplicas).toMatchObject({ value: 98, binding: 'daily trough' });
    // Below the partitions the events decide: analytics reads user-actions and memory-events in phase 3 (one region).
    const p3 = reference(3).capacity.consumers.analytics.maxReplicas;
    expect(p3).toMatchObject({ value: 16, binding: 'events' });
    expect(p3.constraints.at(-1)).toMatchObject({ name: 'partitions', value: 17 });
  });

  it('keeps a count the config sets, and reports the planned one beside it', () => {
    const prod = resolvePlan(configWith(env({ phase: 4, shards: 16, workload: { users: 100_000_000 }, regions: ['us-east-1'] })), { rdsInstanceQuota: 1000 }).environments[0];
    expect(prod.shards).toBe(16);
    expect(prod.capacity.shards).toMatchObject({ value: 16, planned: 100, binding: 'set in config' });
  });

  it('refuses a plan the chosen types cannot carry, naming the limit and the fix', () => {
    const issues = problems(configWith(env({ workload: { users: 100_000, peakRequestsPerSecond: 50_000_000 } })));
    // 25M requests/s per region x 1.3 / 2,500 per gateway pod = 13,000 pods.
    expect(issues).toContain(
      'environments.test.sizes.compute.workloads.gateway.maxReplicas: the workload needs 13000, more than 5000 allowed; raise requestsPerPod with a measured figure, or lower the workload',
    );
    expect(issues).toContainEqual(
      expect.stringMatching(/^environments\.test\.sizes\.compute\.nodesPerAzMax: the workload needs \d+, more than 450 allowed; choose a larger sizes\.compute\.nodeInstanceType, or lower the workload \(environments\.test\.workload\)$/),
    );
  });
});

describe('workload', () => {
  it("scales the seed's per-user load: 10M users make 10K requests/s and 5K writes/s", () => {
    expect(workloadForUsers(10_000_000)).toMatchObject({ users: 10_000_000, peakRequestsPerSecond: 10_000, dbWritesPerSecond: 5_000, eventsPerSecond: 100_000, concurrentSockets: 10_000, mediaStorageTB: 1_000, dailyActiveRatio: 0.3 });
    expect(PHASE_WORKLOADS[5]).toEqual(SEED_PHASE5_WORKLOAD);
    expect([1, 10_000_000, 10_000_001, 100_000_000, 100_000_001].map(phaseForUsers)).toEqual([3, 3, 4, 4, 5]);
  });

  it('takes users alone from the config and scales the phase, and any other field as given', () => {
    const e = resolvePlan(configWith(env({ workload: { users: 2_000_000, eventsPerSecond: 123 } }))).environments[0];
    expect(e.workload).toMatchObject({ users: 2_000_000, peakRequestsPerSecond: 2_000, eventsPerSecond: 123 });
    expect(e.bus.eventsPerSecond).toBe(62);
  });

  it.each([
    [{ users: 0 }, 'environments.test.workload.users: must be a whole number of users, at least 1, got 0'],
    [{ users: -5 }, 'environments.test.workload.users: must not be negative, got -5'],
    [{ peakRequestsPerSecond: -1 }, 'environments.test.workload.peakRequestsPerSecond: must not be negative, got -1'],
    [{ dailyActiveRatio: 1.5 }, 'environments.test.workload.dailyActiveRatio: is daily active / monthly active users: more than 0 and at most 1, got 1.5'],
    [{ eventsPerSecond: 'lots' }, 'environments.test.workload.eventsPerSecond: must be a finite number, got "lots"'],
  ])('refuses the workload %j', (workload, message) => {
    expect(problems(configWith(env({ workload: workload as never })))).toEqual([message]);
  });

  it('refuses a hit ratio above 1, a headroom below 1, shares that do not add up and unknown fields', () => {
    expect(problems(configWith(env({ capacity: { cacheHitRatio: 1.2 } })))).toEqual(['environments.test.capacity.cacheHitRatio: is a fraction: more than 0 and at most 1, got 1.2']);
    expect(problems(configWith(env({ capacity: { headroom: 0.9 } })))).toEqual(['environments.test.capacity.headroom: must be at least 1 (1.3 plans 30 % above the peak), got 0.9']);
    expect(problems(configWith(env({ capacity: { requestShare: { auth: 0.5 } } })))).toEqual(["environments.test.capacity.requestShare: the services' shares of the requests must add up to 1, got 1.45"]);
    expect(problems(configWith(env({ workload: { user: 5 } as never })))[0]).toMatch(/^environments\.test\.workload: .*user/);
  });
});

describe('presets', () => {
  it.each(PHASES)('phase %i: every count the stacks get is the planner output for the phase workload', (phase) => {
    const e = reference(phase);
    const preset = PHASE_PRESETS[phase];
    const planned = planCapacity({
      workload: PHASE_WORKLOADS[phase],
      capacities: resolveCapacities(phase),
      floors: preset.floors,
      regions: REFERENCE_REGIONS[phase].map((name) => ({ name, azs: catalogRegion(name)!.azs })),
      instanceClass: preset.database.instanceClass,
      maxConnections: e.database.maxConnections,
      cacheNodeType: preset.cache.nodeType,
      bus: { ...preset.bus, eventsPerSecond: Math.ceil(PHASE_WORKLOADS[phase].eventsPerSecond / REFERENCE_REGIONS[phase].length), meanEventBytes: 1024 },
      nodeInstanceType: preset.compute.nodeInstanceType,
      pods: preset.compute.pods,
    });
    expect(e.capacity).toEqual(planned);
    expect([e.shards, e.database.writeRegionReaders, e.database.readersPerRegion, e.cache.shards, e.bus.brokersPerAz, e.compute.nodesPerAzMin, e.compute.nodesPerAzMax]).toEqual(
      [planned.shards, planned.writeRegionReaders, planned.readersPerRegion, planned.cacheShards, planned.brokersPerAz, planned.nodesPerAzMin, planned.nodesPerAzMax].map((s) => s.value),
    );
    for (const [w, r] of Object.entries(planned.replicas)) {
      expect(e.compute.workloads[w as keyof typeof planned.replicas]).toMatchObject({ minReplicas: r.minReplicas.value, maxReplicas: r.maxReplicas.value });
    }
  });

  it('changes the planned sizes when a target changes', () => {
    const base = resolvePlan(configWith(env({ workload: { users: 1_000_000 } }))).environments[0];
    const busier = resolvePlan(configWith(env({ workload: { users: 1_000_000, peakRequestsPerSecond: 100_000, eventsPerSecond: 200_000 } }))).environments[0];
    expect(busier.compute.workloads.gateway.maxReplicas).toBeGreaterThan(base.compute.workloads.gateway.maxReplicas);
    expect(busier.compute.nodesPerAzMax).toBeGreaterThan(base.compute.nodesPerAzMax);
    expect(busier.bus.brokersPerAz).toBeGreaterThan(base.bus.brokersPerAz);
    expect(busier.bus.topics[0].partitions).toBeGreaterThan(base.bus.topics[0].partitions);
  });
});

describe('monotonicity', () => {
  const USERS = [1_000, 10_000, 100_000, 1_000_000, 3_000_000, 10_000_000, 30_000_000, 100_000_000, 300_000_000, 1_000_000_000, 3_000_000_000];

  it.each(PHASES)('phase %i: more users never plan fewer of anything, nor cost less, up to the top of its band', (phase) => {
    const plans = USERS.filter((u) => u <= PHASE_USERS[phase]).map((users) => reference(phase, users));
    for (const [before, after] of plans.slice(1).map((e, i) => [plans[i], e] as const)) {
      const counts = new Map(sizedCounts(before).map(([name, s]) => [name, s.value]));
      for (const [name, s] of sizedCounts(after)) expect(s.value, `${name} at ${after.workload.users} users`).toBeGreaterThanOrEqual(counts.get(name)!);
      expect(estimateCost(after).monthlyUsd).toBeGreaterThanOrEqual(estimateCost(before).monthlyUsd);
    }
  });

  it('never costs less for more users across the phases --users picks', () => {
    const costs = USERS.slice(0, -1).map((u) => estimateCost(reference(phaseForUsers(u), u)).monthlyUsd);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });
});

describe('cost', () => {
  it("prices dev's data tier from its plan: 2 shards x (writer + reader) of db.r7g.large", () => {
    const dev = resolvePlan(configWith(env({ shards: 2, regions: ['us-east-1'], workload: { users: 10_000 } }))).environments[0];
    const cost = estimateCost(dev);
    const line = (item: string) => cost.lines.find((l) => l.item === item)!;
    // 4 instances x $0.276/h x 730 h = $805.92; the control plane $0.10/h x 730 h = $73.
    expect(line('instances (db.r7g.large)')).toMatchObject({ region: 'us-east-1', service: 'aurora', monthlyUsd: 805.92 });
    expect(line('control plane').monthlyUsd).toBe(73);
    expect(cost.monthlyUsd).toBeCloseTo(cost.lines.reduce((s, l) => s + l.monthlyUsd, 0), 2);
    expect(cost.usdPerMau).toBeCloseTo(cost.monthlyUsd / 10_000, 9);
  });

  it('prices a region by its multiplier, and an unlisted region at the dearest, saying so', () => {
    const e = resolvePlan(configWith(env({ regions: ['us-east-1', 'eu-west-1', 'ap-northeast-2'] }))).environments[0];
    const cost = estimateCost(e);
    const control = (r: string) => cost.lines.find((l) => l.region === r && l.item === 'control plane')!.monthlyUsd;
    expect(control('eu-west-1')).toBe(81.4); // 73 x 1.115
    expect(control('ap-northeast-2')).toBe(116.07); // 73 x 1.59
    expect(cost.unpriced).toEqual(['ap-northeast-2 (priced x1.59, the dearest listed region)']);
  });

  it("compares with the seed's band nearest the user count", () => {
    expect(seedBandFor(1_000_000)).toMatchObject({ users: 1_000_000, lowUsd: 10_000, highUsd: 50_000, lowUsdPerUser: 0.01, highUsdPerUser: 0.05 });
    expect(seedBandFor(4_000_000).users).toBe(10_000_000);
    expect(seedBandFor(2_000_000).users).toBe(1_000_000);
    expect(seedBandFor(1_000_000_000)).toMatchObject({ lowUsd: 50_000_000 / 12, highUsd: 200_000_000 / 12 });
  });

  it("puts phase 5 (1B users) inside the seed's $50M-200M a year", () => {
    const cost = estimateCost(reference(5));
    expect(cost.monthlyUsd).toBeGreaterThan(cost.seedBand.lowUsd);
    expect(cost.monthlyUsd).toBeLessThan(cost.seedBand.highUsd);
  });
});

