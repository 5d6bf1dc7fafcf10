/**
 * The latency model (lib/facts/hops.ts, flows.ts, rtt.ts, lib/views/verdicts.ts): hop budgets and flows, the round trips to the write region, the verdicts synth
 * prints and fails on, and the config rules behind them.
 */
import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../lib/plan';
import { catalogRegion } from '../lib/facts/regions';
import { greatCircleKm } from '../lib/facts/geo';
import { FLOWS, FLOW_NAMES } from '../lib/facts/flows';
import { DEFAULT_HOP_BUDGETS_MS } from '../lib/facts/hops';
import { catalogRegionNames } from '../lib/facts/regions';
import { ESTIMATE_RATIO_QUANTILE, estimateRatio, FIBRE_KM_PER_MS, MEASURED_RTT, measuredRttTable, pairKey, physicalRttFloorMs, RTT_DATASET, RTT_ESTIMATE_RATIO, rttBound, rttEstimateMs } from '../lib/facts/rtt';
import { breaches, environmentVerdicts, planVerdicts, unneededWaivers, verdictJson } from '../lib/views/verdicts';
import { breachMessage, formatVerdicts } from '../lib/views/latency-report';
import { probeBudgetsMs } from '../lib/facts/probe-checks';
import { configWith, env, problems } from './support/config';
import defaultConfig from '../regions.config';

const at = (name: string) => catalogRegion(name)!;
const four = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'];
/** Four regions replicate chat into each other: the phase-3 bus needs two brokers per AZ for it. */
const bus = { bus: { brokersPerAz: 2 } };
const apacWaiver = { region: 'ap-southeast-1', flow: 'memory.write' as const, reason: 'forwarded to us-east-1, accepted until writes are regional' };

describe('hops and flows', () => {
  it("keeps the seed's chat budget: send 10, LB 1, gateway 2, Kafka 5, push 10, within the ~30 ms target", () => {
    expect(FLOWS['chat.send'].hops).toEqual(['client.send', 'lb', 'gateway', 'kafka.produce', 'ws.push']);
    expect(FLOWS['chat.send'].hops.map((h) => DEFAULT_HOP_BUDGETS_MS[h])).toEqual([10, 1, 2, 5, 10]);
    expect(FLOWS['chat.send'].targetMs).toBe(30);
  });

  it('budgets a read replica at the top of the seed\'s 5-10 ms', () => {
    expect(DEFAULT_HOP_BUDGETS_MS['replica.read']).toBe(10);
  });

  it('has the six flows of the latency model, and only memory.write writes', () => {
    expect(FLOW_NAMES).toEqual(['chat.send', 'memory.read', 'memory.write', 'profile.read.cache-hit', 'profile.read.edge-hit', 'profile.read.replica-read']);
    expect(FLOW_NAMES.filter((f) => FLOWS[f].writes)).toEqual(['memory.write']);
  });
});

