/**
 * Flows as the probe measures them (lib/views/flow-probes.ts): which checks stand for which stretches of a flow, and
 * what is left budgeted; the per-flow alarms (test/observability-stack.test.ts) and the drift report's flow rows
 * (test/drift-report.test.ts) are built on it.
 */
import { describe, expect, it } from 'vitest';
import { environmentOf, resolvePlan } from '../lib/plan';
import { FLOW_NAMES } from '../lib/facts/flows';
import { PROBE_CHECKS } from '../lib/facts/probe-checks';
import { flowChecks, probedP95Ms, regionFlowProbes } from '../lib/views/flow-probes';
import { IN_CLUSTER_PROBE_CHECKS } from '../lib/views/probe-target';
import defaultConfig from '../regions.config';
import { configWith, env } from './support/config';

const prod = environmentOf(resolvePlan(defaultConfig), 'prod');

describe('flowChecks', () => {
  it('takes, with every check available, the longest stretches that do not overlap, in the order of the flow', () => {
    expect(Object.fromEntries(FLOW_NAMES.map((f) => [f, flowChecks(f, PROBE_CHECKS)]))).toEqual({
      'chat.send': ['chat.roundtrip'],
      'memory.read': ['profile.read.origin', 'postgres.memory_read'],
      'memory.write': ['ws.connect'],
      'profile.read.cache-hit': ['profile.read.origin'],
      'profile.read.edge-hit': ['profile.read.edge'],
      'profile.read.replica-read': ['profile.read.origin', 'postgres.memory_read', 'redis.set'],
    });
  });

  it('prefers the check crossing more hops, and takes no second check for a hop already measured', () => {
    expect(flowChecks('memory.write', ['http.get', 'ws.connect'])).toEqual(['ws.connect']);
    // The message's whole way through Kafka and back stands for chat.send, not its pieces.
    expect(flowChecks('chat.send', ['http.get', 'ws.ping', 'chat.roundtrip'])).toEqual(['chat.roundtrip']);
    expect(flowChecks('chat.send', ['http.get', 'ws.ping'])).toEqual(['http.get', 'ws.ping']);
    expect(flowChecks('profile.read.cache-hit', ['http.get', 'redis.get', 'profile.read.origin'])).toEqual(['profile.read.origin']);
    expect(flowChecks('profile.read.cache-hit', ['http.get', 'redis.get'])).toEqual(['http.get', 'redis.get']);
  });

  it('never lets a baseline check (SELECT 1) stand for a flow', () => {
    expect(flowChecks('memory.read', ['postgres.select1'])).toEqual([]);
    expect(flowChecks('memory.read', ['postgres.select1', 'postgres.memory_read'])).toEqual(['postgres.memory_read']);
  });

  it('takes no check that crosses a hop the flow does not', () => {
    // ws.connect crosses `service`, which chat.send does not budget; profile.read.edge is the edge's, not the origin's.
    expect(flowChecks('chat.send', ['ws.connect', 'profile.read.edge'])).toEqual([]);
  });
});

describe('regionFlowProbes', () => {
  it('budgets what the in-cluster checks do not measure, with the round trip a forwarded write pays', () => {
    const west = regionFlowProbes(prod, 'us-west-2', IN_CLUSTER_PROBE_CHECKS);
    expect(west.map((p) => p.flow)).toEqual(FLOW_NAMES);
    expect(west.find((p) => p.flow === 'memory.write')).toEqual({
      env: 'prod',
      region: 'us-west-2',
      flow: 'memory.write',
      checks: ['ws.connect'],
      budgeted: [
        { name: 'client.send', ms: 10 },
        { name: 'db.write', ms: 10 },
        { name: 'kafka.produce', ms: 5 },
        { name: 'client.receive', ms: 10 },
        { name: 'rtt us-east-1', ms: 65 },
      ],
      budgetedMs: 100,
      staticP95Ms: 108,
      targetMs: 150,
      limitMs: 150,
      waiver: null,
    });
    expect(west.find((p) => p.flow === 'profile.read.edge-hit')).toMatchObject({ checks: ['profile.read.edge'], budgeted: [], budgetedMs: 0, staticP95Ms: 20, limitMs: 50 });
  });

  it('holds a flow the config waives in the region to its static P95, and every other to its target', () => {
    const asia = regionFlowProbes(prod, 'ap-southeast-1', IN_CLUSTER_PROBE_CHECKS);
    expect(asia.map((p) => `${p.flow} ${p.staticP95Ms} ${p.targetMs} ${p.limitMs} ${p.waiver === null ? '' : 'waived'}`.trim())).toEqual([
      'chat.send 28 30 30',
      'memory.read 40 50 50',
      'memory.write 263 150 263 waived',
      'profile.read.cache-hit 30 50 50',
      'profile.read.edge-hit 20 50 50',
      'profile.read.replica-read 42 50 50',
    ]);
  });

  it("follows the config's hop budgets and flow targets", () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { hopsMs: { 'client.send': 15 }, flowTargetsMs: { 'memory.read': 60 } } }))).environments[0];
    const [probe] = regionFlowProbes(e, e.regions[0].name, ['postgres.memory_read']).filter((p) => p.flow === 'memory.read');
    // client.send 15 + lb 1 + gateway 2 + service 5 + cache.get 2 + client.receive 10 budgeted; replica.read (10) measured.
    expect([probe.budgetedMs, probe.staticP95Ms, probe.limitMs]).toEqual([35, 45, 60]);
  });

  it('leaves out flows no check measures, and refuses a region the environment lacks', () => {
    expect(regionFlowProbes(prod, 'us-east-1', ['postgres.select1'])).toEqual([]);
    expect(regionFlowProbes(prod, 'us-east-1', ['profile.read.edge']).map((p) => p.flow)).toEqual(['profile.read.edge-hit']);
    expect(() => regionFlowProbes(prod, 'eu-central-1', IN_CLUSTER_PROBE_CHECKS)).toThrow('environment prod has no region eu-central-1');
  });
});

describe('probedP95Ms', () => {
  const [memoryRead] = regionFlowProbes(prod, 'us-east-1', IN_CLUSTER_PROBE_CHECKS).filter((p) => p.flow === 'memory.read');

  it("adds the checks' measured P95s to the budgeted terms, in whole microseconds", () => {
    expect(probedP95Ms(memoryRead, { 'profile.read.origin': 1.1, 'postgres.memory_read': 2.2 })).toBe(23.3);
  });

  it('refuses to sum without a measurement of every check', () => {
    expect(() => probedP95Ms(memoryRead, { 'profile.read.origin': 1 })).toThrow('memory.read needs the measured P95 of postgres.memory_read');
  });
});
