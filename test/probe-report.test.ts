/** Judging a check, the --json document, the table, the EMF lines, budgets from the plan, and the milestones. */
import { describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { DEFAULT_HOP_BUDGETS_MS } from '../lib/facts/hops';
import { probeBudgets, type BudgetEnvironment } from '../probe/budgets';
import { PROBE_CHECKS, probeBudgetsMs } from '../lib/facts/probe-checks';
import { emfLines } from '../probe/emf';
import type { Measurement } from '../probe/histogram';
import { milestoneConcurrency, MILESTONES } from '../probe/milestones';
import { formatProbeReport, judgeCheck, probeJson, probeReport, type ProbeLoad } from '../probe/report';

const OPEN: ProbeLoad = { model: 'open', ratePerSecond: 100, warmupMs: 2_000, durationMs: 10_000, timeoutMs: 1_000 };

function measured(count: number, errors: number, p95Ms: number | null): Measurement {
  return {
    count,
    errors,
    latency: p95Ms === null ? null : { p50Ms: 0.0404, p95Ms, p99Ms: p95Ms * 2, maxMs: 12.3456789 },
    errorCounts: errors === 0 ? [] : [{ message: 'connect ECONNREFUSED 127.0.0.1:6379', count: errors }],
  };
}

describe('judgeCheck', () => {
  it('holds a check within its budget and error rate', () => {
    expect(judgeCheck('redis.get', measured(1000, 1, 1.9), 2, 0.001)).toMatchObject({ ok: true, errorRate: 0.001, failures: [] });
  });

  it('holds a P95 equal to the budget', () => {
    expect(judgeCheck('redis.get', measured(1000, 0, 2), 2, 0.001).ok).toBe(true);
  });

  it('breaks a check whose P95 is over budget, and says by how much', () => {
    expect(judgeCheck('redis.get', measured(1000, 0, 2.5), 2, 0.001)).toMatchObject({ ok: false, failures: ['p95 2.500 ms > 2 ms'] });
  });

  it('breaks a check whose error rate is over the limit, whatever its latency', () => {
    expect(judgeCheck('redis.get', measured(1000, 2, 0.5), 2, 0.001)).toMatchObject({ ok: false, failures: ['error rate 0.20 % > 0.10 %'] });
  });

  it('judges a check without a budget on its error rate alone', () => {
    expect(judgeCheck('redis.get', measured(1000, 0, 500), null, 0.001).ok).toBe(true);
    expect(judgeCheck('redis.get', measured(10, 10, null), null, 1).ok).toBe(true);
  });

  it('breaks a check with a budget when no request was answered', () => {
    expect(judgeCheck('redis.get', measured(10, 10, null), 2, 1)).toMatchObject({ ok: false, failures: ['no answer to measure against the 2 ms budget'] });
  });

  it('holds a skipped check, with no requests', () => {
    expect(judgeCheck('postgres.memory_read', { skipped: 'no table' }, 10, 0.001)).toMatchObject({ ok: true, count: 0, errors: 0, errorRate: 0, latency: null, skipped: 'no table' });
  });
});

describe('probeJson', () => {
  const report = probeReport('eu-west-1', 'prod', OPEN, [
    judgeCheck('postgres.select1', measured(1000, 0, 3.21), 10, 0.001),
    judgeCheck('postgres.memory_read', { skipped: 'table ai_user_memory does not exist' }, 10, 0.001),
    judgeCheck('redis.get', measured(1000, 1000, null), 2, 0.001),
  ]);

  it('is exactly {region, checks, ok}, each check with its keys in order, milliseconds to 3 decimals', () => {
    const json = probeJson(report);
    expect(JSON.stringify(json)).toBe(
      JSON.stringify({
        region: 'eu-west-1',
        checks: [
          { name: 'postgres.select1', count: 1000, errors: 0, error_rate: 0, p50_ms: 0.04, p95_ms: 3.21, p99_ms: 6.42, max_ms: 12.346, budget_p95_ms: 10, ok: true },
          {
            name: 'postgres.memory_read',
            count: 0,
            errors: 0,
            error_rate: 0,
            p50_ms: null,
            p95_ms: null,
            p99_ms: null,
            max_ms: null,
            budget_p95_ms: 10,
            ok: true,
            skipped: 'table ai_user_memory does not exist',
          },
          { name: 'redis.get', count: 1000, errors: 1000, error_rate: 1, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null, budget_p95_ms: 2, ok: false },
        ],
        ok: false,
      }),
    );
  });
});

describe('formatProbeReport', () => {
  it('prints the load, a row per check, the errors and the verdict', () => {
    const report = probeReport('local', null, OPEN, [judgeCheck('redis.set', measured(1000, 0, 0.05), null, 0.001), judgeCheck('redis.get', measured(1000, 1000, null), null, 0.001)]);
    expect(formatProbeReport(report)).toEqual([
      "Probe of local: open model, 100 requests/s on schedule for 10s after a 2s warm-up, timeout 1s; latency from each request's intended start",
      '',
      'check      count  errors  error rate  p50 ms  p95 ms  p99 ms  max ms  budget p95 ms  verdict',
      'redis.set   1000       0      0.00 %   0.040   0.050   0.100  12.346           none  ok',
      'redis.get   1000    1000    100.00 %       -       -       -       -           none  FAILED: error rate 100.00 % > 0.10 %',
      '',
      'Errors:',
      '  redis.get: 1000 × connect ECONNREFUSED 127.0.0.1:6379',
      '',
      'Verdict: FAILED, 1 of 2 checks broke its P95 budget or error-rate limit: redis.get.',
    ]);
  });

  it('describes a milestone run and an all-ok verdict', () => {
    const load: ProbeLoad = { model: 'closed', milestone: 'phase2', users: 10_000, scale: 0.1, concurrency: 1_000, warmupMs: 2_000, durationMs: 10_000, timeoutMs: 1_000 };
    const lines = formatProbeReport(probeReport('local', null, load, [judgeCheck('ws.ping', measured(50_000, 0, 120), 500, 0.005)]));
    expect(lines[0]).toBe('Milestone phase2 against local: 1,000 virtual users (10,000 × scale 0.1), back to back for 10s after a 2s warm-up, timeout 1s');
    expect(lines.at(-1)).toBe('Verdict: ok, every check holds (1 check).');
  });
});

describe('emfLines', () => {
  const report = probeReport('eu-west-1', 'prod', OPEN, [
    judgeCheck('redis.get', measured(1000, 0, 1.5), 2, 0.001),
    judgeCheck('ws.ping', measured(1000, 1000, null), null, 0.001),
    judgeCheck('postgres.memory_read', { skipped: 'no table' }, 10, 0.001),
  ]);

  it('prints one CloudWatch EMF line per check: namespace, the three dimensions, the metrics with units, the budget', () => {
    const [line] = emfLines(report, 1_700_000_000_000);
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        LogGroupName: '/gigascale/prod/eu-west-1/probe',
        CloudWatchMetrics: [
          {
            Namespace: 'Gigascale/Probe',
            Dimensions: [['Environment', 'Region', 'Check']],
            Metrics: [
              { Name: 'P50', Unit: 'Milliseconds' },
              { Name: 'P95', Unit: 'Milliseconds' },
              { Name: 'P99', Unit: 'Milliseconds' },
              { Name: 'Max', Unit: 'Milliseconds' },
              { Name: 'ErrorRate', Unit: 'None' },
              { Name: 'Count', Unit: 'Count' },
            ],
          },
        ],
      },
      Environment: 'prod',
      Region: 'eu-west-1',
      Check: 'redis.get',
      P50: 0.04,
      P95: 1.5,
      P99: 3,
      Max: 12.346,
      ErrorRate: 0,
      Count: 1000,
      BudgetP95: 2,
      Ok: true,
    });
    expect(line).not.toContain('\n');
  });

  it('leaves out the latencies nobody answered and the budget a check does not have', () => {
    const parsed = JSON.parse(emfLines(report, 0)[1]);
    expect(parsed._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'ErrorRate', Unit: 'None' },
      { Name: 'Count', Unit: 'Count' },
    ]);
    expect(parsed).toMatchObject({ Check: 'ws.ping', ErrorRate: 1, Count: 1000, Ok: false });
    expect(Object.keys(parsed)).not.toContain('P95');
    expect(Object.keys(parsed)).not.toContain('BudgetP95');
  });

  it('reports a skipped check as a count of 0 with the reason', () => {
    const parsed = JSON.parse(emfLines(report, 0)[2]);
    expect(parsed._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'Count', Unit: 'Count' }]);
    expect(parsed).toMatchObject({ Check: 'postgres.memory_read', Count: 0, Skipped: 'no table', Ok: true });
  });

  it('names the environment "none" without --env', () => {
    const line = JSON.parse(emfLines(probeReport('local', null, OPEN, report.checks), 0)[0]);
    expect(line.Environment).toBe('none');
    // No environment, no group of its own: the agent's default group takes the line.
    expect(line._aws.LogGroupName).toBeUndefined();
  });
});

