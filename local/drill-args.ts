/** Command line of bin/chaos-local.ts (the failure drill), parsed and checked without side effects. */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../lib/util/errors';
import { DRILL_FAULT_NAMES, type DrillFaultName } from '../lib/views/drill-report';
import { formatDuration, parseDuration } from '../probe/duration';
import type { DrillOptions } from './drill';

export interface DrillArgs extends DrillOptions {
  /** Exact JSON on stdout instead of the table. @default false */
  readonly json: boolean;
  readonly help: boolean;
}

export const DEFAULT_FAULT_MS = 3_000;
export const DEFAULT_MAX_RECOVERY_MS = 15_000;
export const DEFAULT_DRILL_RATE = 50;
export const DEFAULT_DRILL_TIMEOUT_MS = 250;

export const DRILL_USAGE = `usage: npm run -s chaos:local -- [--faults <f1,f2,...>] [--fault-duration 3s] [--max-recovery 15s]
         [--rate 50] [--timeout 250ms] [--stuck <fault>] [--json]

Starts Postgres and redis-server on 127.0.0.1 behind fault proxies, runs the probe's postgres.select1,
postgres.memory_read, redis.set and redis.get checks at a fixed rate for the whole drill, injects each fault after
2 s of clean traffic, and reports per fault how soon it showed as an error, the errors, and how soon the checks it
affects ran a whole second clean after it ended.

  --faults LIST          faults to inject, in the drill's order (default all): ${DRILL_FAULT_NAMES.join(', ')}
  --fault-duration D     how long redis-server stays down and a proxy stalls or drops, 100ms..1m (default 3s);
                         D is like 500ms, 3s, 1m; postgres.restart lasts as long as the restart takes
  --max-recovery D       the longest recovery that passes, 1s..10m (default 15s)
  --rate N               requests per second of each check, 1..1000 (default 50)
  --timeout D            a request unanswered D after its intended start is an error, 1ms..10s (default 250ms)
  --stuck FAULT          never end this fault (a server left stopped, a proxy left stalling): the drill then fails
                         with "not recovered" and runs no later fault; for tests and for seeing the failure
  --json                 print the report as exact JSON
Exit codes: 0 every fault detected and recovered within --max-recovery, 1 a fault not detected or not recovered,
2 bad arguments or a service that does not start.`;

const VALUE_FLAGS = ['--faults', '--fault-duration', '--max-recovery', '--rate', '--timeout', '--stuck'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const SWITCHES = ['--json', '--help'] as const;

/** Parses argv (without node and script). Throws one GigascaleError (exit 2) listing every bad argument. */
export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const issues: Issue[] = [];
  const values = new Map<ValueFlag, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((SWITCHES as readonly string[]).includes(arg)) {
      switches.add(arg);
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(arg)) {
      issues.push({ at: arg, message: `${arg.startsWith('-') ? 'unknown flag' : 'unexpected argument'} (--help shows the usage)` });
      continue;
    }
    const value = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : undefined;
    if (value === undefined) issues.push({ at: arg, message: 'needs a value (--help shows the usage)' });
    else if (values.has(arg as ValueFlag)) issues.push({ at: arg, message: `given twice (${JSON.stringify(values.get(arg as ValueFlag))} and ${JSON.stringify(value)}); give it once` });
    else values.set(arg as ValueFlag, value);
  }

  const duration = (flag: ValueFlag, fallback: number, min: number, max: number): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const ms = parseDuration(raw);
    if (ms !== undefined && ms >= min && ms <= max) return ms;
    issues.push({ at: flag, message: `must be a duration in ${formatDuration(min)}..${formatDuration(max)} written like 500ms, 3s or 1m, got ${JSON.stringify(raw)}` });
    return fallback;
  };
  const faultMs = duration('--fault-duration', DEFAULT_FAULT_MS, 100, 60_000);
  const maxRecoveryMs = duration('--max-recovery', DEFAULT_MAX_RECOVERY_MS, 1_000, 600_000);
  const timeoutMs = duration('--timeout', DEFAULT_DRILL_TIMEOUT_MS, 1, 10_000);

  let ratePerSecond = DEFAULT_DRILL_RATE;
  const rawRate = values.get('--rate');
  if (rawRate !== undefined) {
    if (/^\d+$/.test(rawRate) && Number(rawRate) >= 1 && Number(rawRate) <= 1_000) ratePerSecond = Number(rawRate);
    else issues.push({ at: '--rate', message: `must be a whole number of requests per second in 1..1000, got ${JSON.stringify(rawRate)}` });
  }

  const isFault = (name: string): name is DrillFaultName => (DRILL_FAULT_NAMES as readonly string[]).includes(name);
  let faults: readonly DrillFaultName[] = DRILL_FAULT_NAMES;
  const rawFaults = values.get('--faults');
  if (rawFaults !== undefined) {
    const named = rawFaults.split(',').map((f) => f.trim());
    const unknown = named.filter((f) => !isFault(f));
    if (unknown.length > 0) issues.push({ at: '--faults', message: `names no fault: ${unknown.map((f) => JSON.stringify(f)).join(', ')}; the faults are ${DRILL_FAULT_NAMES.join(', ')}` });
    else if (new Set(named).size !== named.length) issues.push({ at: '--faults', message: `names a fault twice: ${JSON.stringify(rawFaults)}; name each once` });
    // The drill's own order, whatever the order given: each fault's quiet gap follows the one before.
    else faults = DRILL_FAULT_NAMES.filter((f) => named.includes(f));
  }
  const stuck = values.get('--stuck');
  if (stuck !== undefined && !isFault(stuck)) issues.push({ at: '--stuck', message: `names no fault: ${JSON.stringify(stuck)}; the faults are ${DRILL_FAULT_NAMES.join(', ')}` });
  else if (stuck !== undefined && !faults.includes(stuck)) issues.push({ at: '--stuck', message: `${stuck} is not among the faults to inject (${faults.join(', ')}); add it to --faults` });

  if (issues.length > 0) throw new GigascaleError('Invalid arguments', issues, EXIT_BAD_INPUT);
  return { faults, faultMs, maxRecoveryMs, ratePerSecond, timeoutMs, stuck: stuck as DrillFaultName | undefined, json: switches.has('--json'), help: switches.has('--help') };
}
