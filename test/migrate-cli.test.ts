/**
 * bin/migrate.ts end to end, started the way the Kubernetes Job starts it (`node --import tsx bin/migrate.ts`),
 * reaching a real Postgres (PGlite over TCP) through the libpq environment variables only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_PARTITIONS, sha256Of } from '../db/migrate';
import { parseMigrateArgs } from '../db/migrate-args';
import { GigascaleError } from '../lib/util/errors';
import { migrationFiles, startPostgres, type LocalPostgres } from './support/postgres';
import { runTsx, type ProcessRun } from './support/process';
import { ROOT } from './support/synth';

/** Runs the CLI asynchronously: the Postgres it talks to lives in this process and must keep serving meanwhile. */
function migrate(args: readonly string[], env: Readonly<Record<string, string>>): Promise<ProcessRun> {
  return runTsx(['bin/migrate.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, killAfterMs: 60_000 });
}

describe('bin/migrate.ts against Postgres', () => {
  let pg: LocalPostgres;
  let first: ProcessRun;

  beforeAll(async () => {
    pg = await startPostgres();
    first = await migrate(['--json'], pg.env);
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('applies every file with the default 10 partitions and prints only the JSON report on stdout', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      files: migrationFiles().map((f) => ({ generated: f.sql.includes('\\gexec') ? 2 * DEFAULT_MEMORY_PARTITIONS : 0, ledger: 'new', name: f.name, sha256: sha256Of(f.sql), statements: expect.any(Number) })),
      memoryPartitions: 10,
    });
    const partitions = await pg.withClient(async (c) => (await c.query("SELECT 1 FROM pg_inherits WHERE inhparent = 'ai_user_memory'::regclass")).rowCount);
    expect(partitions).toBe(10);
  });

  it('prints a table by default, and a second run finds every file unchanged and generates nothing', async () => {
    const r = await migrate([], pg.env);
    expect(r.code).toBe(0);
    const [f1, f2, f3, f4] = migrationFiles();
    expect(r.stdout).toBe(
      [
        'migration                sha256        statements  generated  ledger',
        `${f1.name}  ${sha256Of(f1.sql).slice(0, 12)}  4           0          unchanged`,
        `${f2.name}   ${sha256Of(f2.sql).slice(0, 12)}  4           0          unchanged`,
        `${f3.name}        ${sha256Of(f3.sql).slice(0, 12)}  3           0          unchanged`,
        `${f4.name}      ${sha256Of(f4.sql).slice(0, 12)}  4           0          unchanged`,
        'ai_user_memory partitions: 10',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 naming the file, the statement and both counts when --memory-partitions differs from the shard', async () => {
    const r = await migrate(['--memory-partitions', '4'], pg.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      '  - 0001_ai_user_memory.sql statement 1 (line 24): ai_user_memory is hash-partitioned with modulus 10, but gigascale.memory_partitions is 4',
    );
    expect(r.stderr).toContain('HINT: Run with --memory-partitions 10');
  });

  it('exits 1 naming the target it could not reach', async () => {
    const r = await migrate([], { ...pg.env, PGPORT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gigascale migrate: Cannot connect \(1 problem\):\n {2}- PGHOST\/PGPORT\/PGDATABASE\/PGUSER: postgres@127\.0\.0\.1:1\/postgres: connect ECONNREFUSED/);
  });

  it.each<[string[], string]>([
    [['--memory-partitions', '0'], '  - --memory-partitions: must be an integer in 1..256, got "0"'],
    [['--dir', '/nonexistent/migrations'], '  - --dir: /nonexistent/migrations is not a readable directory'],
    [['--dir', 'bin'], '  - --dir: bin has no .sql files; point --dir at db/migrations'],
    [['--verbose'], "  - command line: Unknown option '--verbose'"],
  ])('exits 2 before connecting on %j', async (args, message) => {
    // PGPORT 1: a run that got as far as connecting would exit 1, not 2.
    const r = await migrate(args, { ...pg.env, PGPORT: '1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

describe('parseMigrateArgs', () => {
  it('defaults to db/migrations, 10 partitions and a table', () => {
    expect(parseMigrateArgs([])).toEqual({ dir: 'db/migrations', memoryPartitions: 10, json: false, help: false });
  });

  it('reads every flag', () => {
    expect(parseMigrateArgs(['--dir', 'x', '--memory-partitions', '256', '--json'])).toEqual({ dir: 'x', memoryPartitions: 256, json: true, help: false });
  });

  it.each(['0', '257', '4.5', '-1', 'ten', '', '1e2'])('refuses --memory-partitions %j with the allowed range', (value) => {
    // --flag=value: node's parseArgs takes "-1" after a space for a forgotten argument.
    expect(() => parseMigrateArgs([`--memory-partitions=${value}`])).toThrow(
      new GigascaleError('Bad arguments', [{ at: '--memory-partitions', message: `must be an integer in 1..256, got "${value}"` }]),
    );
  });

  it('refuses a positional argument', () => {
    expect(() => parseMigrateArgs(['db/migrations'])).toThrow(/Unexpected argument 'db\/migrations'/);
  });
});
