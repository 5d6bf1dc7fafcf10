/**
 * Applies db/migrations to one Postgres database: `npm run migrate -- --memory-partitions 10`, or in the image
 * `node --import tsx bin/migrate.ts --dir db/migrations --memory-partitions 10` (k8s/migrations-job.ts runs one
 * per shard). The connection comes from the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD, which
 * `pg` reads itself, and PGSSLMODE/PGSSLROOTCERT, read with libpq's meaning by db/tls.ts; nothing here names a
 * host or a credential.
 *
 * stdout carries only the report (a table, or JSON with --json); errors go to stderr. Exit 0 applied, 1 a
 * migration or the connection failed, 2 bad arguments or unreadable migration files (nothing was run).
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/util/errors';
import { applyMigrations, formatReport } from '../db/migrate';
import { MIGRATE_USAGE, parseMigrateArgs } from '../db/migrate-args';
import { readMigrationFiles } from '../db/migration-files';
import { sslFromEnv } from '../db/tls';

async function main(): Promise<number> {
  const args = parseMigrateArgs(process.argv.slice(2));
  if (args.help) {
    console.log(MIGRATE_USAGE);
    return EXIT_OK;
  }
  const files = readMigrationFiles(args.dir);
  const ssl = sslFromEnv(process.env, (path) => readFileSync(path, 'utf8'));
  // A writer that does not answer fails this attempt in 30 s, so the Job's retries happen well inside its deadline.
  const client = new Client({ application_name: 'gigascale-migrate', connectionTimeoutMillis: 30_000, ssl });
  try {
    await client.connect();
  } catch (e) {
    const env = process.env;
    const target = `${env.PGUSER ?? '(PGUSER unset)'}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? '(PGDATABASE unset)'}`;
    throw new GigascaleError('Cannot connect', [{ at: 'PGHOST/PGPORT/PGDATABASE/PGUSER', message: `${target}: ${(e as Error).message}` }], EXIT_CHECK_FAILED);
  }
  try {
    const report = await applyMigrations(client, files, { memoryPartitions: args.memoryPartitions });
    console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  } finally {
    await client.end();
  }
  return EXIT_OK;
}

// exitCode rather than process.exit(): the process ends once the connection is closed and stdout is flushed.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof GigascaleError ? `gigascale migrate: ${e.message}` : e);
    process.exitCode = e instanceof GigascaleError ? e.exitCode : EXIT_CHECK_FAILED;
  },
);
