/**
 * The drift report: the static latency model held to what the probe measured. For every region and check of the
 * probe's `--json` reports, the measured P95 beside the static P95 the model budgets for the same stretch (the sum
 * of the hops the check crosses, lib/facts/probe-checks.ts PROBE_CHECK_HOPS), with a verdict:
 * - `model exceeded`: the measurement is above the static bound, so the model promises what the platform does not do;
 * - `too pessimistic`: the static bound is more than PESSIMISM_FACTOR × the measurement, so it hides real regressions
 *   (a stretch could slow down by that factor and the model would still pass it);
 * - `holds`: in between;
 * - `not measured`: every run skipped the check or had no answer to measure.
 * The probe runs inside a region and writes nothing to a shard, so no check pays an inter-region round trip.
 */
import { PROBE_CHECK_HOPS, PROBE_CHECKS, type ProbeCheck } from '../facts/probe-checks';
import type { EnvironmentPlan } from '../plan/plan';
import { GigascaleError, type Issue } from '../util/errors';
import { isRecord } from '../util/json';
import { formatTable } from '../util/table';

/** A static bound more than this many times the measurement is too pessimistic to catch a regression. */
export const PESSIMISM_FACTOR = 2;

/** What the report needs of one probe `--json` report. */
export interface MeasuredRun {
  /** Where the run was read from, for messages. */
  readonly file: string;
  readonly region: string;
  readonly checks: readonly { readonly name: ProbeCheck; readonly p95Ms: number | null }[];
}

export type DriftVerdict = 'holds' | 'model exceeded' | 'too pessimistic' | 'not measured';

export interface DriftRow {
  readonly env: string;
  readonly region: string;
  readonly check: ProbeCheck;
  /** The hops the check crosses, in path order. */
  readonly hops: readonly string[];
  /** The worst P95 of the runs that measured the check, milliseconds; null when none did. */
  readonly measuredP95Ms: number | null;
  /** Runs that measured the check. */
  readonly runs: number;
  /** The model's P95 for the same stretch, milliseconds. */
  readonly staticP95Ms: number;
  readonly verdict: DriftVerdict;
}

/** A row as `--json` prints it, keys in this order. */
export interface DriftJson {
  readonly env: string;
  readonly region: string;
  readonly check: string;
  readonly hops: readonly string[];
  readonly measured_p95_ms: number | null;
  readonly runs: number;
  readonly static_p95_ms: number;
  readonly verdict: DriftVerdict;
}

/** Rows whose verdict says the model is wrong, one way or the other. */
export function driftFlagged(rows: readonly DriftRow[]): DriftRow[] {
  return rows.filter((r) => r.verdict === 'model exceeded' || r.verdict === 'too pessimistic');
}

/** The verdict on one measured stretch. */
export function driftVerdict(measuredP95Ms: number | null, staticP95Ms: number): DriftVerdict {
  if (measuredP95Ms === null) return 'not measured';
  if (measuredP95Ms > staticP95Ms) return 'model exceeded';
  if (staticP95Ms > PESSIMISM_FACTOR * measuredP95Ms) return 'too pessimistic';
  return 'holds';
}

const isCheck = (name: unknown): name is ProbeCheck => typeof name === 'string' && (PROBE_CHECKS as readonly string[]).includes(name);

/**
 * One probe `--json` report, checked: `{"region": string, "checks": [{"name", "p95_ms": number | null, ...}], ...}`.
 * Problems are added to `issues`, each with the file and the path in it; undefined when the report is unusable.
 */
export function parseMeasuredRun(file: string, document: unknown, issues: Issue[]): MeasuredRun | undefined {
  const before = issues.length;
  const problem = (at: string, message: string) => issues.push({ at: `${file}${at}`, message });
  if (!isRecord(document)) {
    problem('', 'must be the JSON object `npm run -s probe -- --json` prints, {"region", "checks": [...], "ok"}');
    return undefined;
  }
  if (typeof document.region !== 'string' || document.region.length === 0) problem(' region', `must be the region the probe measured, got ${JSON.stringify(document.region)}`);
  if (!Array.isArray(document.checks)) {
    problem(' checks', `must be the probe's array of checks, got ${JSON.stringify(document.checks)}`);
    return undefined;
  }
  const checks: { name: ProbeCheck; p95Ms: number | null }[] = [];
  const seen = new Set<string>();
  for (const [i, check] of (document.checks as unknown[]).entries()) {
    const at = ` checks[${i}]`;
    if (!isRecord(check)) {
      problem(at, 'must be an object with "name" and "p95_ms"');
      continue;
    }
    const { name, p95_ms: p95 } = check;
    if (!isCheck(name)) problem(`${at}.name`, `must be one of the probe's checks (${PROBE_CHECKS.join(', ')}), got ${JSON.stringify(name)}`);
    else if (seen.has(name)) problem(`${at}.name`, `repeats ${name}; a report has each check once`);
    else if (p95 !== null && (typeof p95 !== 'number' || !Number.isFinite(p95) || p95 < 0)) problem(`${at}.p95_ms`, `must be milliseconds (a number ≥ 0) or null, got ${JSON.stringify(p95)}`);
    else {
      seen.add(name);
      checks.push({ name, p95Ms: p95 });
    }
  }
  return issues.length > before ? undefined : { file, region: document.region as string, checks };
}

