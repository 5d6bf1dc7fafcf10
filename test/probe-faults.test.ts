/**
 * Does the probe fail well? bin/probe.ts runs as a child process against real local services (redis-server, the
 * local HTTP/WebSocket server, embedded Postgres) behind a TCP proxy that drops every connection or stalls them: its
 * error counts must show the fault, and it must end on time whatever the target does, without a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeTarget } from '../lib/facts/probe-checks';
import { startHttpWsServer, type LocalHttpWsServer } from '../local/http-ws-server';
import { startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { startPlainRedis, type PlainRedis } from '../local/redis-server';
import { probeHarness, reportOf, STACK_LINE, type ProbeHarness } from './support/probe-harness';

describe('the probe against dropping and stalling proxies', () => {
  let redis: PlainRedis | undefined;
  let http: LocalHttpWsServer | undefined;
  let postgres: LocalPostgres | undefined;
  let h: ProbeHarness;

  beforeAll(async () => {
    h = probeHarness();
    [redis, http, postgres] = await Promise.all([startPlainRedis(), startHttpWsServer(), startLocalPostgres()]);
    h.favour(redis.pid);
  });

  afterAll(async () => {
    await Promise.allSettled([h?.stop(), redis?.stop(), http?.stop(), postgres?.stop()]);
  });

  it.each(['drop', 'stall'] as const)(
    'counts every request through a %s proxy as an error, exits 1 in bounded time, and prints no stack trace',
    async (mode) => {
      const [pgProxy, redisProxy, httpProxy] = await Promise.all([h.proxy(postgres!.port, mode), h.proxy(redis!.port, mode), h.proxy(http!.port, mode)]);
      const target: ProbeTarget = {
        region: 'local',
        postgres: postgres!.url.replace(`:${postgres!.port}/`, `:${pgProxy.port}/`),
        redis: `redis://127.0.0.1:${redisProxy.port}`,
        http: `http://127.0.0.1:${httpProxy.port}/gateway/health`,
        ws: `ws://127.0.0.1:${httpProxy.port}/ws`,
      };
      const [warmupMs, durationMs, timeoutMs] = [200, 500, 300];
      const result = await h.probe(target, ['--duration', `${durationMs}ms`, '--warmup', `${warmupMs}ms`, '--timeout', `${timeoutMs}ms`, '--rate', '20', '--json']);
      const r = reportOf(result);
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
});
