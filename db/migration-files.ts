/** Reads a migrations directory into MigrationFiles: every `*.sql` in it, in lexical order; other files are ignored. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';
import type { MigrationFile } from './migrate';

/** The migration files of `dir`. Throws a GigascaleError (exit 2, at `flag`) when it is missing or has no `.sql` file. */
export function readMigrationFiles(dir: string, flag = '--dir'): MigrationFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (e) {
    throw new GigascaleError('Cannot read migrations', [{ at: flag, message: `${dir} is not a readable directory (${(e as Error).message})` }], EXIT_BAD_INPUT);
  }
  const sql = names.filter((n) => n.endsWith('.sql')).sort();
  if (sql.length === 0) {
    throw new GigascaleError('Cannot read migrations', [{ at: flag, message: `${dir} has no .sql files; point --dir at db/migrations` }], EXIT_BAD_INPUT);
  }
  return sql.map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}
