/**
 * A real Postgres for schema tests: PGlite 0.4 (Postgres 17.5 compiled to WASM: the major version Aurora runs) with the
 * pgvector extension, served over TCP on 127.0.0.1 by pglite-socket, so the code under test talks the wire
 * protocol through `pg` exactly as it does to Aurora.
 *
 * PGlite quirks the tests must respect:
 * - it is ONE backend: every TCP connection shares one session, so a SET in one connection is seen by the next
 *   (tests use SET LOCAL inside a transaction, or RESET), and connections are served one at a time
 *   (maxConnections 1; a second waits in pglite-socket's queue until the first closes);
 * - startup-packet options (PGOPTIONS / `options`) are ignored, which is why the runner sets
 *   gigascale.memory_partitions with set_config() rather than relying on PGOPTIONS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import type { MigrationFile } from '../../db/migrate';
import { readMigrationFiles } from '../../db/migration-files';

export interface LocalPostgres {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** libpq environment for a child process (bin/migrate.ts) to reach this server. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `fn` with a fresh connection, closed afterwards (the server takes one connection at a time). */
  withClient<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** Starts PGlite with pgvector on a free loopback port (port 0: the OS picks one). */
export async function startPostgres(): Promise<LocalPostgres> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGDATABASE: 'postgres', PGUSER: 'postgres', PGPASSWORD: 'unused', PGSSLMODE: 'disable' };
  return {
    port,
    env,
    async withClient(fn) {
      const client = new Client({ host: env.PGHOST, port, database: env.PGDATABASE, user: env.PGUSER, password: env.PGPASSWORD });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'db', 'migrations');

/** The repository's migration files, read the way bin/migrate.ts reads them. */
export function migrationFiles(): MigrationFile[] {
  return readMigrationFiles(MIGRATIONS_DIR);
}

/** One migration file by name. */
export function migrationFile(name: string): MigrationFile {
  return { name, sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8') };
}

/**
 * Everything a migration could change in schema `public`, one sorted line per fact: relations (with oid and
 * relfilenode, so a rebuilt or recreated index shows up even when its definition is the same), partition bounds,
 * columns, indexes with definition, validity and parent index, constraints, extensions, and the ledger rows.
 */
export async function catalogSnapshot(client: Client): Promise<string[]> {
  const queries = [
    `SELECT format('relation %s kind=%s oid=%s filenode=%s bound=%s options=%s acl=%s', c.relname, c.relkind, c.oid, c.relfilenode,
                   pg_get_expr(c.relpartbound, c.oid), c.reloptions, c.relacl)
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace`,
    `SELECT format('column %s.%s %s notnull=%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid))
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
    `SELECT format('index %s valid=%s ready=%s parent=%s def=%s', x.indexrelid::regclass, x.indisvalid, x.indisready,
                   (SELECT i.inhparent::regclass FROM pg_inherits i WHERE i.inhrelid = x.indexrelid), pg_get_indexdef(x.indexrelid))
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE c.relnamespace = 'public'::regnamespace`,
    `SELECT format('constraint %s.%s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace`,
    `SELECT format('extension %s %s', extname, extversion) FROM pg_extension`,
    `SELECT format('role %s oid=%s login=%s super=%s member_of=%s', r.rolname, r.oid, r.rolcanlogin, r.rolsuper,
                   (SELECT string_agg(m.roleid::regrole::text, ',' ORDER BY m.roleid) FROM pg_auth_members m WHERE m.member = r.oid))
       FROM pg_roles r WHERE r.rolname LIKE 'gigascale%'`,
    `SELECT format('schema public acl=%s', nspacl) FROM pg_namespace WHERE nspname = 'public'`,
    `SELECT format('function %s oid=%s def=%s', p.oid::regprocedure, p.oid, md5(pg_get_functiondef(p.oid)))
       FROM pg_proc p WHERE p.proname LIKE 'gigascale%'`,
    `SELECT format('ledger %s %s %s', name, sha256, applied_at) FROM gigascale_schema_migrations`,
  ];
  const lines: string[] = [];
  for (const q of queries) lines.push(...(await client.query<{ format: string }>(q)).rows.map((r) => r.format));
  return lines.sort();
}
