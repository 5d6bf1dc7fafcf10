/**
 * Applies `db/migrations/*.sql` to one database over an open `pg` connection, as `psql -v ON_ERROR_STOP=1 -f`
 * would, file after file in name order.
 *
 * Every file is applied on every run: the files are idempotent by contract (db/migrations/0001's header), so a
 * run converges a shard to the files (it rebuilds an index a failed run left invalid) and every deploy re-proves
 * the contract. The ledger `gigascale_schema_migrations` records each file's sha-256 and when that content was
 * first applied, so a reviewer can see which version of each file a shard has seen.
 *
 * Statements run one at a time outside any explicit transaction: CREATE INDEX CONCURRENTLY refuses to run in one.
 */
import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, GigascaleError, type Issue } from '../lib/util/errors';
import { DEFAULT_MEMORY_PARTITIONS, MAX_MEMORY_PARTITIONS } from '../lib/facts/aurora';
import { formatTable } from '../lib/util/table';
import { splitScript, type ScriptStep } from './sql-script';
import { integerProblem } from '../lib/util/ranges';

/** Session setting 0001_ai_user_memory.sql reads the partition count from. */
export const MEMORY_PARTITIONS_SETTING = 'gigascale.memory_partitions';
export { DEFAULT_MEMORY_PARTITIONS, MAX_MEMORY_PARTITIONS };
/** The ledger table the runner maintains. */
export const MIGRATIONS_LEDGER = 'gigascale_schema_migrations';
/** `0001_ai_user_memory.sql`: four digits fix the order, the rest says what it does. */
export const MIGRATION_FILE_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

/** One migration file: its name orders it and labels errors; its text is a psql script. */
export interface MigrationFile {
  /** File name, e.g. `0001_ai_user_memory.sql`. */
  readonly name: string;
  /** The psql script. */
  readonly sql: string;
}

export interface ApplyOptions {
  /** Hash partitions of ai_user_memory, 1..MAX_MEMORY_PARTITIONS. @default 10 */
  readonly memoryPartitions?: number;
}

/** What the ledger said about a file before this run. */
export type LedgerChange = 'new' | 'changed' | 'unchanged';

/** Keys in alphabetical order, as `--json` prints them. */
export interface FileReport {
  /** Statements \gexec generated and executed (0 on a second run: every generator selects only what is missing). */
  readonly generated: number;
  /** Whether this content was new to the shard, replaced another version, or had been applied before. */
  readonly ledger: LedgerChange;
  readonly name: string;
  /** sha-256 of the file, hex. */
  readonly sha256: string;
  /** Statements and \gexec queries in the file, each executed once. */
  readonly statements: number;
}

export interface MigrationReport {
  readonly files: readonly FileReport[];
  readonly memoryPartitions: number;
}

type Client = Pick<ClientBase, 'query'>;

/**
 * Applies every file, in lexical order of name. Checks the options and reads every script before touching the
 * database (bad input changes nothing: GigascaleError, exit 2), then stops at the first failing statement with a
 * GigascaleError (exit 1) naming the file, the statement number and line, and the generated statement if it
 * came from \gexec. Concurrent runs against one database wait for each other (session advisory lock).
 */
export async function applyMigrations(client: Client, files: readonly MigrationFile[], options: ApplyOptions = {}): Promise<MigrationReport> {
  const memoryPartitions = options.memoryPartitions ?? DEFAULT_MEMORY_PARTITIONS;
  const scripts = parseAll(files, memoryPartitions);

  await client.query({ text: 'SELECT set_config($1, $2, false)', values: [MEMORY_PARTITIONS_SETTING, String(memoryPartitions)] });
  await client.query({ text: 'SELECT pg_advisory_lock(hashtext($1))', values: [MIGRATIONS_LEDGER] });
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_LEDGER} (
         name       text        PRIMARY KEY,
         sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const reports: FileReport[] = [];
    for (const script of scripts) {
      let generated = 0;
      for (const [index, step] of script.steps.entries()) {
        generated += await runStep(client, script.file.name, index + 1, step);
      }
      const ledger = await record(client, script.file.name, script.sha256);
      reports.push({ generated, ledger, name: script.file.name, sha256: script.sha256, statements: script.steps.length });
    }
    return { files: reports, memoryPartitions };
  } finally {
    // If the connection is gone the server has already released the lock; the error that got us here matters more.
    await client.query({ text: 'SELECT pg_advisory_unlock(hashtext($1))', values: [MIGRATIONS_LEDGER] }).catch(() => undefined);
  }
}

