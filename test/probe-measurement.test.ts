/**
 * Does the probe measure what the network does? bin/probe.ts runs as a child process (`node --import tsx`, as in
 * the CronJob) against real local services (redis-server, the local HTTP/WebSocket server, embedded Postgres)
 * behind a TCP proxy that adds a known delay, drops every connection, or stalls them: its p50 must show the delay,
 * its error counts the faults, and it must end on time whatever the target does. A last test holds its own overhead
 * to redis-benchmark's on the same server. Everything listens on 127.0.0.1 only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../lib/plan/cdk-json';
import type { ProbeTarget } from '../lib/facts/probe-checks';
import { startHttpWsServer, type LocalHttpWsServer } from '../local/http-ws-server';
import { startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { run } from '../local/process';
import { startPlainRedis, type PlainRedis } from '../local/redis-server';
import { runTsx, type ProcessRun } from './support/process';
import { startTcpProxy, type ProxyMode, type TcpProxy } from './support/tcp-proxy';
import type { CheckJson, ProbeJson } from '../probe/report';

const DELAY_MS = 20;
/** A p50 within ±10 % of the delay: 18..22 ms. */
const DELAY_TOLERANCE = 0.1;
/** No probe run may outlive this, whatever it does; the tests' own bounds are tighter. */
const KILL_AFTER_MS = 120_000;
/**
 * Scheduling priority (nice value) of every process on the measured path: this worker (the proxies and the HTTP
 * server), redis-server and each probe. The other test files run in parallel on the same 2 cores, and a CDK synth
 * among them would otherwise add its run-queue waits to every hop, milliseconds that are the machine's, not the
 * probe's. Needs root (as tests here run); without it the priorities stay as they are.
 */
const MEASURED_NICE = -10;
let favourRefused = false;

/** Gives `pid` MEASURED_NICE if this process may; says so once when it may not. */
function favour(pid: number): void {
  try {
    setPriority(pid, MEASURED_NICE);
  } catch (e) {
    if (!favourRefused) console.log(`cannot raise the priority of the measured processes (${(e as Error).message}); measuring at normal priority`);
    favourRefused = true;
  }
}

/** A line of a V8 stack trace (`    at fn (file.ts:12:5)`): what a crash, or an error printed raw, leaves on stderr. */
const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

