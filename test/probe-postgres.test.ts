/**
 * postgres.select1 and postgres.memory_read against a real Postgres (PGlite over TCP, test/support/postgres.ts):
 * the memory read is skipped, saying why, until the probe's view of ai_user_memory exists, a refused connection
 * is counted, and requests that overlap on one connection wait their turn in the probe, not in pg.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresCheck } from '../probe/checks/postgres';
import { runOpenModel } from '../probe/open-model';
import type { CheckSession, OpenedCheck } from '../probe/session';
import { startPostgres, type LocalPostgres } from './support/postgres';
import { freePort } from '../local/ports';

const HOST = '127.0.0.1';

/**
 * Every process warning of this file's tests. pg 8 warns (once a process) when query() is called while the client
 * runs a query, a call pg@9 refuses; collected from the start, so the test below sees it whichever test caused it.
 */
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
const CONTEXT = { timeoutMs: 300, setupMs: 300 };
const SHORT = { ratePerSecond: 200, warmupMs: 0, durationMs: 200, timeoutMs: 300 } as const;

function sessionOf(opened: OpenedCheck): CheckSession {
  if (!('session' in opened)) throw new Error(`skipped: ${opened.skipped}`);
  return opened.session;
}

async function measure(opened: Promise<OpenedCheck>) {
  const session = sessionOf(await opened);
  try {
    return await runOpenModel(session.request, SHORT);
  } finally {
    session.close();
  }
}

describe('postgres.select1 and postgres.memory_read against Postgres (PGlite)', () => {
  let pg: LocalPostgres;
  let url: string;

  /** PGlite takes one connection at a time and frees its slot a moment after a client leaves: wait for it. */
  async function untilFree(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await pg.withClient((c) => c.query('SELECT 1'));
        return;
      } catch (e) {
        if (i === 100) throw e;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  beforeAll(async () => {
    pg = await startPostgres();
    url = `postgres://postgres:unused@${HOST}:${pg.port}/postgres?sslmode=disable`;
  });

  beforeEach(untilFree);

  afterAll(async () => {
    await pg?.stop();
  });

  it('runs SELECT 1', async () => {
    // PGlite serves one connection at a time; one is enough to show the check works.
    const m = await measure(openPostgresCheck('postgres.select1', [url], CONTEXT, 1));
    expect(m).toMatchObject({ count: 40, errors: 0 });
  });

  it("skips the memory read, saying why, while the probe's view of ai_user_memory does not exist", async () => {
    expect(await openPostgresCheck('postgres.memory_read', [url], CONTEXT, 1)).toEqual({
      skipped: 'view probe_user_memory does not exist on this database; apply db/migrations (npm run migrate)',
    });
  });

  it('runs the (user_id, key) lookup once the view exists', async () => {
    await pg.withClient(async (c) => {
      await c.query('CREATE TABLE ai_user_memory (user_id text, key text, value jsonb NOT NULL, confidence real NOT NULL, PRIMARY KEY (user_id, key))');
      await c.query(`CREATE VIEW probe_user_memory AS SELECT user_id, key, value FROM ai_user_memory WHERE user_id LIKE 'gigascale-probe:%'`);
    });
    await untilFree();
    const m = await measure(openPostgresCheck('postgres.memory_read', [url], CONTEXT, 1));
    expect(m).toMatchObject({ count: 40, errors: 0 });
  });

  it('queues requests that overlap on one connection in the probe: all answered, and no query() while one runs', async () => {
    const session = sessionOf(await openPostgresCheck('postgres.select1', [url], CONTEXT, 1));
    try {
      const answered = await Promise.all(Array.from({ length: 8 }, () => session.request().then(() => true)));
      expect(answered).toEqual(Array(8).fill(true));
    } finally {
      session.close();
    }
    // Node emits a warning on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
  });

  it('counts a refused connection as an error', async () => {
    const port = await freePort();
    const m = await measure(openPostgresCheck('postgres.select1', [`postgres://u:p@${HOST}:${port}/db`], CONTEXT));
    expect(m).toMatchObject({ count: 40, errors: 40, latency: null });
    expect(m.errorCounts[0].message).toBe(`connect ECONNREFUSED ${HOST}:${port}`);
  });
});
