/** Command line of bin/migrate.ts, parsed and checked without side effects so tests can cover every refusal. */
import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../lib/util/errors';
import { DEFAULT_MEMORY_PARTITIONS, MAX_MEMORY_PARTITIONS } from './migrate';
import { integerProblem } from '../lib/util/ranges';

export interface MigrateArgs {
  /** Directory of the migration files. @default 'db/migrations' (relative to the working directory) */
  readonly dir: string;
  /** Hash partitions of ai_user_memory. @default 10 */
  readonly memoryPartitions: number;
  /** Print the report as JSON instead of a table. @default false */
  readonly json: boolean;
  /** Print usage and exit 0. @default false */
  readonly help: boolean;
}

export const MIGRATE_USAGE = `usage: migrate [--dir db/migrations] [--memory-partitions N] [--json]

Applies every db/migrations/*.sql file, in name order, to the database named by the libpq environment
variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE.

  --dir DIR               directory of the migration files (default db/migrations)
  --memory-partitions N   hash partitions of ai_user_memory, 1..${MAX_MEMORY_PARTITIONS} (default ${DEFAULT_MEMORY_PARTITIONS});
                          must equal the count a shard already has
  --json                  print the report as JSON on stdout
Exit codes: 0 applied, 1 a migration failed, 2 bad arguments or unreadable migrations.`;

/** Parses argv (without node and script). Throws one GigascaleError (exit 2) listing every bad flag. */
export function parseMigrateArgs(argv: readonly string[]): MigrateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        dir: { type: 'string' },
        'memory-partitions': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new GigascaleError('Bad arguments', [{ at: 'command line', message: `${(e as Error).message.replace(/\s+/g, ' ')} (--help shows the usage)` }], EXIT_BAD_INPUT);
  }
  const issues: Issue[] = [];
  const raw = values['memory-partitions'];
  let memoryPartitions = DEFAULT_MEMORY_PARTITIONS;
  if (raw !== undefined) {
    memoryPartitions = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    const problem = integerProblem(memoryPartitions, 1, MAX_MEMORY_PARTITIONS, JSON.stringify(raw));
    if (problem !== undefined) issues.push({ at: '--memory-partitions', message: problem });
  }
  if (values.dir === '') issues.push({ at: '--dir', message: 'must name a directory, got ""' });
  if (issues.length > 0) throw new GigascaleError('Bad arguments', issues, EXIT_BAD_INPUT);
  return { dir: values.dir ?? 'db/migrations', memoryPartitions, json: values.json ?? false, help: values.help ?? false };
}
