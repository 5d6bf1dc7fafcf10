/**
 * db/migrations against a real Postgres engine (PGlite with pgvector, over TCP through `pg`), applied by the real
 * runner: the partitioned table, its indexes built concurrently and attached, the plans the Memory service relies
 * on, and the idempotency contract.
 */
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, sha256Of, type MigrationFile, type MigrationReport } from '../db/migrate';
import { GigascaleError } from '../lib/util/errors';
import { catalogSnapshot, migrationFiles, startPostgres, type LocalPostgres } from './support/postgres';

const PARTITIONS = 4;
const USERS = 2000;
const FACTS_PER_USER = 10;
const EMBEDDED_FACTS = 200;

/** A deterministic 1536-dimension vector; `seed` varies the direction. */
function embedding(seed: number): string {
  return `[${Array.from({ length: 1536 }, (_, d) => Math.sin(seed * (d + 1)).toFixed(4)).join(',')}]`;
}

/** EXPLAIN lines, with vector literals shortened so failures stay readable. */
async function explain(client: Client, sql: string, values: unknown[]): Promise<string[]> {
  const rows = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`, values)).rows;
  return rows.map((r) => r['QUERY PLAN'].replace(/'\[[^\]]*\]'::vector/g, "'[…]'::vector"));
}

async function failure(run: Promise<unknown>): Promise<GigascaleError> {
  try {
    await run;
  } catch (e) {
    if (e instanceof GigascaleError) return e;
    throw e;
  }
  throw new Error('expected a GigascaleError');
}

describe(`db/migrations on Postgres (PGlite + pgvector over TCP), ${PARTITIONS} partitions`, () => {
  let pg: LocalPostgres;
  let first: MigrationReport;
  let second: MigrationReport;
  let before: string[];
  let after: string[];

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.withClient(async (c) => {
      first = await applyMigrations(c, migrationFiles(), { memoryPartitions: PARTITIONS });
      // Enough rows that the planner prefers the covering index on its own: 20 000 facts, 200 of them embedded.
      await c.query(
        `INSERT INTO ai_user_memory (user_id, key, value, confidence)
         SELECT 'user-' || u, 'fact-' || k, jsonb_build_object('text', 'likes topic ' || (u * k) % 97), ((u + k) % 100) / 100.0
           FROM generate_series(1, $1::int) u, generate_series(1, $2::int) k`,
        [USERS, FACTS_PER_USER],
      );
      await c.query(
        `UPDATE ai_user_memory m SET embedding = (SELECT array_agg(sin(e.n * d))::vector FROM generate_series(1, 1536) d)
           FROM (SELECT user_id, key, row_number() OVER (ORDER BY user_id, key) AS n FROM ai_user_memory ORDER BY user_id, key LIMIT $1) e
          WHERE m.user_id = e.user_id AND m.key = e.key`,
        [EMBEDDED_FACTS],
      );
      // Statistics for the planner and an all-visible visibility map, which an index-only scan needs.
      await c.query('VACUUM ANALYZE ai_user_memory');
      before = await catalogSnapshot(c);
      second = await applyMigrations(c, migrationFiles(), { memoryPartitions: PARTITIONS });
      after = await catalogSnapshot(c);
    });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('creates one hash partition per configured partition, named ai_user_memory_p0.., remainders in order', async () => {
    const rows = await pg.withClient(
      async (c) =>
        (
          await c.query<{ name: string; bound: string }>(
            `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'ai_user_memory'::regclass ORDER BY c.relname`,
          )
        ).rows,
    );
    expect(rows).toEqual(
      Array.from({ length: PARTITIONS }, (_, r) => ({ name: `ai_user_memory_p${r}`, bound: `FOR VALUES WITH (modulus ${PARTITIONS}, remainder ${r})` })),
    );
  });

  it.each([
    ['ai_user_memory_covering', '_covering', 'btree (user_id, key) INCLUDE (value, confidence)'],
    ['ai_user_memory_embedding_hnsw', '_embedding_hnsw', "hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')"],
  ])('gives every partition a valid %s index attached to a valid parent index', async (parent, suffix, definition) => {
    const { parentValid, children } = await pg.withClient(async (c) => ({
      parentValid: (await c.query<{ v: boolean }>('SELECT indisvalid AS v FROM pg_index WHERE indexrelid = $1::regclass', [parent])).rows[0]?.v,
      children: (
        await c.query<{ name: string; valid: boolean; def: string }>(
          `SELECT x.indexrelid::regclass::text AS name, x.indisvalid AS valid, pg_get_indexdef(x.indexrelid) AS def
             FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
            WHERE i.inhparent = $1::regclass ORDER BY 1`,
          [parent],
        )
      ).rows,
    }));
    expect(parentValid).toBe(true);
    expect(children).toEqual(
      Array.from({ length: PARTITIONS }, (_, r) => ({
        name: `ai_user_memory_p${r}${suffix}`,
        valid: true,
        def: `CREATE INDEX ai_user_memory_p${r}${suffix} ON public.ai_user_memory_p${r} USING ${definition}`,
      })),
    );
  });

  it('declares the embedding column as a nullable vector(1536)', () => {
    expect(before).toContain('column ai_user_memory.embedding vector(1536) notnull=f default=');
  });

  it('answers the point read with an Index Only Scan of one partition covering index', async () => {
    const plan = await pg.withClient((c) =>
      explain(c, 'SELECT value, confidence FROM ai_user_memory WHERE user_id = $1 AND key = $2', ['user-42', 'fact-3']),
    );
    expect(plan[0]).toMatch(/^Index Only Scan using ai_user_memory_p\d_covering on ai_user_memory_p\d ai_user_memory$/);
    expect(plan[1]).toBe("  Index Cond: ((user_id = 'user-42'::text) AND (key = 'fact-3'::text))");
  });

  it('serves cosine nearest-neighbour search from the HNSW index of every partition', async () => {
    const { plan, rows } = await pg.withClient(async (c) => {
      const sql = 'SELECT user_id, key, embedding <=> $1 AS distance FROM ai_user_memory ORDER BY embedding <=> $1 LIMIT 5';
      return { plan: await explain(c, sql, [embedding(7.5)]), rows: (await c.query<{ distance: number }>(sql, [embedding(7.5)])).rows };
    });
    expect(plan.slice(0, 2)).toEqual(['Limit', '  ->  Merge Append']);
    const scans = plan.filter((l) => l.includes('Index Scan using'));
    expect(scans.map((l) => l.trim().replace(/ ai_user_memory_\d$/, ''))).toEqual(
      Array.from({ length: PARTITIONS }, (_, r) => `->  Index Scan using ai_user_memory_p${r}_embedding_hnsw on ai_user_memory_p${r}`),
    );
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.distance)).toEqual([...rows.map((r) => r.distance)].sort((a, b) => a - b));
  });

  it('builds and attaches every index on the first run, and records each file in the ledger as new', () => {
    expect(first).toEqual({
      memoryPartitions: PARTITIONS,
      // Each \\gexec step generates one statement per partition (0001: the covering index and its attach; 0002: HNSW).
      files: migrationFiles().map((f) => ({
        generated: f.sql.includes('\\gexec') ? 2 * PARTITIONS : 0,
        ledger: 'new',
        name: f.name,
        sha256: sha256Of(f.sql),
        statements: expect.any(Number),
      })),
    });
  });

  it('changes nothing on a second run: same catalog (oids and filenodes included), nothing generated, ledger unchanged', () => {
    expect(after).toEqual(before);
    expect(before.filter((l) => l.startsWith('ledger '))).toHaveLength(migrationFiles().length);
    expect(second.files.map((f) => [f.name, f.generated, f.ledger])).toEqual(migrationFiles().map((f) => [f.name, 0, 'unchanged']));
  });

  it('creates the IAM-only service user, allowed to read and write ai_user_memory and nothing more', async () => {
    const rows = await pg.withClient(async (c) =>
      (
        await c.query<{ login: boolean; super: boolean; password: boolean; rw: boolean; ddl: boolean }>(
          `SELECT r.rolcanlogin AS login, r.rolsuper AS super, r.rolpassword IS NOT NULL AS password,
                  has_table_privilege('gigascale_app', 'ai_user_memory', 'SELECT, INSERT, UPDATE, DELETE') AS rw,
                  has_schema_privilege('gigascale_app', 'public', 'CREATE') OR has_table_privilege('gigascale_app', 'ai_user_memory', 'TRUNCATE') AS ddl
             FROM pg_authid r WHERE r.rolname = 'gigascale_app'`,
        )
      ).rows,
    );
    expect(rows).toEqual([{ login: true, super: false, password: false, rw: true, ddl: false }]);
  });

  it("creates the IAM-only probe user, allowed to read the reserved probe users' rows through its view and nothing more", async () => {
    const privileges = await pg.withClient(async (c) =>
      (
        await c.query<{ login: boolean; super: boolean; password: boolean; view: boolean; table: boolean; write: boolean }>(
          `SELECT r.rolcanlogin AS login, r.rolsuper AS super, r.rolpassword IS NOT NULL AS password,
                  has_table_privilege('gigascale_probe', 'probe_user_memory', 'SELECT') AS view,
                  has_table_privilege('gigascale_probe', 'ai_user_memory', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE') AS table,
                  has_table_privilege('gigascale_probe', 'probe_user_memory', 'INSERT, UPDATE, DELETE') OR has_schema_privilege('gigascale_probe', 'public', 'CREATE') AS write
             FROM pg_authid r WHERE r.rolname = 'gigascale_probe'`,
        )
      ).rows,
    );
    expect(privileges).toEqual([{ login: true, super: false, password: false, view: true, table: false, write: false }]);

    const seen = await pg.withClient(async (c) => {
      await c.query(`INSERT INTO ai_user_memory (user_id, key, value, confidence) VALUES ('gigascale-probe:3', 'probe', '{"seen": true}', 1), ('gigascale-probeX', 'probe', '{}', 1)`);
      try {
        await c.query('SET ROLE gigascale_probe');
        const rows = (await c.query<{ user_id: string }>('SELECT user_id FROM probe_user_memory ORDER BY user_id')).rows.map((r) => r.user_id);
        const refused = await c.query('SELECT 1 FROM ai_user_memory LIMIT 1').then(
          () => 'read',
          (e: Error) => e.message,
        );
        return { rows, refused };
      } finally {
        await c.query('RESET ROLE');
        await c.query(`DELETE FROM ai_user_memory WHERE user_id IN ('gigascale-probe:3', 'gigascale-probeX')`);
      }
    });
    expect(seen).toEqual({ rows: ['gigascale-probe:3'], refused: 'permission denied for table ai_user_memory' });
  });

  it("folds the probe's view into the index lookup the Memory service does", async () => {
    const plan = await pg.withClient((c) => explain(c, `SELECT value FROM probe_user_memory WHERE user_id = $1 AND key = $2`, ['gigascale-probe:3', 'probe']));
    // One partition's covering index, as the service's own read (above), with the view's prefix as extra bounds.
    expect(plan[0]).toBe('Subquery Scan on probe_user_memory');
    expect(plan[1]).toMatch(/^ {2}-> {2}Index Only Scan using ai_user_memory_p\d_covering on ai_user_memory_p\d ai_user_memory$/);
    expect(plan[2]).toContain("(user_id = 'gigascale-probe:3'::text) AND (key = 'probe'::text)");
  });

  it('runs on the major version Aurora runs (PostgreSQL 17)', async () => {
    const version = await pg.withClient(async (c) => (await c.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num);
    expect(version).toMatch(/^17\d{4}$/);
  });

  it('refuses another partition count on the existing table, names both counts, and changes nothing', async () => {
    const { error, snapshot } = await pg.withClient(async (c) => ({
      error: await failure(applyMigrations(c, migrationFiles(), { memoryPartitions: 10 })),
      snapshot: await catalogSnapshot(c),
    }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      [
        'Migration failed (1 problem):',
        `  - 0001_ai_user_memory.sql statement 1 (line 24): ai_user_memory is hash-partitioned with modulus ${PARTITIONS}, but gigascale.memory_partitions is 10 (SQLSTATE P0001)`,
        '      DETAIL: A hash modulus cannot be changed in place: every row would move to another partition.',
        `      HINT: Run with --memory-partitions ${PARTITIONS} (this shard's count), or copy the data into a new table partitioned the new way and swap it in.`,
      ].join('\n'),
    );
    expect(snapshot).toEqual(before);
  });

  it('refuses a value too large for the covering index with the named constraint', async () => {
    const error = await pg.withClient((c) =>
      c
        .query(`INSERT INTO ai_user_memory (user_id, key, value, confidence) VALUES ('u', 'big', jsonb_build_object('t', repeat('x', 3000)), 1)`)
        .then(() => undefined, (e: Error) => e.message),
    );
    expect(error).toMatch(/^new row for relation "ai_user_memory_p\d" violates check constraint "ai_user_memory_value_size"$/);
  });

  it('accepts the largest row the constraints allow, so the covering index never meets the btree size limit', async () => {
    const sizes = await pg.withClient(async (c) => {
      // Incompressible text (md5 chain) so the index entry cannot shrink below the declared bounds.
      await c.query(
        `WITH v AS (SELECT string_agg(md5(g::text), '') AS s FROM generate_series(1, 200) g)
         INSERT INTO ai_user_memory (user_id, key, value, confidence)
         SELECT repeat('u', 128), repeat('k', 256), jsonb_build_object('t', left(s, n)), 1
           FROM v, LATERAL (SELECT max(n) AS n FROM generate_series(1, 4000) n
                             WHERE pg_column_size(jsonb_build_object('t', left(v.s, n))) <= 2048) m`,
      );
      return (await c.query<{ size: number }>(`SELECT pg_column_size(value) AS size FROM ai_user_memory WHERE user_id = repeat('u', 128)`)).rows;
    });
    expect(sizes).toEqual([{ size: 2048 }]);
  });

  it('stops at the first failing statement, names the \\gexec row and column, and runs nothing after it', async () => {
    const probe: MigrationFile = {
      name: '9001_probe.sql',
      sql: "CREATE TABLE probe_before (a int);\nSELECT 'SELECT 1', 'SELECT 1/0'\n\\gexec\nCREATE TABLE probe_after (a int);\n",
    };
    const { error, tables, ledger } = await pg.withClient(async (c) => ({
      error: await failure(applyMigrations(c, [probe])),
      tables: (await c.query<{ t: string | null }>("SELECT to_regclass('probe_before')::text AS t UNION ALL SELECT to_regclass('probe_after')::text")).rows,
      ledger: (await c.query("SELECT 1 FROM gigascale_schema_migrations WHERE name = '9001_probe.sql'")).rowCount,
    }));
    expect(error.message).toBe(
      [
        'Migration failed (1 problem):',
        '  - 9001_probe.sql statement 2 (line 2), \\gexec row 1 column 2: division by zero (SQLSTATE 22012)',
        '      statement: SELECT 1/0',
      ].join('\n'),
    );
    expect(tables).toEqual([{ t: 'probe_before' }, { t: null }]);
    expect(ledger).toBe(0);
  });

  it('reads every file before running any, so an unreadable one changes nothing', async () => {
    const good: MigrationFile = { name: '9002_good.sql', sql: 'CREATE TABLE probe_good (a int);' };
    const bad: MigrationFile = { name: '9003_bad.sql', sql: "SELECT 'unterminated;" };
    const { error, table } = await pg.withClient(async (c) => ({
      error: await failure(applyMigrations(c, [bad, good])),
      table: (await c.query<{ t: string | null }>("SELECT to_regclass('probe_good')::text AS t")).rows[0].t,
    }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe("Cannot apply migrations (1 problem):\n  - 9003_bad.sql:1: unterminated string literal starting here; close it with '");
    expect(table).toBeNull();
  });

  it('marks a file whose content changed as changed in the ledger', async () => {
    const files = migrationFiles();
    const edited = files.map((f, i) => (i === files.length - 1 ? { ...f, sql: `${f.sql}\n-- edited\n` } : f));
    const report = await pg.withClient(async (c) => {
      const changed = await applyMigrations(c, edited, { memoryPartitions: PARTITIONS });
      await applyMigrations(c, files, { memoryPartitions: PARTITIONS });
      return changed;
    });
    expect(report.files.map((f) => f.ledger)).toEqual([...files.slice(0, -1).map(() => 'unchanged'), 'changed']);
  });

  // Last: it drops and rebuilds an index, so the catalog no longer matches `before`.
  it('drops and rebuilds a partition index left INVALID by a failed CREATE INDEX CONCURRENTLY', async () => {
    const result = await pg.withClient(async (c) => {
      // Recreate the situation of a build that failed half way: parent index present, one partition's index
      // under the expected name but invalid (a concurrent unique build over duplicate values fails after
      // creating the catalog entry, exactly like a cancelled or timed-out build).
      await c.query('DROP INDEX ai_user_memory_covering');
      await c.query('CREATE INDEX ai_user_memory_covering ON ONLY ai_user_memory (user_id, key) INCLUDE (value, confidence)');
      const failed = await c.query('CREATE UNIQUE INDEX CONCURRENTLY ai_user_memory_p1_covering ON ai_user_memory_p1 (confidence)').then(
        () => 'built',
        (e: Error) => e.message,
      );
      const invalid = (await c.query<{ v: boolean }>("SELECT indisvalid AS v FROM pg_index WHERE indexrelid = 'ai_user_memory_p1_covering'::regclass")).rows[0].v;
      const report = await applyMigrations(c, migrationFiles(), { memoryPartitions: PARTITIONS });
      const indexes = (
        await c.query<{ name: string; valid: boolean; def: string }>(
          `SELECT x.indexrelid::regclass::text AS name, x.indisvalid AS valid, pg_get_indexdef(x.indexrelid) AS def
             FROM pg_index x WHERE x.indexrelid IN ('ai_user_memory_covering'::regclass, 'ai_user_memory_p1_covering'::regclass) ORDER BY 1`,
        )
      ).rows;
      return { failed, invalid, report, indexes };
    });
    expect(result.failed).toBe('could not create unique index "ai_user_memory_p1_covering"');
    expect(result.invalid).toBe(false);
    expect(result.report.files[0].generated).toBe(1 + 2 * PARTITIONS); // one DROP, then build + attach per partition
    expect(result.indexes).toEqual([
      { name: 'ai_user_memory_covering', valid: true, def: 'CREATE INDEX ai_user_memory_covering ON ONLY public.ai_user_memory USING btree (user_id, key) INCLUDE (value, confidence)' },
      { name: 'ai_user_memory_p1_covering', valid: true, def: 'CREATE INDEX ai_user_memory_p1_covering ON public.ai_user_memory_p1 USING btree (user_id, key) INCLUDE (value, confidence)' },
    ]);
  });
});
