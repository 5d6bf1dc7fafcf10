/** `npm run -s budget`: the latency verdicts without a synth, as a table or exact JSON, with exit codes 0 / 1 / 2. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/synth';
import { unwaivedConfigModule } from './support/config';

const tmp = mkdtempSync(join(tmpdir(), 'gigascale-budget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function budget(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'budget.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run -s budget', () => {
  it('prints every verdict of the default config and exits 0', () => {
    const r = budget();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^env {3}region {10}flow {23}p95 ms {2}target ms {2}verdict {2}forwarded write$/m);
    expect(r.stdout).toMatch(/^prod {2}us-west-2 {7}memory\.write +108 +150 {2}ok +\+ 65 ms rtt us-east-1$/m);
    expect(r.stdout).toContain('30 verdicts: 29 within target, 1 waived, 0 breached');
    expect(r.stderr).toBe('');
  });

  it('prints exactly the verdict objects with --json, for one environment with --env', () => {
    const r = budget('--env', 'prod', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(24);
    for (const row of rows) expect(Object.keys(row)).toEqual(['env', 'region', 'flow', 'p95_ms', 'target_ms', 'ok', 'waiver']);
    expect(rows.find((x) => x.region === 'ap-southeast-1' && x.flow === 'memory.write')).toMatchObject({ p95_ms: 263, target_ms: 150, ok: false, waiver: expect.stringContaining('one write region') });
    expect(rows.filter((x) => x.env !== 'prod')).toEqual([]);
  });

  it('exits 1 and names the breach when APAC writes go through a distant write region unwaived', () => {
    const r = budget('--config', unwaivedConfigModule(tmp));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ap-southeast-1 {2}memory\.write +263 +150 {2}BREACH/);
    expect(r.stderr).toContain('gigascale: latency budget failed: 1 flow over target without a waiver:\n  - prod ap-southeast-1 memory.write: static P95 263 ms > target 150 ms');
  });

  it.each([
    [['--env', 'staging'], 'staging: regions.config.ts has no environment "staging"; pass --env with one of dev, prod'],
    [['--env'], '--env: needs a value'],
    [['--verbose'], '--verbose: unknown argument'],
  ])('exits 2 for %j', (args, message) => {
    const r = budget(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('npm run -s budget -- --measured', () => {
  /** A probe --json report with these P95s, written to the temp directory. */
  const probeJson = (name: string, region: string, p95: Record<string, number | null>): string => {
    const file = join(tmp, name);
    const checks = Object.entries(p95).map(([check, ms]) => ({ name: check, count: 400, errors: 0, error_rate: 0, p50_ms: ms, p95_ms: ms, p99_ms: ms, max_ms: ms, budget_p95_ms: null, ok: true }));
    writeFileSync(file, JSON.stringify({ region, checks, ok: true }));
    return file;
  };

  it('exits 0 when every measured stretch and flow holds, and prints exactly the rows with --json', () => {
    const file = probeJson('holds.json', 'eu-west-1', { 'redis.get': 1.5, 'http.get': 2.25 });
    const r = budget('--env', 'prod', '--measured', file, '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['checks', 'flows']);
    expect(report.checks).toEqual([
      { env: 'prod', region: 'eu-west-1', check: 'redis.get', hops: ['cache.get'], measured_p95_ms: 1.5, runs: 1, static_p95_ms: 2, verdict: 'holds' },
      { env: 'prod', region: 'eu-west-1', check: 'http.get', hops: ['lb', 'gateway'], measured_p95_ms: 2.25, runs: 1, static_p95_ms: 3, verdict: 'holds' },
    ]);
    // eu-west-1 writes through us-east-1: memory.write carries the 70 ms round trip as a budgeted term.
    expect(report.flows).toContainEqual({
      env: 'prod',
      region: 'eu-west-1',
      flow: 'memory.write',
      checks: ['http.get'],
      budgeted: ['client.send', 'service', 'db.write', 'kafka.produce', 'client.receive', 'rtt us-east-1'],
      budgeted_ms: 110,
      probed_p95_ms: 112.25,
      runs: 1,
      static_p95_ms: 113,
      target_ms: 150,
      waived: false,
      within_target: true,
      verdict: 'holds',
    });
    expect(report.flows.map((f: { flow: string; verdict: string }) => `${f.flow} ${f.verdict}`)).toEqual([
      'chat.send holds',
      'memory.read holds',
      'memory.write holds',
      'profile.read.cache-hit holds',
      'profile.read.replica-read holds',
    ]);
    expect(r.stderr).toBe('');
  });

  it('exits 1 naming the flows a measurement puts over their targets', () => {
    const file = probeJson('slow-edge.json', 'eu-west-1', { 'profile.read.edge': 20, 'http.get': 3 });
    const slow = probeJson('slow-edge-2.json', 'eu-west-1', { 'profile.read.edge': 64.5 });
    const r = budget('--env', 'prod', '--measured', file, slow);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^prod {2}eu-west-1 {2}profile\.read\.edge-hit +profile\.read\.edge +0 +64\.500 +20 +0\.3x +50 BROKEN +2 {2}model exceeded$/m);
    expect(r.stderr).toBe(
      'gigascale: the latency model drifted from the measurements: eu-west-1 profile.read.edge model exceeded, eu-west-1 profile.read.edge-hit model exceeded\n' +
        'gigascale: measured flows break their targets: eu-west-1 profile.read.edge-hit 64.5 ms > 50 ms\n',
    );
  });

  it('exits 1 and names the drifted stretches over several files, holding a local run to --region', () => {
    const local = probeJson('local.json', 'local', { 'ws.ping': 0.5 });
    const slow = probeJson('slow.json', 'local', { 'ws.ping': 12 });
    const r = budget('--env', 'dev', '--measured', local, slow, '--region', 'us-east-1');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^dev {2}us-east-1 {2}ws\.ping {2}ws\.push {15}12 {13}10 {15}0\.8x {5}2 {2}model exceeded$/m);
    expect(r.stdout).toContain("(the worst of 2 probe runs, held to us-east-1's figures)");
    // ws.ping stands for chat.send's ws.push: 12 ms + 18 ms of budgets is above the flow's static 28 ms, within its 30.
    expect(r.stdout).toMatch(/^dev {2}us-east-1 {2}chat\.send +ws\.ping +18 +30 +28 +0\.9x +30 +2 {2}model exceeded$/m);
    expect(r.stderr).toBe('gigascale: the latency model drifted from the measurements: us-east-1 ws.ping model exceeded, us-east-1 chat.send model exceeded\n');
  });

  it.each([
    [['--measured', 'x.json'], '--measured: needs --env <name>: the environment whose static model the measurements are held to'],
    [['--env', 'prod', '--region', 'us-east-1'], '--region: applies to --measured reports only'],
    [['--env', 'prod', '--measured'], '--measured: needs a value'],
    [['--env', 'prod', '--measured', 'a.json', '--measured', 'b.json'], '--measured: is given twice; list every value after one flag'],
  ])('exits 2 for %j', (args, message) => {
    const r = budget(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming every unreadable or malformed file at once', () => {
    const notJson = join(tmp, 'not.json');
    writeFileSync(notJson, 'p95 12 ms');
    const wrong = join(tmp, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ region: 'us-east-1', checks: [{ name: 'kafka.produce', p95_ms: 3 }] }));
    const missing = join(tmp, 'missing.json');
    const r = budget('--env', 'prod', '--measured', notJson, wrong, missing);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        'gigascale: Invalid measurements (3 problems):',
        `  - ${notJson}: is not JSON (Unexpected token 'p', "p95 12 ms" is not valid JSON); pass the output of npm run -s probe -- --json`,
        `  - ${wrong} checks[0].name: must be one of the probe's checks (postgres.select1, postgres.memory_read, redis.set, redis.get, http.get, profile.read.origin, profile.read.edge, ws.connect, ws.ping, chat.roundtrip), got "kafka.produce"`,
        `  - ${missing}: cannot be read (ENOENT); pass the output of npm run -s probe -- --json`,
        '',
      ].join('\n'),
    );
    expect(r.stdout).toBe('');
  });
});
