/**
 * The probe's command line end to end: main() in-process against in-test HTTP and WebSocket servers (output,
 * JSON shape, exit codes, budgets from regions.config.ts, milestones), bin/probe.ts under a low descriptor limit,
 * and runProbe against a target whose every endpoint stalls, which must still end on time.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { PROBE_CHECKS } from '../lib/facts/probe-checks';
import { main } from '../probe/main';
import { runProbe } from '../probe/run';
import { runProcess } from './support/process';

const HOST = '127.0.0.1';
const ROOT = resolve(__dirname, '..');
const FAST = ['--duration', '300ms', '--warmup', '100ms', '--rate', '200'];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function probe(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('main', () => {
  let server: Server;
  let wss: WebSocketServer;
  let dir: string;
  let target: string;
  let usEast: string;

  beforeAll(async () => {
    server = createServer((_, res) => res.end('ok'));
    wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('error', () => undefined));
    await new Promise<void>((done) => server.listen(0, HOST, done));
    const { port } = server.address() as { port: number };
    dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-cli-'));
    target = join(dir, 'local.json');
    writeFileSync(target, JSON.stringify({ region: 'local', http: `http://${HOST}:${port}/`, ws: `ws://${HOST}:${port}/` }));
    usEast = join(dir, 'us-east-1.json');
    writeFileSync(usEast, JSON.stringify({ region: 'us-east-1', http: `http://${HOST}:${port}/` }));
  });

  afterAll(async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    wss?.close();
    await new Promise((done) => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the usage with --help and exits 0', async () => {
    const run = await probe(['--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^usage: npm run -s probe -- --target <file\.json>/);
  });

  it('exits 2 on bad arguments, naming the flag on stderr and printing nothing on stdout', async () => {
    expect(await probe(['--target', target, '--rate', '0'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'gigascale probe: Bad arguments (1 problem):\n  - --rate: must be a number of requests per second in 1..10000, got "0"\n',
    });
  });

  it('exits 2 on a missing target file', async () => {
    const run = await probe(['--target', join(dir, 'nope.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--target: no file at ${join(dir, 'nope.json')}`);
  });

  it('prints only the exact JSON with --json, judging a region the config does not know on errors alone', async () => {
    const run = await probe(['--target', target, ...FAST, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['region', 'checks', 'ok']);
    expect(json.region).toBe('local');
    expect(json.ok).toBe(true);
    expect(json.checks.map((c: { name: string }) => c.name)).toEqual(['http.get', 'ws.connect', 'ws.ping']);
    for (const check of json.checks) {
      expect(Object.keys(check)).toEqual(['name', 'count', 'errors', 'error_rate', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'budget_p95_ms', 'ok']);
      expect(check).toMatchObject({ count: 60, errors: 0, error_rate: 0, budget_p95_ms: null, ok: true });
      expect(check.p50_ms).toBeGreaterThan(0);
      expect(check.p95_ms).toBeGreaterThanOrEqual(check.p50_ms);
      expect(Number((check.max_ms as number).toFixed(3))).toBe(check.max_ms);
    }
  });

  it('exits 1 with a FAILED verdict when a check breaks its --budget', async () => {
    const run = await probe(['--target', target, ...FAST, '--budget', 'http.get=0.001']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^http\.get .* FAILED: p95 \d+\.\d{3} ms > 0\.001 ms$/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Verdict: FAILED, 1 of 3 checks broke its P95 budget or error-rate limit: http.get.');
  });

  it('holds a check to the latency model\'s budget for a region of the config', async () => {
    const run = await probe(['--target', usEast, ...FAST, '--json', '--env', 'prod']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).checks[0]).toMatchObject({ name: 'http.get', budget_p95_ms: 3 });
  });

  it('exits 2 on an --env the config does not have', async () => {
    const run = await probe(['--target', usEast, ...FAST, '--env', 'nowhere']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gigascale probe: Bad arguments \(1 problem\):\n {2}- --env: the config has no environment "nowhere"; pass one of /);
  });

  it('prints one EMF line per check with --emf', async () => {
    const run = await probe(['--target', target, ...FAST, '--emf']);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.Environment, l.Region, l.Check])).toEqual([
      ['none', 'local', 'http.get'],
      ['none', 'local', 'ws.connect'],
      ['none', 'local', 'ws.ping'],
    ]);
    expect(lines[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Gigascale/Probe');
  });

  it('runs a milestone as a closed model, held to its P95 and error rate', async () => {
    const run = await probe(['--target', target, '--milestone', 'phase1', '--scale', '0.01', '--duration', '300ms', '--warmup', '100ms', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const checks = JSON.parse(run.stdout).checks;
    expect(checks.map((c: { budget_p95_ms: number }) => c.budget_p95_ms)).toEqual([200, 200, 200]);
    expect(checks.every((c: { count: number; errors: number }) => c.count >= 10 && c.errors === 0)).toBe(true);
  });
});

describe('bin/probe.ts', () => {
  it('exits 2 before connecting when a milestone needs more file descriptors than the process may open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-fd-'));
    try {
      writeFileSync(join(dir, 't.json'), JSON.stringify({ region: 'local', ws: `ws://${HOST}:1/` }));
      const run = await runProcess('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" --import tsx bin/probe.ts --target "${join(dir, 't.json')}" --milestone phase1`], {
        cwd: ROOT,
        killAfterMs: 30_000,
      });
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^gigascale probe: Bad arguments \(1 problem\):\n {2}- --milestone: phase1 at --scale 1 holds up to 2,000 connections \(2 per user\) open at once, but this process may open 256 file descriptors \(ulimit -n\) and has \d+ open; raise the limit \(ulimit -n \d+\), or lower --scale to 0\.\d+ or less \(\d+ users\)\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runProbe', () => {
  it('ends every check on time when every endpoint accepts connections and never answers', async () => {
    const sockets = new Set<Socket>();
    const stalled = createTcpServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((done) => stalled.listen(0, HOST, done));
    const { port } = stalled.address() as { port: number };
    try {
      const began = performance.now();
      const report = await runProbe({
        target: { region: 'local', postgres: `postgres://u:p@${HOST}:${port}/db`, redis: `redis://${HOST}:${port}`, http: `http://${HOST}:${port}/`, profile_origin: `http://${HOST}:${port}/p`, profile_edge: `http://${HOST}:${port}/p`, ws: `ws://${HOST}:${port}/`, chat: `ws://${HOST}:${port}/` },
        environments: [],
        durationMs: 200,
        warmupMs: 100,
        ratePerSecond: 50,
        timeoutMs: 200,
      });
      const ms = performance.now() - began;
      expect(report.checks.map((c) => [c.name, c.count, c.errors])).toEqual(PROBE_CHECKS.map((c) => [c, 10, 10]));
      expect(report.ok).toBe(false);
      // Each check: setup (≤ 200 ms) + warm-up 100 + window 200 + timeout 200, with room for a busy machine.
      expect(ms).toBeLessThan(PROBE_CHECKS.length * 700 + 2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((done) => stalled.close(done));
    }
  });
});