/** sha-256 of a file's text (UTF-8), hex: what the ledger records. */
export function sha256Of(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

interface Script {
  readonly file: MigrationFile;
  readonly sha256: string;
  readonly steps: readonly ScriptStep[];
}

function parseAll(files: readonly MigrationFile[], memoryPartitions: number): Script[] {
  const issues: Issue[] = [];
  const partitionsProblem = integerProblem(memoryPartitions, 1, MAX_MEMORY_PARTITIONS);
  if (partitionsProblem !== undefined) issues.push({ at: 'memoryPartitions', message: partitionsProblem });
  if (files.length === 0) issues.push({ at: 'files', message: 'no migration files given' });
  const seen = new Set<string>();
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scripts: Script[] = [];
  for (const file of sorted) {
    if (!MIGRATION_FILE_NAME.test(file.name)) {
      issues.push({ at: file.name, message: `migration file names must match ${MIGRATION_FILE_NAME.source}, e.g. 0003_add_thing.sql` });
    }
    if (seen.has(file.name)) issues.push({ at: file.name, message: 'given twice' });
    seen.add(file.name);
    try {
      scripts.push({ file, sha256: sha256Of(file.sql), steps: splitScript(file.sql, file.name) });
    } catch (e) {
      if (!(e instanceof GigascaleError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new GigascaleError('Cannot apply migrations', issues, EXIT_BAD_INPUT);
  return scripts;
}

/** Runs one step; returns how many statements \gexec generated (0 for a plain statement). */
async function runStep(client: Client, file: string, number: number, step: ScriptStep): Promise<number> {
  const where = `${file} statement ${number} (line ${step.line})`;
  if (step.kind === 'statement') {
    await run(client, step.sql, where);
    return 0;
  }
  const result = await run(client, step.sql, where);
  let generated = 0;
  for (const [r, row] of result.rows.entries()) {
    for (const [c, field] of row.entries()) {
      if (field === null) continue; // psql's \gexec skips null fields
      generated++;
      await run(client, String(field), `${where}, \\gexec row ${r + 1} column ${c + 1}`, true);
    }
  }
  return generated;
}

async function run(client: Client, sql: string, where: string, quote = false) {
  try {
    // rowMode 'array' keeps \gexec's columns in order even when two share a name.
    return await client.query<unknown[]>({ text: sql, rowMode: 'array' });
  } catch (e) {
    throw new GigascaleError('Migration failed', [{ at: where, message: describeError(e, quote ? sql : undefined) }], EXIT_CHECK_FAILED);
  }
}

/** The server's message with its SQLSTATE, DETAIL and HINT, and the generated statement when there is one. */
function describeError(e: unknown, sql: string | undefined): string {
  const err = e as { message?: string; code?: string; detail?: string; hint?: string };
  const parts = [`${err.message ?? String(e)}${err.code ? ` (SQLSTATE ${err.code})` : ''}`];
  if (err.detail) parts.push(`DETAIL: ${err.detail}`);
  if (err.hint) parts.push(`HINT: ${err.hint}`);
  if (sql) parts.push(`statement: ${sql}`);
  return parts.join('\n      ');
}

async function record(client: Client, name: string, sha256: string): Promise<LedgerChange> {
  const before = await client.query<{ sha256: string }>({ text: `SELECT sha256 FROM ${MIGRATIONS_LEDGER} WHERE name = $1`, values: [name] });
  const previous = before.rows[0]?.sha256;
  if (previous === sha256) return 'unchanged';
  await client.query({
    text: `INSERT INTO ${MIGRATIONS_LEDGER} (name, sha256) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()`,
    values: [name, sha256],
  });
  return previous === undefined ? 'new' : 'changed';
}

/** The report as a table for people; `--json` prints the report object itself. */
export function formatReport(report: MigrationReport): string {
  const rows = [
    ['migration', 'sha256', 'statements', 'generated', 'ledger'],
    ...report.files.map((f) => [f.name, f.sha256.slice(0, 12), String(f.statements), String(f.generated), f.ledger]),
  ];
  return [...formatTable(rows), `ai_user_memory partitions: ${report.memoryPartitions}`].join('\n');
}
