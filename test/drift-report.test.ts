/**
 * The drift report (lib/views/drift-report.ts): the probe's measured P95s held to the static model, and the probe
 * reports it reads. bin/budget.ts's --measured is exercised in budget-cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { environmentOf, resolvePlan } from '../lib/plan';
import type { Issue } from '../lib/util/errors';
import { driftFlagged, driftJson, driftRows, driftVerdict, flowDriftJson, flowDriftRows, formatDrift, overTarget, parseMeasuredRun, PESSIMISM_FACTOR, type MeasuredRun } from '../lib/views/drift-report';
import defaultConfig from '../regions.config';

const prod = environmentOf(resolvePlan(defaultConfig), 'prod');
const run = (file: string, region: string, p95: Record<string, number | null>): MeasuredRun => ({
  file,
  region,
  checks: Object.entries(p95).map(([name, p95Ms]) => ({ name: name as MeasuredRun['checks'][number]['name'], p95Ms })),
});

describe('verdicts', () => {
  it.each([
    [10.001, 10, 'model exceeded'],
    [10, 10, 'holds'],
    [5, 10, 'holds'],
    [4.999, 10, 'too pessimistic'],
    [0, 10, 'too pessimistic'],
    [null, 10, 'not measured'],
  ] as const)('measured %s against static %s: %s', (measured, bound, verdict) => {
    expect(driftVerdict(measured, bound)).toBe(verdict);
  });

  it('calls a bound more than twice the measurement too pessimistic', () => {
    expect(PESSIMISM_FACTOR).toBe(2);
  });
});

describe('rows', () => {
  const runs = [
    run('a.json', 'us-east-1', { 'redis.get': 1.25, 'http.get': 3.5, 'ws.ping': null }),
    run('b.json', 'us-east-1', { 'redis.get': 1.75, 'http.get': 2.5 }),
    run('c.json', 'eu-west-1', { 'postgres.select1': 4, 'redis.set': 0.5 }),
  ];

  it('sets the worst measured P95 of each region and check beside the static P95 of its hops', () => {
    const rows = driftRows(prod, runs);
    expect(rows.map(driftJson)).toEqual([
      { env: 'prod', region: 'us-east-1', check: 'redis.get', hops: ['cache.get'], measured_p95_ms: 1.75, runs: 2, static_p95_ms: 2, verdict: 'holds' },
      { env: 'prod', region: 'us-east-1', check: 'http.get', hops: ['lb', 'gateway'], measured_p95_ms: 3.5, runs: 2, static_p95_ms: 3, verdict: 'model exceeded' },
      { env: 'prod', region: 'us-east-1', check: 'ws.ping', hops: ['ws.push'], measured_p95_ms: null, runs: 0, static_p95_ms: 10, verdict: 'not measured' },
      { env: 'prod', region: 'eu-west-1', check: 'postgres.select1', hops: ['replica.read'], measured_p95_ms: 4, runs: 1, static_p95_ms: 10, verdict: 'too pessimistic' },
      { env: 'prod', region: 'eu-west-1', check: 'redis.set', hops: ['cache.set'], measured_p95_ms: 0.5, runs: 1, static_p95_ms: 2, verdict: 'too pessimistic' },
    ]);
    expect(driftFlagged(rows).map((r) => `${r.region} ${r.check}`)).toEqual(['us-east-1 http.get', 'eu-west-1 postgres.select1', 'eu-west-1 redis.set']);
  });

  it("follows the environment's hop budgets", () => {
    const budgets = { ...prod.latencyBudgets, probeChecksMs: { ...prod.latencyBudgets.probeChecksMs, 'http.get': 4 } };
    const [row] = driftRows({ ...prod, latencyBudgets: budgets }, [run('a.json', 'us-east-1', { 'http.get': 3.5 })]);
    expect(row).toMatchObject({ staticP95Ms: 4, verdict: 'holds' });
  });

  it("sets each flow's probed P95 (the checks' worst P95s plus the budgets of the rest) beside its static P95 and target", () => {
    const flows = flowDriftRows(prod, driftRows(prod, runs));
    expect(flows.map((f) => `${f.region} ${f.flow} ${f.checks.join('+')} ${f.budgetedMs} ${f.probedP95Ms} ${f.staticP95Ms} ${f.verdict}`)).toEqual([
      // http.get's 3.5 ms is 0.5 ms over the budgets of lb and gateway, and so is every flow it stands in.
      'us-east-1 chat.send http.get 25 28.5 28 model exceeded',
      'us-east-1 memory.read http.get+redis.get 35 40.25 40 model exceeded',
      'us-east-1 memory.write http.get 40 43.5 43 model exceeded',
      'us-east-1 profile.read.cache-hit http.get+redis.get 25 30.25 30 model exceeded',
      'us-east-1 profile.read.replica-read http.get+redis.get 37 42.25 42 model exceeded',
      // postgres.select1 is a baseline and stands for no flow; redis.set measures cache.set of a replica read.
      'eu-west-1 profile.read.replica-read redis.set 40 40.5 42 holds',
    ]);
    expect(flowDriftJson(flows[1])).toEqual({
      env: 'prod',
      region: 'us-east-1',
      flow: 'memory.read',
      checks: ['http.get', 'redis.get'],
      budgeted: ['client.send', 'service', 'replica.read', 'client.receive'],
      budgeted_ms: 35,
      probed_p95_ms: 40.25,
      runs: 2,
      static_p95_ms: 40,
      target_ms: 50,
      waived: false,
      within_target: true,
      verdict: 'model exceeded',
    });
    expect(overTarget(flows)).toEqual([]);
  });

  it("holds a flow to its target, and a waived one to its static P95, whatever the model says", () => {
    const slow = [run('s.json', 'ap-southeast-1', { 'http.get': 30 }), run('e.json', 'eu-west-1', { 'http.get': 1 })];
    const flows = flowDriftRows(prod, driftRows(prod, slow));
    expect(overTarget(flows).map((f) => `${f.region} ${f.flow} ${f.probedP95Ms} > ${f.targetMs}${f.waived ? ' waived' : ''}`)).toEqual([
      'ap-southeast-1 chat.send 55 > 30',
      'ap-southeast-1 memory.read 67 > 50',
      'ap-southeast-1 memory.write 290 > 263 waived',
      'ap-southeast-1 profile.read.cache-hit 57 > 50',
      'ap-southeast-1 profile.read.replica-read 69 > 50',
    ]);
  });

  it('prints a row per region and check and per region and flow, what the flags mean, and a summary naming the drifted stretches', () => {
    const rows = driftRows(prod, runs);
    expect(formatDrift(rows, flowDriftRows(prod, rows), runs.length)).toBe(
      [
        'Latency drift: measured P95 (the worst of 3 probe runs) beside the static P95 of the hops each check crosses',
        'env   region     check             hops          measured p95 ms  static p95 ms  static / measured  runs  verdict',
        'prod  us-east-1  redis.get         cache.get               1.750              2               1.1x     2  holds',
        'prod  us-east-1  http.get          lb + gateway            3.500              3               0.9x     2  model exceeded',
        'prod  us-east-1  ws.ping           ws.push                     -             10                  -     0  not measured',
        'prod  eu-west-1  postgres.select1  replica.read                4             10               2.5x     1  too pessimistic',
        'prod  eu-west-1  redis.set         cache.set               0.500              2               4.0x     1  too pessimistic',
        '',
        "Flows: probed P95 (the checks' P95s above + the budgets of what they do not measure) beside the flow's static P95 and target",
        'env   region     flow                       measured by           budgeted ms  probed p95 ms  static p95 ms  static / probed  target ms  runs  verdict',
        'prod  us-east-1  chat.send                  http.get                       25         28.500             28             1.0x         30     2  model exceeded',
        'prod  us-east-1  memory.read                http.get + redis.get           35         40.250             40             1.0x         50     2  model exceeded',
        'prod  us-east-1  memory.write               http.get                       40         43.500             43             1.0x        150     2  model exceeded',
        'prod  us-east-1  profile.read.cache-hit     http.get + redis.get           25         30.250             30             1.0x         50     2  model exceeded',
        'prod  us-east-1  profile.read.replica-read  http.get + redis.get           37         42.250             42             1.0x         50     2  model exceeded',
        'prod  eu-west-1  profile.read.replica-read  redis.set                      40         40.500             42             1.0x         50     1  holds',
        '',
        'model exceeded: the measurement is above the static P95; raise the hop budgets (latencyBudgets.hopsMs) or find what is slow.',
        'too pessimistic: the static P95 is more than 2x the measurement, so a regression of that size would pass; lower the hop budgets.',
        "BROKEN: the probed P95 is above the flow's target (a waived flow's: its static P95); the platform misses it, whatever the model says.",
        '',
        '5 measured stretches: 1 hold, 1 model exceeded, 2 too pessimistic, 1 not measured; 6 flows: 1 hold, 5 model exceeded, 0 too pessimistic, 0 broken; ' +
          'the model drifted on us-east-1 http.get, eu-west-1 postgres.select1, eu-west-1 redis.set, us-east-1 chat.send, us-east-1 memory.read, us-east-1 memory.write, ' +
          'us-east-1 profile.read.cache-hit, us-east-1 profile.read.replica-read',
      ].join('\n'),
    );
  });

  it('holds runs of a region outside the environment to the region --region names, and refuses them without it', () => {
    const local = [run('local.json', 'local', { 'redis.get': 0.62 })];
    expect(driftRows(prod, local, 'us-west-2').map((r) => `${r.region} ${r.check} ${r.verdict}`)).toEqual(['us-west-2 redis.get too pessimistic']);
    expect(formatDrift(driftRows(prod, local, 'us-west-2'), [], 1, 'us-west-2').split('\n')[0]).toBe(
      "Latency drift: measured P95 (the worst of 1 probe run, held to us-west-2's figures) beside the static P95 of the hops each check crosses",
    );
    expect(() => driftRows(prod, local)).toThrow(
      [
        'Invalid measurements (1 problem):',
        "  - local.json region: environment prod has no region local (its regions are us-east-1, us-west-2, eu-west-1, ap-southeast-1); pass --region <one of them> to hold this run to that region's figures",
      ].join('\n'),
    );
    expect(() => driftRows(prod, local, 'eu-central-1')).toThrow('  - --region: environment prod has no region eu-central-1; its regions are us-east-1, us-west-2, eu-west-1, ap-southeast-1');
  });
});

describe('probe reports', () => {
  it("reads the probe's --json document", () => {
    const issues: Issue[] = [];
    const document = {
      region: 'eu-west-1',
      checks: [
        { name: 'redis.get', count: 400, errors: 0, error_rate: 0, p50_ms: 0.3, p95_ms: 0.62, p99_ms: 1, max_ms: 2, budget_p95_ms: 2, ok: true },
        { name: 'postgres.memory_read', count: 0, errors: 0, error_rate: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null, budget_p95_ms: 10, ok: true, skipped: 'no table' },
      ],
      ok: true,
    };
    expect(parseMeasuredRun('r.json', document, issues)).toEqual(run('r.json', 'eu-west-1', { 'redis.get': 0.62, 'postgres.memory_read': null }));
    expect(issues).toEqual([]);
  });

  it('reports every problem of a document at once, with the file and the path', () => {
    const issues: Issue[] = [];
    const document = { region: 7, checks: [{ name: 'redis.gett', p95_ms: 1 }, 'x', { name: 'redis.get', p95_ms: -1 }, { name: 'http.get', p95_ms: 1 }, { name: 'http.get', p95_ms: 2 }] };
    expect(parseMeasuredRun('r.json', document, issues)).toBeUndefined();
    expect(issues.map((i) => `${i.at}: ${i.message}`)).toEqual([
      'r.json region: must be the region the probe measured, got 7',
      "r.json checks[0].name: must be one of the probe's checks (postgres.select1, postgres.memory_read, redis.set, redis.get, http.get, profile.read.origin, profile.read.edge, ws.connect, ws.ping, chat.roundtrip), got \"redis.gett\"",
      'r.json checks[1]: must be an object with "name" and "p95_ms"',
      'r.json checks[2].p95_ms: must be milliseconds (a number ≥ 0) or null, got -1',
      'r.json checks[4].name: repeats http.get; a report has each check once',
    ]);
  });

  it('refuses what is not a probe report', () => {
    const issues: Issue[] = [];
    expect(parseMeasuredRun('a.json', [1, 2], issues)).toBeUndefined();
    expect(parseMeasuredRun('b.json', { region: 'x', checks: {} }, issues)).toBeUndefined();
    expect(issues.map((i) => `${i.at}: ${i.message}`)).toEqual([
      'a.json: must be the JSON object `npm run -s probe -- --json` prints, {"region", "checks": [...], "ok"}',
      "b.json checks: must be the probe's array of checks, got {}",
    ]);
  });
});
