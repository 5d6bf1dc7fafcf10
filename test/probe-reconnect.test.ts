/**
 * The probe's database and cache checks across a restart of their server: local/postgres.ts and
 * local/redis-server.ts stop and start the same server on the same port (and, for Postgres, the same data), and a
 * session opened before the restart must fail while the server is down and answer again once it is back, on new
 * connections, without being reopened: a probe that never recovers after a restart would report an outage for ever.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeCheck, ProbeTarget } from '../lib/facts/probe-checks';
import { startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { startPlainRedis, type PlainRedis } from '../local/redis-server';
import { openCheck } from '../probe/checks/open';
import type { CheckSession } from '../probe/session';

const TIMEOUT_MS = 250;
/** How long a check may take to answer again once its server is back: the reconnect waits at most RETRY_AFTER_MS. */
const RECOVERY_MS = 2_000;

/** Whether one request succeeds within TIMEOUT_MS. */
async function answers(session: CheckSession): Promise<boolean> {
  const timeout = sleep(TIMEOUT_MS).then(() => false);
  return Promise.race([session.request().then(() => true, () => false), timeout]);
}

/** Milliseconds until a request succeeds, trying every 20 ms; undefined if none does within RECOVERY_MS. */
async function msUntilAnswered(session: CheckSession): Promise<number | undefined> {
  const began = performance.now();
  while (performance.now() - began < RECOVERY_MS) {
    if (await answers(session)) return Math.round(performance.now() - began);
    await sleep(20);
  }
  return undefined;
}

describe('the probe across a server restart', () => {
  let postgres: LocalPostgres | undefined;
  let redis: PlainRedis | undefined;
  const sessions: CheckSession[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startLocalPostgres(), startPlainRedis()]);
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  });

  const open = async (check: ProbeCheck, target: ProbeTarget): Promise<CheckSession> => {
    const opened = await openCheck(check, target, { timeoutMs: TIMEOUT_MS, setupMs: TIMEOUT_MS, region: 'local' });
    if (!('session' in opened)) throw new Error(`${check} skipped: ${opened.skipped}`);
    sessions.push(opened.session);
    return opened.session;
  };

  it.each(['redis.get', 'redis.set'] as const)('%s fails while redis-server is stopped and answers again on the same session once it is started', async (check) => {
    const session = await open(check, { region: 'local', redis: redis!.probeUrl });
    expect(await answers(session)).toBe(true);
    const pid = redis!.pid;
    await redis!.stopServer();
    expect(await answers(session)).toBe(false);
    await redis!.startServer();
    expect(redis!.pid).not.toBe(pid);
    const ms = await msUntilAnswered(session);
    console.log(`${check}: answered ${ms} ms after redis-server was back`);
    expect(ms).toBeDefined();
  });

  it.each(['postgres.select1', 'postgres.memory_read'] as const)(
    '%s fails while Postgres is stopped and answers again on the same session once it is started on its data',
    async (check) => {
      const session = await open(check, { region: 'local', postgres: postgres!.probeUrl });
      expect(await answers(session)).toBe(true);
      await postgres!.stopServer();
      expect(await answers(session)).toBe(false);
      await postgres!.startServer();
      const ms = await msUntilAnswered(session);
      console.log(`${check}: answered ${ms} ms after Postgres was back`);
      expect(ms).toBeDefined();
    },
  );
});