describe('round trips', () => {
  it('puts the physical floor at the great-circle distance both ways at 2/3 of c', () => {
    expect(FIBRE_KM_PER_MS).toBeCloseTo(199.862, 3);
    const a = { latitude: 0, longitude: 0 };
    const b = { latitude: 0, longitude: 90 };
    expect(greatCircleKm(a, b)).toBeCloseTo(10_007.5, 0);
    expect(physicalRttFloorMs(a, b)).toBeCloseTo((2 * 10_007.5) / 199.862, 1);
  });

  it('covers every pair of catalog regions from both directions of the measurement set, each above its floor', () => {
    const names = catalogRegionNames();
    expect(MEASURED_RTT.size).toBe((names.length * (names.length - 1)) / 2);
    for (const a of names) {
      for (const b of names) {
        if (a >= b) continue;
        const there = RTT_DATASET.medianMs[a]?.[b];
        const back = RTT_DATASET.medianMs[b]?.[a];
        expect([typeof there, typeof back], `${a} ${b}`).toEqual(['number', 'number']);
        // One figure both ways: the slower direction, rounded up.
        expect(MEASURED_RTT.get(pairKey(a, b)), `${a} ${b}`).toEqual({ medianMs: Math.ceil(Math.max(there!, back!)), p95Ms: null });
        expect(MEASURED_RTT.get(pairKey(b, a))!.medianMs, `${a} ${b}`).toBeGreaterThan(physicalRttFloorMs(at(a), at(b)));
      }
    }
    expect(Object.keys(RTT_DATASET.medianMs).sort()).toEqual(names);
  });

  it('names the source, its date and its method in the data file', () => {
    expect(RTT_DATASET).toMatchObject({ unit: 'ms', url: 'https://www.cloudping.co/api/latencies?percentile=p_50&timeframe=1Y' });
    expect(RTT_DATASET.date).toContain('January 2025');
    expect(RTT_DATASET.method).toContain('median (p50) of a year');
    expect(RTT_DATASET.p95Ms).toBeUndefined();
  });

  it('measures Montreal to Sao Paulo near half of what the floor times 3.2 made of it', () => {
    expect(MEASURED_RTT.get(pairKey('ca-central-1', 'sa-east-1'))).toEqual({ medianMs: 126, p95Ms: null });
    expect(Math.ceil(physicalRttFloorMs(at('ca-central-1'), at('sa-east-1')) * 3.2)).toBe(261);
  });

  it('holds a verdict to the P95 where the set has one, else to the median', () => {
    const table = measuredRttTable({
      medianMs: { 'eu-west-1': { 'us-east-1': 69.6 }, 'us-east-1': { 'eu-west-1': 70.2, 'us-west-2': 64.3 } },
      p95Ms: { 'us-east-1': { 'eu-west-1': 74.1 }, 'eu-west-1': { 'us-east-1': 75.5 } },
    });
    expect([...table]).toEqual([
      ['eu-west-1 us-east-1', { medianMs: 71, p95Ms: 76 }],
      ['us-east-1 us-west-2', { medianMs: 65, p95Ms: null }],
    ]);
    expect(rttBound(table.get('eu-west-1 us-east-1')!)).toEqual({ ms: 76, statistic: 'p95' });
    expect(rttBound(table.get('us-east-1 us-west-2')!)).toEqual({ ms: 65, statistic: 'median' });
  });

  it('calibrates the estimate on the measured pairs: the 95th percentile of measured / floor, rounded up to a tenth', () => {
    expect(estimateRatio(MEASURED_RTT, at)).toBe(3.3);
    expect(RTT_ESTIMATE_RATIO).toBe(3.3);
    const ratios = [...MEASURED_RTT].map(([key, m]) => {
      const [a, b] = key.split(' ');
      return { key, ratio: m.medianMs / physicalRttFloorMs(at(a), at(b)) };
    });
    const above = ratios.filter((r) => r.ratio > RTT_ESTIMATE_RATIO);
    expect(above.length / ratios.length).toBeLessThanOrEqual(1 - ESTIMATE_RATIO_QUANTILE);
    expect(above.length).toBeGreaterThan(0);
    // The pair routed furthest around the great circle, left out of the factor on purpose.
    expect(ratios.sort((x, y) => y.ratio - x.ratio)[0].key).toBe('af-south-1 sa-east-1');
  });

  it('takes the config, then the measured table, then an estimate for a region the catalog does not place, and says which', () => {
    const southEurope = { name: 'eu-south-2', azs: ['eu-south-2a', 'eu-south-2b', 'eu-south-2c'], latitude: 41.6, longitude: -0.9 };
    const e = resolvePlan(
      configWith(
        env({
          // MSK Replicator does not run in eu-south-2: chat stays in its region there.
          sizes: { bus: { ...bus.bus, topics: { 'chat-messages': { replication: 'none' } } } },
          regions: ['us-east-1', 'eu-west-1', 'ap-southeast-1', southEurope],
          latencyBudgets: { interRegionRttMs: { 'ap-southeast-1': { 'us-east-1': 230 } }, rttSource: 'our probe, November 2026, P95' },
        }),
      ),
    ).environments[0];
    expect(e.latencyBudgets.rttToWriteRegion).toEqual({
      'ap-southeast-1': { ms: 230, basis: 'config' },
      'eu-south-2': { ms: rttEstimateMs(southEurope, at('us-east-1'), 3.3), basis: 'estimated' },
      'eu-west-1': { ms: 70, basis: 'measured median' },
      'us-east-1': { ms: 0, basis: 'write region' },
    });
    expect(e.latencyBudgets.rttSource).toBe('our probe, November 2026, P95');
    const table = formatVerdicts(environmentVerdicts(e), [e]);
    expect(table).toContain(`test (write region us-east-1): ap-southeast-1 230 (config), eu-south-2 ${rttEstimateMs(southEurope, at('us-east-1'), 3.3)} (estimated), eu-west-1 70 (measured median)`);
    expect(table).toContain('    config: our probe, November 2026, P95');
    expect(table).toContain(`  measured: ${RTT_DATASET.summary} (${RTT_DATASET.url}; source, date and method in lib/facts/inter-region-rtt.json)`);
    expect(table).toContain('  measured median: the set has no P95, so a P95 budget is judged on a median. Measure the P95 and set latencyBudgets.interRegionRttMs.');
    expect(table).toContain(
      '  estimated: no measurement; the physical floor times 3.3, the 95th percentile of measured/floor ratios over the measured pairs (lib/facts/rtt.ts). Measure it and set latencyBudgets.interRegionRttMs.',
    );
  });
});

