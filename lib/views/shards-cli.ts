/**
 * `npm run -s shards -- <command>`: which shard holds a user, and what a reshard moves. bin/shards.ts only calls
 * `run`; parsing and output live here so tests drive them without a process.
 */
import { sortedJson } from '../util/json';
import { formatTable } from '../util/table';
import { EXIT_OK, GigascaleError, type Issue } from '../util/errors';
import { shardName } from '../facts/names/data';
import { BUCKET_COUNT, reshardPlan, shardOf } from '../facts/shard-map';

const RUN = 'npm run -s shards --';

/** One usage line per command, also printed under an error in that command's arguments. */
const COMMAND_USAGE = {
  lookup: `${RUN} lookup <userId> --shards N [--json]`,
  plan: `${RUN} plan --from N --to M [--json]`,
} as const;

export const USAGE = [
  `usage: ${RUN} <command>`,
  '',
  `  lookup <userId> --shards N [--json]   the bucket (0..${BUCKET_COUNT - 1}) and the shard (0..N-1) of a user`,
  `  plan --from N --to M [--json]         how many of the ${BUCKET_COUNT} buckets move from N to M shards, and between which shards`,
  '  help                                  this text (also --help)',
  '',
  `N and M are integers in 1..${BUCKET_COUNT}. --json prints one JSON object with sorted keys and nothing else.`,
  `A user id that starts with "-" goes after "--": ${RUN} lookup --shards 16 -- -odd-id`,
].join('\n');

export type ShardsCommand =
  | { readonly command: 'help' }
  | { readonly command: 'lookup'; readonly userId: string; readonly shards: number; readonly json: boolean }
  | { readonly command: 'plan'; readonly from: number; readonly to: number; readonly json: boolean };

/** Flags each command takes; `true` if the flag takes a value. */
const FLAGS = {
  lookup: { shards: true, json: false },
  plan: { from: true, to: true, json: false },
} as const satisfies Record<string, Record<string, boolean>>;

type Command = keyof typeof FLAGS;

const isCommand = (c: string): c is Command => Object.hasOwn(FLAGS, c);

function shardCount(flag: string, raw: string | undefined, issues: Issue[]): number {
  const allowed = `an integer in 1..${BUCKET_COUNT}`;
  if (raw === undefined) {
    issues.push({ at: `--${flag}`, message: `missing; give ${allowed}, e.g. --${flag} 16` });
    return NaN;
  }
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= BUCKET_COUNT)) issues.push({ at: `--${flag}`, message: `must be ${allowed}, got ${JSON.stringify(raw)}` });
  return n;
}

/** Parses the arguments after `shards`; throws one GigascaleError (exit 2) naming every bad argument. */
export function parseShardsArgs(argv: readonly string[]): ShardsCommand {
  if (argv.length === 0) throw new GigascaleError('Missing command', [{ at: '<command>', message: 'give one of lookup, plan, help' }]);
  const [command, ...rest] = argv;
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  if (command === 'help' || options.includes('--help') || options.includes('-h')) return { command: 'help' };
  if (!isCommand(command)) {
    throw new GigascaleError('Unknown command', [{ at: '<command>', message: `got ${JSON.stringify(command)}; allowed: lookup, plan, help` }]);
  }

  const flags: Record<string, boolean> = FLAGS[command];
  const allowedFlags = Object.keys(flags).map((f) => `--${f}`).join(', ');
  const issues: Issue[] = [];
  const values = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1] ?? arg;
    if (!m || !Object.hasOwn(flags, name)) {
      issues.push({ at: arg.split('=')[0], message: `unknown flag for ${command}; allowed: ${allowedFlags}` });
      continue;
    }
    let value = m[2];
    if (flags[name] && value === undefined) {
      const next = rest[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      } else {
        // Reported as missing below.
        continue;
      }
    }
    if (!flags[name] && value !== undefined) {
      issues.push({ at: `--${name}`, message: `takes no value, got ${JSON.stringify(value)}` });
      continue;
    }
    if (values.has(name)) {
      const both = flags[name] ? ` (${JSON.stringify(values.get(name))} and ${JSON.stringify(value)})` : '';
      issues.push({ at: `--${name}`, message: `given more than once${both}; give it once` });
      continue;
    }
    values.set(name, value ?? '');
  }

  const json = values.has('json');
  if (command === 'lookup') {
    const shards = shardCount('shards', values.get('shards'), issues);
    if (positionals.length === 0) issues.push({ at: '<userId>', message: 'missing; give the user id to look up, e.g. lookup alice --shards 16' });
    else if (positionals[0] === '') issues.push({ at: '<userId>', message: 'is empty; give the user id to look up (is a shell variable unset?)' });
    if (positionals.length > 1) issues.push({ at: JSON.stringify(positionals[1]), message: 'unexpected argument; lookup takes one user id' });
    if (issues.length > 0) throw new GigascaleError('Invalid arguments for lookup', issues);
    return { command, userId: positionals[0], shards, json };
  }
  const from = shardCount('from', values.get('from'), issues);
  const to = shardCount('to', values.get('to'), issues);
  if (positionals.length > 0) issues.push({ at: JSON.stringify(positionals[0]), message: 'unexpected argument; plan takes only --from, --to and --json' });
  if (issues.length > 0) throw new GigascaleError('Invalid arguments for plan', issues);
  return { command, from, to, json };
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

function lookup(userId: string, shards: number, json: boolean): string {
  const { bucket, shard } = shardOf(userId, shards);
  if (json) return sortedJson({ bucket, shard, shards, userId });
  const rows = [
    ['user id', JSON.stringify(userId)],
    ['bucket', `${bucket} (of 0..${BUCKET_COUNT - 1})`],
    ['shard', `${shard} (of 0..${shards - 1}): ${shardName(shard)}`],
  ];
  return formatTable(rows, [false, false]).join('\n');
}

function plan(from: number, to: number, json: boolean): string {
  const p = reshardPlan(from, to);
  if (json) return sortedJson(p);
  const lines = [`${from} -> ${to} shards: ${p.moved} of ${p.buckets} buckets move (${percent(p.fraction)})`];
  if (p.moves.length > 0) {
    const rows = [
      ['from shard', 'to shard', 'buckets', 'share'],
      ...p.moves.map((m) => [String(m.from), String(m.to), String(m.buckets), percent(m.buckets / p.buckets)]),
    ];
    lines.push('', ...formatTable(rows, [true, true, true, true]));
  }
  return lines.join('\n');
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs one command and returns the exit code: 0, or 2 (EXIT_BAD_INPUT) for bad arguments, named on stderr with the usage. */
export function run(argv: readonly string[], io: Io): number {
  try {
    const cmd = parseShardsArgs(argv);
    if (cmd.command === 'help') io.stdout(`${USAGE}\n`);
    else if (cmd.command === 'lookup') io.stdout(`${lookup(cmd.userId, cmd.shards, cmd.json)}\n`);
    else io.stdout(`${plan(cmd.from, cmd.to, cmd.json)}\n`);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    const command = argv[0] ?? '';
    const usage = isCommand(command) ? `usage: ${COMMAND_USAGE[command]}\n(${RUN} help for more)` : USAGE;
    io.stderr(`shards: ${e.message}\n\n${usage}\n`);
    return e.exitCode;
  }
}
