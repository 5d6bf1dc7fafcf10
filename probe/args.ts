/** Command line of bin/probe.ts, parsed and checked without side effects so tests can cover every refusal. */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../lib/util/errors';
import { PROBE_CHECKS, type ProbeCheck } from '../lib/facts/probe-checks';
import { formatDuration, parseDuration } from './duration';
import { parseEmfEndpoint, type EmfEndpoint } from './emf-endpoint';
import { isMilestoneName, MILESTONE_NAMES, type MilestoneName } from './milestones';

export type ProbeOutput = 'table' | 'json' | 'emf';

export interface ProbeArgs {
  /** Path of the target file. */
  readonly target: string;
  /** Environment whose budgets apply (and the EMF Environment dimension). @default - the one environment listing the region */
  readonly env?: string;
  /** Config module. @default - regions.config.ts */
  readonly config?: string;
  /** Measured window of each check, milliseconds. @default 10_000 */
  readonly durationMs: number;
  /** Requests started per second (open model). @default 100 */
  readonly ratePerSecond: number;
  /** Warm-up before the measured window, same schedule, results discarded, milliseconds. @default 2_000 */
  readonly warmupMs: number;
  /** A request not answered this long after its intended start is an error, milliseconds. @default 1_000 */
  readonly timeoutMs: number;
  /** P95 budgets given on the command line, milliseconds; they win over the latency model's. @default {} */
  readonly budgetsMs: Readonly<Partial<Record<ProbeCheck, number>>>;
  /** Error rate a check may show, 0..1. @default - DEFAULT_MAX_ERROR_RATE, or the milestone's */
  readonly maxErrorRate?: number;
  /** Run this load milestone as a closed-model test instead of the open-model probe. @default - open model */
  readonly milestone?: MilestoneName;
  /** Fraction of the milestone's users to simulate, (0, 1]. @default 1 */
  readonly scale: number;
  /** What goes to stdout. @default 'table' */
  readonly output: ProbeOutput;
  /** With --emf, also send the lines to the CloudWatch agent listening there. @default - stdout only */
  readonly emfEndpoint?: EmfEndpoint;
  /** Print usage and exit 0. @default false */
  readonly help: boolean;
}

export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_RATE_PER_SECOND = 100;
export const DEFAULT_WARMUP_MS = 2_000;
export const DEFAULT_TIMEOUT_MS = 1_000;
export const MAX_DURATION_MS = 600_000;
export const MAX_WARMUP_MS = 60_000;
export const MAX_TIMEOUT_MS = 60_000;
export const MAX_RATE_PER_SECOND = 10_000;
/** Requests one open-model check may schedule, warm-up included: bounds the run's memory and the load it puts on a target. */
export const MAX_SCHEDULED_REQUESTS = 1_000_000;

export const PROBE_USAGE = `usage: npm run -s probe -- --target <file.json> [--env <name>] [--config <file>] [--duration 10s] [--rate 100]
         [--warmup 2s] [--timeout 1s] [--budget <check>=<ms>]... [--max-error-rate 0.001]
         [--milestone ${MILESTONE_NAMES.join('|')}] [--scale <fraction>] [--emf [--emf-endpoint tcp://host:port]] [--json]

Measures the latency of the endpoints of a target file ({"region", "postgres", "redis", "http", "ws"}), one
check after the other, and holds each check's P95 to the latency model's budget for the region.

  --target FILE          JSON target file; checks run for the endpoints it names
  --env NAME             environment whose budgets apply, when the region is in several (EMF: Environment)
  --config FILE          config module (default regions.config.ts)
  --duration D           measured window per check, up to 10m (default 10s); D is like 500ms, 10s, 1m
  --rate N               requests started per second, 1..${MAX_RATE_PER_SECOND}, on schedule whatever the answers (default 100)
  --warmup D             same schedule before the window, discarded, up to 1m (default 2s)
  --timeout D            a request unanswered D after its intended start is an error, 1ms..60s (default 1s)
  --budget CHECK=MS      P95 budget of a check, overriding the model's; repeatable; the checks:
                         ${PROBE_CHECKS.join(', ')}
  --max-error-rate R     error rate a check may show, 0..1 (default 0.001)
  --milestone PHASE      closed-model load test of a seed milestone instead (phase1: 1,000 users, P95 200 ms, ...)
  --scale F              fraction of the milestone's users, (0, 1] (default 1)
  --emf                  print one CloudWatch embedded-metric-format line per check instead of the table
  --emf-endpoint URL     with --emf, also send the lines to the CloudWatch agent at tcp://host:port or udp://host:port
  --json                 print the report as JSON
Exit codes: 0 every check holds, 1 a check broke its budget or error rate, 2 bad arguments or target.`;