describe('verdicts', () => {
  it('prices a write outside the write region with its round trip, and nothing else', () => {
    const e = resolvePlan(configWith(env({ sizes: bus, regions: four, latencyBudgets: { waivers: [apacWaiver] } }))).environments[0];
    const v = environmentVerdicts(e);
    const row = (region: string, flow: string) => v.find((x) => x.region === region && x.flow === flow)!;
    expect(row('us-east-1', 'memory.write').p95Ms).toBe(43);
    expect(row('us-west-2', 'memory.write').terms.at(-1)).toEqual({ name: 'rtt us-east-1', ms: 65 });
    expect(row('us-west-2', 'memory.write').p95Ms).toBe(43 + 65);
    expect(row('eu-west-1', 'memory.write')).toMatchObject({ p95Ms: 113, targetMs: 150, ok: true, waiver: null });
    expect(row('ap-southeast-1', 'memory.read').p95Ms).toBe(40);
    expect(row('ap-southeast-1', 'chat.send')).toMatchObject({ p95Ms: 28, ok: true });
    expect(v).toHaveLength(4 * FLOW_NAMES.length);
  });

  it('fails APAC writes through a distant write region unless waived, naming the terms and the ways out', () => {
    const unwaived = resolvePlan(configWith(env({ sizes: bus, regions: four }))).environments[0];
    const broken = breaches(environmentVerdicts(unwaived));
    expect(broken.map((b) => `${b.region} ${b.flow} ${b.p95Ms}`)).toEqual(['ap-southeast-1 memory.write 263']);
    expect(breachMessage(broken)).toBe(
      [
        'latency budget failed: 1 flow over target without a waiver:',
        '  - test ap-southeast-1 memory.write: static P95 263 ms > target 150 ms (client.send 10 + lb 1 + gateway 2 + service 5 + db.write 10 + kafka.produce 5 + client.receive 10 + rtt us-east-1 220)',
        'Lower a hop budget (latencyBudgets.hopsMs), raise the target (latencyBudgets.flowTargetsMs), move the write region, ' +
          'or waive the flow for that region with a reason (latencyBudgets.waivers: [{ region, flow, reason }]).',
      ].join('\n'),
    );
    const waived = environmentVerdicts(resolvePlan(configWith(env({ sizes: bus, regions: four, latencyBudgets: { waivers: [apacWaiver] } }))).environments[0]);
    expect(breaches(waived)).toEqual([]);
    expect(verdictJson(waived.find((w) => w.region === 'ap-southeast-1' && w.flow === 'memory.write')!)).toEqual({
      env: 'test',
      region: 'ap-southeast-1',
      flow: 'memory.write',
      p95_ms: 263,
      target_ms: 150,
      ok: false,
      waiver: apacWaiver.reason,
    });
  });

  it('moves the cost with the write region: writing in APAC makes the Americas and Europe pay', () => {
    const e = resolvePlan(configWith(env({ sizes: bus, regions: four, writeRegion: 'ap-southeast-1' }))).environments[0];
    expect(breaches(environmentVerdicts(e)).map((b) => `${b.region} ${b.p95Ms}`)).toEqual(['us-east-1 263', 'us-west-2 204', 'eu-west-1 226']);
  });

  it('follows the config: a hop budget, a target, a tighter flow', () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { hopsMs: { gateway: 5 }, flowTargetsMs: { 'chat.send': 25 } } }))).environments[0];
    const chat = environmentVerdicts(e).find((v) => v.flow === 'chat.send' && v.region === 'us-east-1')!;
    expect(chat).toMatchObject({ p95Ms: 31, targetMs: 25, ok: false });
  });

  it('adds budgets in whole microseconds, without floating-point dust', () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { hopsMs: { lb: 0.1, gateway: 0.2 } } }))).environments[0];
    expect(environmentVerdicts(e).find((v) => v.flow === 'chat.send')!.p95Ms).toBe(25.3);
  });

  it('reports a waiver that is no longer needed', () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { waivers: [{ region: 'eu-west-1', flow: 'memory.write', reason: 'was slow in 2025, kept out of caution' }] } }))).environments[0];
    const v = environmentVerdicts(e);
    expect(unneededWaivers(v).map((x) => `${x.region} ${x.flow}`)).toEqual(['eu-west-1 memory.write']);
    expect(formatVerdicts(v, [e])).toContain('1 waiver no longer needed (test eu-west-1 memory.write): remove it');
  });

  it('passes the default config, with the APAC write waiver printed', () => {
    const plan = resolvePlan(defaultConfig);
    const v = planVerdicts(plan);
    expect(breaches(v)).toEqual([]);
    expect(v.filter((x) => x.waiver !== null).map((x) => `${x.env} ${x.region} ${x.flow}`)).toEqual(['prod ap-southeast-1 memory.write']);
    const table = formatVerdicts(v, plan.environments);
    expect(table).toMatch(/prod {2}ap-southeast-1 {2}memory\.write +263 +150 {2}waived {3}\+ 220 ms rtt us-east-1/);
    expect(table).toContain('prod ap-southeast-1 memory.write (263 ms > 150 ms): one write region');
    expect(table).toContain('prod (write region us-east-1): ap-southeast-1 220 (measured median), eu-west-1 70 (measured median), us-west-2 65 (measured median)');
    expect(table).toContain('30 verdicts: 29 within target, 1 waived, 0 breached');
  });
});

