/** The arguments of the CLIs that read one environment of the config: `[--env <name>] [--json] [--config <file>] [--help]`. */
import { GigascaleError } from './errors';

export interface EnvArgs {
  /** `--env`: the environment to read; undefined when not given. */
  readonly env?: string;
  /** `--json`: exact JSON on stdout instead of a table. */
  readonly json: boolean;
  /** `--config`: the config module. @default - regions.config.ts */
  readonly config?: string;
  /** Values of the CLI's own flags (`extraFlags`), by flag, when given. */
  readonly extra: Readonly<Record<string, string>>;
  /** Values of the CLI's own list flags (`listFlags`: every argument after the flag up to the next `--` flag), by flag, when given. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** `--help` or `-h`: print the usage and exit 0, whatever else is given. */
  readonly help: boolean;
}

/** A bad argument: a GigascaleError (exit 2) naming it, ending with `usage`. */
export function argumentError(at: string, message: string, usage: string): GigascaleError {
  return new GigascaleError('Invalid arguments', [{ at, message: `${message}\n${usage}` }]);
}

/**
 * Parses `argv`; `extraFlags` are the CLI's own flags that take a value (`--users`), returned unparsed in `extra`;
 * `listFlags` take one value or more (`--measured a.json b.json`), returned in `lists`. An unknown argument, a flag
 * without its value or a flag given twice is a GigascaleError (exit 2) ending with `usage`.
 */
export function parseEnvArgs(argv: readonly string[], usage: string, extraFlags: readonly string[] = [], listFlags: readonly string[] = []): EnvArgs {
  let env: string | undefined;
  let config: string | undefined;
  let json = false;
  const extra: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  if (argv.includes('--help') || argv.includes('-h')) return { json, extra, lists, help: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (listFlags.includes(a)) {
      if (lists[a] !== undefined) throw argumentError(a, 'is given twice; list every value after one flag', usage);
      const values: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
      if (values.length === 0) throw argumentError(a, 'needs a value', usage);
      lists[a] = values;
      continue;
    }
    if (a !== '--env' && a !== '--config' && !extraFlags.includes(a)) throw argumentError(a, 'unknown argument', usage);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw argumentError(a, 'needs a value', usage);
    if (a === '--env') env = value;
    else if (a === '--config') config = value;
    else extra[a] = value;
  }
  return { env, json, config, extra, lists, help: false };
}