describe('the probe against delaying, dropping and stalling proxies', () => {
  let redis: PlainRedis | undefined;
  let http: LocalHttpWsServer | undefined;
  let postgres: LocalPostgres | undefined;
  const proxies: TcpProxy[] = [];
  let dir: string;
  const workerNice = getPriority();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-measurement-'));
    [redis, http, postgres] = await Promise.all([startPlainRedis(), startHttpWsServer(), startLocalPostgres()]);
    favour(process.pid);
    favour(redis.pid);
  });

  afterAll(async () => {
    await Promise.allSettled([...proxies.map((p) => p.stop()), redis?.stop(), http?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    if (!favourRefused) setPriority(process.pid, workerNice);
  });

  async function proxy(targetPort: number, mode: ProxyMode, delayMs?: number): Promise<TcpProxy> {
    const p = await startTcpProxy({ targetPort, mode, delayMs });
    proxies.push(p);
    return p;
  }

  /** Writes `target` to a file and runs bin/probe.ts on it with `args`; never longer than KILL_AFTER_MS. */
  function probe(target: ProbeTarget, args: readonly string[]): Promise<ProcessRun> {
    const file = join(dir, `target-${proxies.length}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(target));
    return runTsx(['bin/probe.ts', '--target', file, ...args], {
      cwd: PROJECT_ROOT,
      killAfterMs: KILL_AFTER_MS,
      onSpawn: (child) => {
        if (child.pid !== undefined) favour(child.pid);
      },
    });
  }

  function report(result: ProcessRun): ProbeJson {
    try {
      return JSON.parse(result.stdout) as ProbeJson;
    } catch {
      throw new Error(`the probe's stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
    }
  }

  function check(r: ProbeJson, name: string): CheckJson {
    const found = r.checks.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no ${name} in the report: ${JSON.stringify(r)}`);
    return found;
  }

  it(`reports a p50 within ±${DELAY_TOLERANCE * 100} % of a ${DELAY_MS} ms delay added in front of redis, and the delay for http`, async () => {
    const [redisProxy, httpProxy] = await Promise.all([proxy(redis!.port, 'delay', DELAY_MS), proxy(http!.port, 'delay', DELAY_MS)]);
    const target: ProbeTarget = {
      region: 'local',
      redis: `redis://127.0.0.1:${redisProxy.port}`,
      http: `http://127.0.0.1:${httpProxy.port}/gateway/health`,
    };
    // Held to ±10 %: what a 20 ms round trip to redis-server is measured as. http.get is held to a looser band: its
    // own base latency here (Node's HTTP client and server, ~1-1.5 ms p50 in probe:local) is most of the 2 ms
    // tolerance; the band still catches a lost delay or a gross error such as a Nagle stall (40 ms).
    const bands: Readonly<Record<string, readonly [number, number]>> = {
      'redis.set': [DELAY_MS * (1 - DELAY_TOLERANCE), DELAY_MS * (1 + DELAY_TOLERANCE)],
      'redis.get': [DELAY_MS * (1 - DELAY_TOLERANCE), DELAY_MS * (1 + DELAY_TOLERANCE)],
      'http.get': [DELAY_MS * (1 - DELAY_TOLERANCE), DELAY_MS * 1.25],
    };
    const within = (c: CheckJson): boolean => c.p50_ms !== null && c.p50_ms >= bands[c.name][0] && c.p50_ms <= bands[c.name][1];
    // The base round trip through the proxy is ~0.5-1 ms on this machine, so a p50 lands near 21 ms, and a busy
    // moment of the 2 shared cores (vitest runs other test files in parallel forks) can push it past 22 ms: the best
    // of up to 3 attempts counts: the first with every p50 in its band, else the one with redis closest to the delay.
    let best: { deviation: number; checks: CheckJson[] } | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await probe(target, ['--duration', '2s', '--warmup', '500ms', '--rate', '200', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const checks = Object.keys(bands).map((name) => check(report(result), name));
      for (const c of checks) {
        console.log(`attempt ${attempt}: ${c.name} through a ${DELAY_MS} ms delay proxy: p50 ${c.p50_ms} ms (p95 ${c.p95_ms} ms, ${c.count} requests, ${c.errors} errors)`);
        expect(c.errors, `${c.name} errors`).toBe(0);
        expect(c.count, `${c.name} count`).toBeGreaterThan(0);
      }
      const deviation = Math.max(...checks.filter((c) => c.name !== 'http.get').map((c) => Math.abs((c.p50_ms ?? Number.POSITIVE_INFINITY) - DELAY_MS)));
      if (checks.every(within)) {
        best = { deviation, checks };
        break;
      }
      if (best === undefined || deviation < best.deviation) best = { deviation, checks };
    }
    for (const c of best!.checks) {
      expect(c.p50_ms, `${c.name} p50`).toBeGreaterThanOrEqual(bands[c.name][0]);
      expect(c.p50_ms, `${c.name} p50`).toBeLessThanOrEqual(bands[c.name][1]);
    }
  });

  it.each(['drop', 'stall'] as const)(
    'counts every request through a %s proxy as an error, exits 1 in bounded time, and prints no stack trace',
    async (mode) => {
      const [pgProxy, redisProxy, httpProxy] = await Promise.all([proxy(postgres!.port, mode), proxy(redis!.port, mode), proxy(http!.port, mode)]);
      const target: ProbeTarget = {
        region: 'local',
        postgres: postgres!.url.replace(`:${postgres!.port}/`, `:${pgProxy.port}/`),
        redis: `redis://127.0.0.1:${redisProxy.port}`,
        http: `http://127.0.0.1:${httpProxy.port}/gateway/health`,
        ws: `ws://127.0.0.1:${httpProxy.port}/ws`,
      };
      const [warmupMs, durationMs, timeoutMs] = [200, 500, 300];
      const result = await probe(target, ['--duration', `${durationMs}ms`, '--warmup', `${warmupMs}ms`, '--timeout', `${timeoutMs}ms`, '--rate', '20', '--json']);
      const r = report(result);
      // The checks run one after the other, each opening its connections within the timeout (probe/run.ts caps
      // setup at min(timeout, 1 s)), then warm-up + window, then at most one timeout for the last answers; a few
      // seconds more for Node and tsx to start.
      const boundMs = r.checks.length * (timeoutMs + warmupMs + durationMs + timeoutMs) + 5_000;
      console.log(
        `${mode} proxy: exit ${result.code} after ${result.elapsedMs} ms (bound ${boundMs} ms); ` +
          r.checks.map((c) => `${c.name} ${c.errors}/${c.count} errors`).join(', '),
      );
      expect(result.code).toBe(1);
      expect(r.ok).toBe(false);
      expect(result.elapsedMs).toBeLessThan(boundMs);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(r.checks.map((c) => c.name)).toEqual(['postgres.select1', 'postgres.memory_read', 'redis.set', 'redis.get', 'http.get', 'ws.connect', 'ws.ping']);
      for (const c of r.checks) {
        expect(c.count, `${c.name} count`).toBeGreaterThan(0);
        expect(c.errors, `${c.name} errors`).toBe(c.count);
        expect(c.ok, `${c.name} ok`).toBe(false);
      }
    },
  );

  it('adds at most twice redis-benchmark p50 to a redis GET', async () => {
    // redis-benchmark -c 1 sends its 20,000 GETs back to back (~20,000/s here), which keeps redis-server and the
    // loopback busy. At a probe-like 100-200/s every request instead pays the server's wake-up from idle, ~0.3 ms on
    // this machine even for a bare socket client, ten times the GET itself; so the probe runs the same 20,000 GETs
    // at 10,000/s (its --rate maximum) and what is compared is the two clients' own cost.
    // The machine is shared with the other test files (vitest runs them in parallel forks), so one attempt can land
    // on a busy moment: each attempt measures both tools back to back, and the best of up to 3 attempts counts.
    const attempts: { benchmarkP50: number; probeP50: number; ratio: number }[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const benchmarkP50 = await redisBenchmarkGetP50(redis!.port);
      const result = await probe({ region: 'local', redis: redis!.url }, ['--duration', '2s', '--warmup', '500ms', '--rate', '10000', '--json']);
      // No verdict asserted: when the cores are busy, 10,000/s can back up past the probe's in-flight cap, and the
      // requests it then does not send are errors (exit 1). The p50 of what was answered is still measured, and a
      // backed-up attempt shows as a high ratio, which the next attempt gets to beat.
      const get = check(report(result), 'redis.get');
      const probeP50 = get.p50_ms ?? Number.NaN;
      const ratio = probeP50 / benchmarkP50;
      attempts.push({ benchmarkP50, probeP50, ratio });
      console.log(
        `attempt ${attempt}: redis-benchmark GET p50 ${benchmarkP50} ms, probe redis.get p50 ${probeP50} ms (${get.errors} errors of ${get.count}), ratio ${ratio.toFixed(2)}`,
      );
      if (ratio <= 2) break;
    }
    const best = Math.min(...attempts.map((a) => a.ratio));
    expect(best, `probe p50 / redis-benchmark p50, best of ${attempts.length}: ${JSON.stringify(attempts)}`).toBeLessThanOrEqual(2);
  });
});

/** redis-benchmark's p50 for GET, one connection, 20,000 requests, in milliseconds (its CSV report). */
async function redisBenchmarkGetP50(port: number): Promise<number> {
  const { code, output } = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'get', '-c', '1', '-n', '20000', '--csv'], process.env, 60_000);
  if (code !== 0) throw new Error(`redis-benchmark failed (exit ${code}):\n${output}`);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",... then one row per test.
  const lines = output.trim().split('\n').map((l) => l.split(',').map((cell) => cell.replace(/^"|"$/g, '')));
  const header = lines.find((l) => l[0] === 'test');
  const row = lines.find((l) => l[0] === 'GET');
  const column = header?.indexOf('p50_latency_ms') ?? -1;
  if (row === undefined || column === -1) throw new Error(`no GET p50 in redis-benchmark's CSV:\n${output}`);
  return Number(row[column]);
}
