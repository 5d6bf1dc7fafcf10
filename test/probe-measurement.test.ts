/**
 * Does the probe measure what the network does? bin/probe.ts runs as a child process against redis-server and the
 * local HTTP server behind a TCP proxy that adds a known delay: its p50 must show the delay; and its own overhead is
 * held to redis-benchmark's on the same server. Sub-millisecond figures move with anything else on the machine (the
 * 2 cores may be siblings of one physical core), so this file runs alone, after every other (vitest.config.mts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeTarget } from '../lib/facts/probe-checks';
import { startHttpWsServer, type LocalHttpWsServer } from '../local/http-ws-server';
import { run } from '../local/process';
import { startPlainRedis, type PlainRedis } from '../local/redis-server';
import { checkOf, probeHarness, reportOf, type ProbeHarness } from './support/probe-harness';
import type { CheckJson } from '../probe/report';

const DELAY_MS = 20;
/** A p50 within ±10 % of the delay: 18..22 ms. */
const DELAY_TOLERANCE = 0.1;

describe('the probe against a delaying proxy and beside redis-benchmark', () => {
  let redis: PlainRedis | undefined;
  let http: LocalHttpWsServer | undefined;
  let h: ProbeHarness;

  beforeAll(async () => {
    h = probeHarness();
    [redis, http] = await Promise.all([startPlainRedis(), startHttpWsServer()]);
    h.favour(redis.pid);
  });

  afterAll(async () => {
    await Promise.allSettled([h?.stop(), redis?.stop(), http?.stop()]);
  });

  it(`reports a p50 within ±${DELAY_TOLERANCE * 100} % of a ${DELAY_MS} ms delay added in front of redis, and the delay for http`, async () => {
    const [redisProxy, httpProxy] = await Promise.all([h.proxy(redis!.port, 'delay', DELAY_MS), h.proxy(http!.port, 'delay', DELAY_MS)]);
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
    // moment of the machine can push it past 22 ms: the best
    // of up to 3 attempts counts: the first with every p50 in its band, else the one with redis closest to the delay.
    let best: { deviation: number; checks: CheckJson[] } | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await h.probe(target, ['--duration', '2s', '--warmup', '500ms', '--rate', '200', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const checks = Object.keys(bands).map((name) => checkOf(reportOf(result), name));
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

  it('adds at most twice redis-benchmark p50 to a redis GET', async () => {
    // redis-benchmark -c 1 sends its 20,000 GETs back to back (~20,000/s here), which keeps redis-server and the
    // loopback busy. At a probe-like 100-200/s every request instead pays the server's wake-up from idle, ~0.3 ms on
    // this machine even for a bare socket client, ten times the GET itself; so the probe runs the same 20,000 GETs
    // at 10,000/s (its --rate maximum) and what is compared is the two clients' own cost.
    // One attempt can land on a busy moment of the machine: each attempt measures both tools back to back, and the best of up to 3 attempts counts.
    const attempts: { benchmarkP50: number; probeP50: number; ratio: number }[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const benchmarkP50 = await redisBenchmarkGetP50(redis!.port);
      const result = await h.probe({ region: 'local', redis: redis!.url }, ['--duration', '2s', '--warmup', '500ms', '--rate', '10000', '--json']);
      // No verdict asserted: when the cores are busy, 10,000/s can back up past the probe's in-flight cap, and the
      // requests it then does not send are errors (exit 1). The p50 of what was answered is still measured, and a
      // backed-up attempt shows as a high ratio, which the next attempt gets to beat.
      const get = checkOf(reportOf(result), 'redis.get');
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
