/**
 * `npm run probe:local` end to end: bin/probe-local.ts as a child process starts Postgres, redis-server and the
 * HTTP/WebSocket server on 127.0.0.1, probes all of them, and stops them again. Also the local HTTP/WebSocket server
 * on its own, at the scale the load milestones need.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROJECT_ROOT } from '../lib/plan/cdk-json';
import { PROBE_CHECKS } from '../lib/facts/probe-checks';
import { startHttpWsServer, type LocalHttpWsServer } from '../local/http-ws-server';
import { runTsx, type ProcessRun } from './support/process';

/** Runs bin/probe-local.ts with `args`; killed after 120 s, so the test ends whatever the child does. */
function probeLocal(args: readonly string[]): Promise<ProcessRun> {
  return runTsx(['bin/probe-local.ts', ...args], { cwd: PROJECT_ROOT, killAfterMs: 120_000 });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run probe:local', () => {
  let result: ProcessRun;

  beforeAll(async () => {
    // Short windows: what is asserted is that every check runs clean against real services, not its figures.
    result = await probeLocal(['--duration', '1s', '--warmup', '200ms', '--json']);
    console.log(`probe:local exit ${result.code} after ${result.elapsedMs} ms\n${result.stderr}`);
  });

  it('probes every check but profile.read.edge (no local edge) of region local without an error and prints only JSON on stdout', () => {
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      region: string;
      ok: boolean;
      checks: { name: string; count: number; errors: number; p50_ms: number; p95_ms: number; budget_p95_ms: number | null; skipped?: string }[];
    };
    console.log(report.checks.map((c) => `${c.name.padEnd(20)} p50 ${c.p50_ms} ms  p95 ${c.p95_ms} ms  (${c.count} requests)`).join('\n'));
    expect(report.region).toBe('local');
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(PROBE_CHECKS.filter((c) => c !== 'profile.read.edge'));
    for (const c of report.checks) {
      // postgres.memory_read is skipped, with a reason and count 0, when ai_user_memory is missing: not here.
      expect(c.skipped, `${c.name} skipped`).toBeUndefined();
      expect(c.count, `${c.name} count`).toBeGreaterThan(0);
      expect(c.errors, `${c.name} errors`).toBe(0);
      // Region local is in no environment of the config, so it has no budgets: judged on its error rate alone.
      expect(c.budget_p95_ms, `${c.name} budget`).toBeNull();
    }
  });

  it('leaves no service listening and removes its target file', async () => {
    const ports = [...result.stderr.matchAll(/ready on 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(ports, result.stderr).toHaveLength(3);
    expect(await Promise.all(ports.map(listening))).toEqual([false, false, false]);
    const target = /target (\S+)/.exec(result.stderr)?.[1];
    expect(target, result.stderr).toBeDefined();
    expect(existsSync(target!)).toBe(false);
  });
});

describe('the local HTTP/WebSocket server', () => {
  let server: LocalHttpWsServer;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    server = await startHttpWsServer();
  });

  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await server?.stop();
  });

  it('answers GET /gateway/health with 200 ok and other paths with 404', async () => {
    const health = await fetch(server.httpUrl);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const other = await fetch(server.httpUrl.replace('/gateway/health', '/nope'));
    expect(other.status).toBe(404);
  });

  it("answers GET of the probe's reserved public profile with its JSON, as entity would", async () => {
    expect(server.profileUrl).toBe(`http://127.0.0.1:${server.port}/v1/public/profiles/gigascale-probe:profile`);
    const profile = await fetch(server.profileUrl);
    expect([profile.status, profile.headers.get('content-type'), await profile.json()]).toEqual([
      200,
      'application/json',
      { id: 'gigascale-probe:profile', displayName: 'gigascale probe', public: true },
    ]);
    expect((await fetch(server.profileUrl.replace('gigascale-probe:profile', 'someone'))).status).toBe(404);
  });

  it('holds 1,200 WebSocket connections open at once and answers a ping on each', async () => {
    const count = 1_200;
    const opened = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(server.wsUrl);
            sockets.push(ws);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    expect(server.openWebSockets()).toBe(count);
    const pongs = await Promise.all(
      opened.map(
        (ws) =>
          new Promise<boolean>((resolve) => {
            ws.once('pong', () => resolve(true));
            ws.ping();
          }),
      ),
    );
    expect(pongs.filter(Boolean)).toHaveLength(count);
  });
});