describe('probe budgets', () => {
  it('holds each check to the hops it crosses', () => {
    expect(probeBudgetsMs(DEFAULT_HOP_BUDGETS_MS)).toEqual({
      'postgres.select1': 10,
      'postgres.memory_read': 10,
      'redis.set': 2,
      'redis.get': 2,
      'http.get': 3,
      'profile.read.origin': 10,
      'profile.read.edge': 20,
      'ws.connect': 8,
      'ws.ping': 10,
      'chat.roundtrip': 18,
    });
  });

  it('follows an environment\'s hop budgets, in the plan', () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { hopsMs: { gateway: 4, 'cache.get': 1.5 } } }))).environments[0];
    expect(e.latencyBudgets.probeChecksMs).toEqual({
      'postgres.select1': 10,
      'postgres.memory_read': 10,
      'redis.set': 2,
      'redis.get': 1.5,
      'http.get': 5,
      'profile.read.origin': 11.5,
      'profile.read.edge': 20,
      'ws.connect': 10,
      'ws.ping': 10,
      'chat.roundtrip': 20,
    });
  });
});

describe('latency config', () => {
  it('refuses a round trip below the physical floor, naming the distance', () => {
    const floor = physicalRttFloorMs(at('us-east-1'), at('eu-west-1'));
    expect(problems(configWith(env({ latencyBudgets: { interRegionRttMs: { 'eu-west-1': { 'us-east-1': 40 } }, rttSource: 'typed in a hurry' } })))).toEqual([
      `environments.test.latencyBudgets.interRegionRttMs.eu-west-1.us-east-1: 40 ms is below the physical floor of ${floor.toFixed(1)} ms between eu-west-1 and us-east-1 ` +
        `(${Math.round(greatCircleKm(at('us-east-1'), at('eu-west-1')))} km great-circle, both ways at 2/3 of the speed of light); give the round trip in milliseconds`,
    ]);
  });

  it('refuses a floor check on a region the config places itself', () => {
    const regions = ['us-east-1', { name: 'eu-south-2', azs: ['eu-south-2a', 'eu-south-2b', 'eu-south-2c'], latitude: 41.6, longitude: -0.9 }];
    const issues = problems(configWith(env({ regions, latencyBudgets: { interRegionRttMs: { 'eu-south-2': { 'us-east-1': 5 } }, rttSource: 'x' } })));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^environments\.test\.latencyBudgets\.interRegionRttMs\.eu-south-2\.us-east-1: 5 ms is below the physical floor of 6\d\.\d ms/);
  });

  it('asks for the source of configured round trips', () => {
    expect(problems(configWith(env({ latencyBudgets: { interRegionRttMs: { 'eu-west-1': { 'us-east-1': 90 } } } })))).toEqual([
      'environments.test.latencyBudgets.rttSource: is required with interRegionRttMs: name where the round trips come from (a measurement, a published table)',
    ]);
  });

  it('refuses a pair given twice, a region to itself and a region outside the environment', () => {
    const rtt = { 'eu-west-1': { 'us-east-1': 90, 'eu-west-1': 1, 'ap-southeast-1': 250 }, 'us-east-1': { 'eu-west-1': 91 } };
    expect(problems(configWith(env({ latencyBudgets: { interRegionRttMs: rtt, rttSource: 'probe' } })))).toEqual([
      'environments.test.latencyBudgets.interRegionRttMs.eu-west-1.eu-west-1: is a region to itself; list round trips between two different regions',
      "environments.test.latencyBudgets.interRegionRttMs.eu-west-1.ap-southeast-1: ap-southeast-1 is not among the environment's regions (us-east-1, eu-west-1)",
      'environments.test.latencyBudgets.interRegionRttMs.us-east-1.eu-west-1: repeats interRegionRttMs.eu-west-1.us-east-1 (a round trip is the same both ways); give each pair once',
    ]);
  });

  it('refuses unknown hops and flows, listing the known ones', () => {
    expect(problems(configWith(env({ latencyBudgets: { hopsMs: { gatway: 2 } as never, flowTargetsMs: { 'chat.recv': 30 } as never } })))).toEqual([
      `environments.test.latencyBudgets.hopsMs.gatway: unknown hop; hops are ${Object.keys(DEFAULT_HOP_BUDGETS_MS).join(', ')}`,
      `environments.test.latencyBudgets.flowTargetsMs.chat.recv: unknown flow; flows are ${FLOW_NAMES.join(', ')}`,
    ]);
  });

  it('refuses a waiver for a region outside the environment, twice for one flow, for an unknown flow or without a reason', () => {
    const waivers = [
      { region: 'ap-southeast-1', flow: 'memory.write', reason: 'not one of our regions' },
      { region: 'eu-west-1', flow: 'memory.write', reason: 'accepted for the pilot' },
      { region: 'eu-west-1', flow: 'memory.write', reason: 'accepted for the pilot, again' },
      { region: 'eu-west-1', flow: 'memory.delete', reason: 'no such flow exists' },
      { region: 'eu-west-1', flow: 'chat.send', reason: 'ok' },
    ];
    expect(problems(configWith(env({ latencyBudgets: { waivers } as never })))).toEqual([
      `environments.test.latencyBudgets.waivers[3].flow: must be a flow (${FLOW_NAMES.join(', ')}), got "memory.delete"`,
      'environments.test.latencyBudgets.waivers[4].reason: must say why the breach is accepted (at least 10 characters): it is printed with every verdict table',
      "environments.test.latencyBudgets.waivers[0].region: ap-southeast-1 is not among the environment's regions (us-east-1, eu-west-1)",
      'environments.test.latencyBudgets.waivers[2]: waives memory.write in eu-west-1 again (waivers[1]); keep one',
    ]);
  });

  it('drops the waivers and round trips of regions -c regions leaves out', () => {
    const config = configWith(
      env({
        sizes: bus,
        regions: four,
        latencyBudgets: { waivers: [apacWaiver], interRegionRttMs: { 'ap-southeast-1': { 'eu-west-1': 240 }, 'eu-west-1': { 'us-east-1': 85 } }, rttSource: 'probe' },
      }),
    );
    const e = resolvePlan(config, { regions: 'us-east-1,eu-west-1' }).environments[0];
    expect(e.latencyBudgets.waivers).toEqual([]);
    expect(e.latencyBudgets.rttToWriteRegion).toEqual({ 'eu-west-1': { ms: 85, basis: 'config' }, 'us-east-1': { ms: 0, basis: 'write region' } });
  });
});