/**
 * The rows of one environment: every region × check measured in `runs`, regions in plan order and checks in probe
 * order. `asRegion` holds every run to that region's figures, for runs against services outside the environment (the
 * local stack's region is `local`). Throws GigascaleError (exit 2) for a run whose region the environment lacks.
 */
export function driftRows(environment: EnvironmentPlan, runs: readonly MeasuredRun[], asRegion?: string): DriftRow[] {
  const regions = environment.regions.map((r) => r.name);
  const issues: Issue[] = [];
  if (asRegion !== undefined && !regions.includes(asRegion)) {
    issues.push({ at: '--region', message: `environment ${environment.name} has no region ${asRegion}; its regions are ${regions.join(', ')}` });
  }
  for (const run of runs) {
    if (asRegion === undefined && !regions.includes(run.region)) {
      issues.push({
        at: `${run.file} region`,
        message: `environment ${environment.name} has no region ${run.region} (its regions are ${regions.join(', ')}); pass --region <one of them> to hold this run to that region's figures`,
      });
    }
  }
  if (issues.length > 0) throw new GigascaleError('Invalid measurements', issues);

  const { probeChecksMs } = environment.latencyBudgets;
  const rows: DriftRow[] = [];
  for (const region of regions) {
    const own = runs.filter((run) => (asRegion ?? run.region) === region);
    for (const check of PROBE_CHECKS) {
      const ran = own.flatMap((run) => run.checks.filter((c) => c.name === check));
      if (ran.length === 0) continue;
      const measured = ran.flatMap((c) => (c.p95Ms === null ? [] : [c.p95Ms]));
      const measuredP95Ms = measured.length === 0 ? null : Math.max(...measured);
      const staticP95Ms = probeChecksMs[check];
      rows.push({ env: environment.name, region, check, hops: PROBE_CHECK_HOPS[check], measuredP95Ms, runs: measured.length, staticP95Ms, verdict: driftVerdict(measuredP95Ms, staticP95Ms) });
    }
  }
  return rows;
}

export function driftJson(row: DriftRow): DriftJson {
  return {
    env: row.env,
    region: row.region,
    check: row.check,
    hops: row.hops,
    measured_p95_ms: row.measuredP95Ms,
    runs: row.runs,
    static_p95_ms: row.staticP95Ms,
    verdict: row.verdict,
  };
}

const ms = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));

/** The readable report: a row per region × check, then what the flags mean and one line that sums it up. */
export function formatDrift(rows: readonly DriftRow[], runs: number, asRegion?: string): string {
  const table = [['env', 'region', 'check', 'hops', 'measured p95 ms', 'static p95 ms', 'static / measured', 'runs', 'verdict']];
  for (const r of rows) {
    table.push([
      r.env,
      r.region,
      r.check,
      r.hops.join(' + '),
      r.measuredP95Ms === null ? '-' : ms(r.measuredP95Ms),
      ms(r.staticP95Ms),
      r.measuredP95Ms === null || r.measuredP95Ms === 0 ? '-' : `${(r.staticP95Ms / r.measuredP95Ms).toFixed(1)}x`,
      String(r.runs),
      r.verdict,
    ]);
  }
  const flagged = driftFlagged(rows);
  const count = (verdict: DriftVerdict) => rows.filter((r) => r.verdict === verdict).length;
  const lines = [
    `Latency drift: measured P95 (the worst of ${runs} probe run${runs === 1 ? '' : 's'}${asRegion === undefined ? '' : `, held to ${asRegion}'s figures`}) beside the static P95 of the hops each check crosses`,
    ...formatTable(table, [false, false, false, false, true, true, true, true, false]),
    '',
    `model exceeded: the measurement is above the static P95; raise the hop budgets (latencyBudgets.hopsMs) or find what is slow.`,
    `too pessimistic: the static P95 is more than ${PESSIMISM_FACTOR}x the measurement, so a regression of that size would pass; lower the hop budgets.`,
    '',
    `${rows.length} measured stretch${rows.length === 1 ? '' : 'es'}: ${count('holds')} hold, ${count('model exceeded')} model exceeded, ${count('too pessimistic')} too pessimistic, ${count('not measured')} not measured` +
      (flagged.length === 0 ? '' : `; the model drifted on ${flagged.map((r) => `${r.region} ${r.check}`).join(', ')}`),
  ];
  return lines.join('\n');
}
