/** The arguments of the CLIs that read one environment of the config: `[--env <name>] [--json] [--config <file>]`. */
import { GigascaleError } from './errors';

export interface EnvArgs {
  /** `--env`: the environment to read; undefined when not given. */
  readonly env?: string;
  /** `--json`: exact JSON on stdout instead of a table. */
  readonly json: boolean;
  /** `--config`: the config module. @default - regions.config.ts */
  readonly config?: string;
}

/** Parses `argv`; an unknown argument or a flag without its value is a GigascaleError (exit 2) ending with `usage`. */
export function parseEnvArgs(argv: readonly string[], usage: string): EnvArgs {
  let env: string | undefined;
  let config: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (a !== '--env' && a !== '--config') throw new GigascaleError('Invalid arguments', [{ at: a, message: `unknown argument\n${usage}` }]);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new GigascaleError('Invalid arguments', [{ at: a, message: `needs a value\n${usage}` }]);
    if (a === '--env') env = value;
    else config = value;
  }
  return { env, json, config };
}