describe('probeBudgets', () => {
  const env = (name: string, regions: string[], cacheGetMs = DEFAULT_HOP_BUDGETS_MS['cache.get']): BudgetEnvironment => ({
    name,
    regions: regions.map((r) => ({ name: r })),
    latencyBudgets: { probeChecksMs: probeBudgetsMs({ ...DEFAULT_HOP_BUDGETS_MS, 'cache.get': cacheGetMs }) },
  });
  const environments = [env('dev', ['us-east-1']), env('prod', ['us-east-1', 'eu-west-1'], 3)];
  const refusal = (run: () => unknown): string => {
    try {
      run();
    } catch (e) {
      if (e instanceof GigascaleError && e.exitCode === 2) return e.message;
      throw e;
    }
    throw new Error('accepted');
  };

  it('gives every check the model budget of the one environment listing the region', () => {
    expect(probeBudgets({ environments, region: 'eu-west-1', checks: PROBE_CHECKS, overridesMs: {} })).toEqual({
      'postgres.select1': 10,
      'postgres.memory_read': 10,
      'redis.set': 2,
      'redis.get': 3,
      'http.get': 3,
      'profile.read.origin': 11,
      'profile.read.edge': 20,
      'ws.connect': 8,
      'ws.ping': 10,
      'chat.roundtrip': 18,
    });
  });

  it('lets --budget win over the model', () => {
    expect(probeBudgets({ environments, region: 'eu-west-1', checks: ['redis.get'], overridesMs: { 'redis.get': 0.5 } })).toEqual({ 'redis.get': 0.5 });
  });

  it('gives no budget in a region the config does not know', () => {
    expect(probeBudgets({ environments, region: 'local', checks: ['redis.get', 'http.get'], overridesMs: { 'http.get': 4 } })).toEqual({ 'redis.get': null, 'http.get': 4 });
  });

  it('needs no --env when the environments listing the region agree on the check', () => {
    expect(probeBudgets({ environments, region: 'us-east-1', checks: ['redis.set'], overridesMs: {} })).toEqual({ 'redis.set': 2 });
  });

  it('asks for --env when they disagree, with each budget', () => {
    expect(refusal(() => probeBudgets({ environments, region: 'us-east-1', checks: ['redis.get'], overridesMs: {} }))).toBe(
      'Bad arguments (1 problem):\n  - --env: region us-east-1 is in environments dev, prod, whose redis.get budgets differ (2 ms in dev, 3 ms in prod); pass --env to choose one',
    );
  });

  it('takes the budget of the environment --env names', () => {
    expect(probeBudgets({ environments, region: 'us-east-1', env: 'prod', checks: ['redis.get'], overridesMs: {} })).toEqual({ 'redis.get': 3 });
  });

  it('refuses an unknown --env, and one without the region', () => {
    expect(refusal(() => probeBudgets({ environments, region: 'us-east-1', env: 'qa', checks: [], overridesMs: {} }))).toBe(
      'Bad arguments (1 problem):\n  - --env: the config has no environment "qa"; pass one of dev, prod',
    );
    expect(refusal(() => probeBudgets({ environments, region: 'eu-west-1', env: 'dev', checks: [], overridesMs: {} }))).toBe(
      'Bad arguments (1 problem):\n  - --env: environment dev has no region "eu-west-1" (the target\'s); its regions are us-east-1; fix the target\'s region or --env',
    );
  });
});

describe('milestones', () => {
  it('holds the seed milestones as data', () => {
    expect(MILESTONES).toEqual({
      phase1: { users: 1_000, p95Ms: 200, maxErrorRate: 0.001 },
      phase2: { users: 10_000, p95Ms: 500, maxErrorRate: 0.005 },
      phase3: { users: 100_000, p95Ms: 1_000, maxErrorRate: 0.01 },
      phase4: { users: 1_000_000, p95Ms: 2_000, maxErrorRate: 0.02 },
      phase5: { users: 10_000_000, p95Ms: 3_000, maxErrorRate: 0.03 },
    });
  });

  it.each([
    ['phase1', 1, 1_000],
    ['phase1', 0.07, 70],
    ['phase2', 0.57, 5_700],
    ['phase3', 0.0003, 30],
    ['phase1', 0.0001, 1],
    ['phase5', 0.00001, 100],
  ] as const)('runs %s at scale %d with %d virtual users', (milestone, scale, users) => {
    expect(milestoneConcurrency(milestone, scale)).toBe(users);
  });
});