const VALUE_FLAGS = ['--target', '--env', '--config', '--duration', '--rate', '--warmup', '--timeout', '--budget', '--max-error-rate', '--milestone', '--scale', '--emf-endpoint'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const SWITCHES = ['--emf', '--json', '--help'] as const;
const NUMBER = /^\d+(\.\d+)?$/;

/** Parses argv (without node and script). Throws one GigascaleError (exit 2) listing every bad flag. */
export function parseProbeArgs(argv: readonly string[]): ProbeArgs {
  const issues: Issue[] = [];
  const values = new Map<ValueFlag, string>();
  const budgets: string[] = [];
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if ((SWITCHES as readonly string[]).includes(flag)) {
      if (eq !== -1) issues.push({ at: flag, message: 'takes no value' });
      switches.add(flag);
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      issues.push({ at: arg, message: `${arg.startsWith('-') ? 'unknown flag' : 'unexpected argument'} (--help shows the usage)` });
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined) {
      issues.push({ at: flag, message: 'needs a value (--help shows the usage)' });
    } else if (flag === '--budget') {
      budgets.push(value);
    } else if (values.has(flag as ValueFlag)) {
      issues.push({ at: flag, message: `given twice (${JSON.stringify(values.get(flag as ValueFlag))} and ${JSON.stringify(value)}); give it once` });
    } else {
      values.set(flag as ValueFlag, value);
    }
  }
  const help = switches.has('--help');

  const target = values.get('--target');
  if (target === undefined && !help) issues.push({ at: '--target', message: 'is required: the JSON file naming the region and the endpoints to probe' });
  if (target === '') issues.push({ at: '--target', message: 'must name a file, got ""' });
  for (const flag of ['--env', '--config'] as const) {
    if (values.get(flag) === '') issues.push({ at: flag, message: 'must not be empty' });
  }

  const duration = (flag: ValueFlag, fallback: number, min: number, max: number): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms < min || ms > max) {
      issues.push({ at: flag, message: `must be a duration in ${formatDuration(min)}..${formatDuration(max)} written like 500ms, 10s or 1m, got ${JSON.stringify(raw)}` });
      return fallback;
    }
    return ms;
  };
  const durationMs = duration('--duration', DEFAULT_DURATION_MS, 1, MAX_DURATION_MS);
  const warmupMs = duration('--warmup', DEFAULT_WARMUP_MS, 0, MAX_WARMUP_MS);
  const timeoutMs = duration('--timeout', DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);

  const number = (flag: ValueFlag, fallback: number, ok: (n: number) => boolean, allowed: string): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const n = NUMBER.test(raw) ? Number(raw) : NaN;
    if (!ok(n)) {
      issues.push({ at: flag, message: `must be ${allowed}, got ${JSON.stringify(raw)}` });
      return fallback;
    }
    return n;
  };
  const ratePerSecond = number('--rate', DEFAULT_RATE_PER_SECOND, (n) => n >= 1 && n <= MAX_RATE_PER_SECOND, `a number of requests per second in 1..${MAX_RATE_PER_SECOND}`);
  const maxErrorRate = values.has('--max-error-rate') ? number('--max-error-rate', NaN, (n) => n >= 0 && n <= 1, 'a fraction in 0..1 (0.001 is 0.1 %)') : undefined;
  const scale = number('--scale', 1, (n) => n > 0 && n <= 1, 'a fraction in (0, 1], e.g. 0.1 for a tenth of the milestone\'s users');

  const rawMilestone = values.get('--milestone');
  let milestone: MilestoneName | undefined;
  if (rawMilestone !== undefined) {
    if (isMilestoneName(rawMilestone)) milestone = rawMilestone;
    else issues.push({ at: '--milestone', message: `must be one of ${MILESTONE_NAMES.join(', ')}, got ${JSON.stringify(rawMilestone)}` });
  }

  const budgetsMs: Partial<Record<ProbeCheck, number>> = {};
  for (const raw of budgets) {
    const match = /^([a-z0-9_.]+)=(\d+(?:\.\d+)?)$/.exec(raw);
    const check = match?.[1];
    if (match === null || check === undefined) {
      issues.push({ at: '--budget', message: `must be <check>=<milliseconds>, e.g. redis.get=2, got ${JSON.stringify(raw)}` });
    } else if (!(PROBE_CHECKS as readonly string[]).includes(check)) {
      issues.push({ at: '--budget', message: `names no check: ${JSON.stringify(check)}; the checks are ${PROBE_CHECKS.join(', ')}` });
    } else if (!(Number(match[2]) > 0)) {
      issues.push({ at: '--budget', message: `${check} must be a positive number of milliseconds, got ${JSON.stringify(match[2])}` });
    } else if (budgetsMs[check as ProbeCheck] !== undefined) {
      issues.push({ at: '--budget', message: `${check} is given twice; give each check's budget once` });
    } else {
      budgetsMs[check as ProbeCheck] = Number(match[2]);
    }
  }

  if (switches.has('--json') && switches.has('--emf')) issues.push({ at: '--emf', message: 'and --json both choose the output; pass one' });
  const rawEndpoint = values.get('--emf-endpoint');
  const emfEndpoint = rawEndpoint === undefined ? undefined : parseEmfEndpoint(rawEndpoint);
  if (rawEndpoint !== undefined) {
    if (emfEndpoint === undefined) issues.push({ at: '--emf-endpoint', message: `must be tcp://host:port or udp://host:port (a CloudWatch agent's EMF listener, e.g. tcp://127.0.0.1:25888), got ${JSON.stringify(rawEndpoint)}` });
    else if (!switches.has('--emf')) issues.push({ at: '--emf-endpoint', message: 'sends the EMF lines: pass --emf with it' });
  }
  if (!values.has('--milestone') && values.has('--scale')) {
    issues.push({ at: '--scale', message: 'applies to --milestone only: it scales the milestone\'s users' });
  }
  if (milestone !== undefined) {
    const why: Partial<Record<ValueFlag, string>> = {
      '--rate': 'a milestone is a closed-model test: its virtual users send back to back, there is no rate',
      '--budget': 'the milestone sets the P95 every check is held to',
      '--max-error-rate': 'the milestone sets the error rate every check is held to',
    };
    for (const [flag, reason] of Object.entries(why) as [ValueFlag, string][]) {
      if (flag === '--budget' ? budgets.length > 0 : values.has(flag)) issues.push({ at: flag, message: `cannot be combined with --milestone: ${reason}` });
    }
  } else {
    const scheduled = Math.ceil(((warmupMs + durationMs) / 1_000) * ratePerSecond);
    if (scheduled > MAX_SCHEDULED_REQUESTS) {
      issues.push({
        at: '--rate',
        message: `${ratePerSecond}/s for ${formatDuration(durationMs)} after a ${formatDuration(warmupMs)} warm-up schedules ${scheduled.toLocaleString('en-US')} requests per check, more than ${MAX_SCHEDULED_REQUESTS.toLocaleString('en-US')}; lower --rate or --duration`,
      });
    }
  }
  if (issues.length > 0) throw new GigascaleError('Bad arguments', issues, EXIT_BAD_INPUT);

  const output: ProbeOutput = switches.has('--json') ? 'json' : switches.has('--emf') ? 'emf' : 'table';
  return {
    target: target ?? '',
    env: values.get('--env'),
    config: values.get('--config'),
    durationMs,
    ratePerSecond,
    warmupMs,
    timeoutMs,
    budgetsMs,
    maxErrorRate,
    milestone,
    scale,
    output,
    emfEndpoint,
    help,
  };
}
