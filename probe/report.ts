/** The probe's verdict on each check, and how it is printed: a table by default, exact JSON with --json. */
import { formatTable } from '../lib/util/table';
import type { ProbeCheck } from '../lib/facts/probe-checks';
import { formatDuration } from './duration';
import type { ErrorCount, LatencySummary, Measurement } from './histogram';
import type { MilestoneName } from './milestones';

/** How the load was applied. */
export type ProbeLoad =
  | {
      readonly model: 'open';
      readonly ratePerSecond: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      readonly timeoutMs: number;
    }
  | {
      readonly model: 'closed';
      readonly milestone: MilestoneName;
      /** The milestone's users. */
      readonly users: number;
      readonly scale: number;
      /** Virtual users simulated: ceil(users × scale). */
      readonly concurrency: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      readonly timeoutMs: number;
    };

export interface CheckReport {
  readonly name: ProbeCheck;
  /** Requests of the measured window, errors included; 0 when skipped. */
  readonly count: number;
  readonly errors: number;
  /** errors / count, 0 when nothing ran. */
  readonly errorRate: number;
  /** Null when no request was answered (or the check was skipped). */
  readonly latency: LatencySummary | null;
  /** The P95 the check is held to, milliseconds; null to judge it on its error rate alone. */
  readonly budgetP95Ms: number | null;
  readonly maxErrorRate: number;
  readonly ok: boolean;
  /** Why the check did not run. @default - it ran */
  readonly skipped?: string;
  /** What broke, for the table: empty when ok. */
  readonly failures: readonly string[];
  readonly errorCounts: readonly ErrorCount[];
}

export interface ProbeReport {
  readonly region: string;
  /** `--env`, or null. */
  readonly env: string | null;
  readonly load: ProbeLoad;
  /** In PROBE_CHECKS order. */
  readonly checks: readonly CheckReport[];
  /** Every check holds. */
  readonly ok: boolean;
}

/**
 * The verdict on a check: ok when its error rate is at most `maxErrorRate` and, if it has a budget, its P95 is at
 * most the budget. A skipped check is ok: it says why, and the table shows it.
 */
export function judgeCheck(name: ProbeCheck, outcome: Measurement | { readonly skipped: string }, budgetP95Ms: number | null, maxErrorRate: number): CheckReport {
  if ('skipped' in outcome) {
    return { name, count: 0, errors: 0, errorRate: 0, latency: null, budgetP95Ms, maxErrorRate, ok: true, skipped: outcome.skipped, failures: [], errorCounts: [] };
  }
  const { count, errors, latency, errorCounts } = outcome;
  const errorRate = count === 0 ? 0 : errors / count;
  const failures: string[] = [];
  if (errorRate > maxErrorRate) failures.push(`error rate ${percent(errorRate)} > ${percent(maxErrorRate)}`);
  if (budgetP95Ms !== null) {
    if (latency === null) failures.push(`no answer to measure against the ${budgetP95Ms} ms budget`);
    else if (latency.p95Ms > budgetP95Ms) failures.push(`p95 ${fixed(latency.p95Ms)} ms > ${budgetP95Ms} ms`);
  }
  return { name, count, errors, errorRate, latency, budgetP95Ms, maxErrorRate, ok: failures.length === 0, failures, errorCounts };
}

/** A report's checks and verdict, combined. */
export function probeReport(region: string, env: string | null, load: ProbeLoad, checks: readonly CheckReport[]): ProbeReport {
  return { region, env, load, checks, ok: checks.every((c) => c.ok) };
}

/** One check in --json, keys in this order. */
export interface CheckJson {
  readonly name: ProbeCheck;
  readonly count: number;
  readonly errors: number;
  readonly error_rate: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  readonly budget_p95_ms: number | null;
  readonly ok: boolean;
  readonly skipped?: string;
}

export interface ProbeJson {
  readonly region: string;
  readonly checks: readonly CheckJson[];
  readonly ok: boolean;
}

/** The --json document: exactly {"region", "checks": [...], "ok"}, milliseconds rounded to 3 decimals. */
export function probeJson(report: ProbeReport): ProbeJson {
  return {
    region: report.region,
    checks: report.checks.map((c) => ({
      name: c.name,
      count: c.count,
      errors: c.errors,
      error_rate: c.errorRate,
      p50_ms: roundMs(c.latency?.p50Ms),
      p95_ms: roundMs(c.latency?.p95Ms),
      p99_ms: roundMs(c.latency?.p99Ms),
      max_ms: roundMs(c.latency?.maxMs),
      budget_p95_ms: c.budgetP95Ms,
      ok: c.ok,
      ...(c.skipped === undefined ? {} : { skipped: c.skipped }),
    })),
    ok: report.ok,
  };
}

/** The readable report: what was run, a row per check, why a check failed or erred, and the verdict. */
export function formatProbeReport(report: ProbeReport): string[] {
  const { load } = report;
  const where = `${report.region}${report.env === null ? '' : ` (environment ${report.env})`}`;
  const window = `for ${formatDuration(load.durationMs)} after a ${formatDuration(load.warmupMs)} warm-up, timeout ${formatDuration(load.timeoutMs)}`;
  const lines =
    load.model === 'open'
      ? [`Probe of ${where}: open model, ${load.ratePerSecond} requests/s on schedule ${window}; latency from each request's intended start`]
      : [
          `Milestone ${load.milestone} against ${where}: ${load.concurrency.toLocaleString('en-US')} virtual user${load.concurrency === 1 ? '' : 's'} (${load.users.toLocaleString('en-US')} × scale ${load.scale}), back to back ${window}`,
        ];
  lines.push('');
  const cell = (ms: number | undefined): string => (ms === undefined ? '-' : fixed(ms));
  lines.push(
    ...formatTable(
      [
        ['check', 'count', 'errors', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'budget p95 ms', 'verdict'],
        ...report.checks.map((c) => [
          c.name,
          String(c.count),
          String(c.errors),
          c.skipped === undefined ? percent(c.errorRate) : '-',
          cell(c.latency?.p50Ms),
          cell(c.latency?.p95Ms),
          cell(c.latency?.p99Ms),
          cell(c.latency?.maxMs),
          c.budgetP95Ms === null ? 'none' : String(c.budgetP95Ms),
          c.skipped !== undefined ? `skipped: ${c.skipped}` : c.ok ? 'ok' : `FAILED: ${c.failures.join('; ')}`,
        ]),
      ],
      [false, true, true, true, true, true, true, true, true, false],
    ),
  );
  const erred = report.checks.filter((c) => c.errorCounts.length > 0);
  if (erred.length > 0) {
    lines.push('', 'Errors:');
    for (const c of erred) lines.push(...c.errorCounts.map((e) => `  ${c.name}: ${e.count} × ${e.message}`));
  }
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  const limits = load.model === 'closed' ? 'the milestone\'s P95 or error rate' : 'its P95 budget or error-rate limit';
  lines.push(
    '',
    report.ok ? `Verdict: ok, every check holds (${report.checks.length} check${report.checks.length === 1 ? '' : 's'}).` : `Verdict: FAILED, ${failed.length} of ${report.checks.length} checks broke ${limits}: ${failed.join(', ')}.`,
  );
  return lines;
}

function roundMs(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms * 1_000) / 1_000;
}

function fixed(ms: number): string {
  return ms.toFixed(3);
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)} %`;
}
