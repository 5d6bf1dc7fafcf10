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
 *
 * Then per region × flow those checks measure stretches of, the flow's probed P95 (lib/views/flow-probes.ts: the
 * checks' worst P95s plus the budgets of the terms they do not measure) beside the flow's static P95, with the same
 * verdicts, and beside the flow's target: a flow whose probed P95 is above its target (or, waived, above its static
 * P95) breaks it whatever the model says.
 */
import { PROBE_CHECK_HOPS, PROBE_CHECKS, type ProbeCheck } from '../facts/probe-checks';
import type { EnvironmentPlan } from '../plan/plan';
import { GigascaleError, type Issue } from '../util/errors';
import { isRecord } from '../util/json';
import { formatTable } from '../util/table';
import type { Flow } from '../facts/flows';
import { probedP95Ms, regionFlowProbes } from './flow-probes';

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

/** One flow of one region: its probed P95 beside its static P95 and its target. */
export interface FlowDriftRow {
  readonly env: string;
  readonly region: string;
  readonly flow: Flow;
  /** The checks whose worst P95s stand for stretches of the flow. */
  readonly checks: readonly ProbeCheck[];
  /** The static terms no check measured, in path order, and their sum in milliseconds. */
  readonly budgeted: readonly string[];
  readonly budgetedMs: number;
  /** The checks' worst P95s plus budgetedMs, milliseconds. */
  readonly probedP95Ms: number;
  /** The fewest runs any of the checks was measured in. */
  readonly runs: number;
  readonly staticP95Ms: number;
  /** What the flow is held to: its target, or its static P95 where the config waives it in the region. */
  readonly targetMs: number;
  readonly waived: boolean;
  readonly withinTarget: boolean;
  readonly verdict: DriftVerdict;
}

/** A flow row as `--json` prints it, keys in this order. */
export interface FlowDriftJson {
  readonly env: string;
  readonly region: string;
  readonly flow: string;
  readonly checks: readonly string[];
  readonly budgeted: readonly string[];
  readonly budgeted_ms: number;
  readonly probed_p95_ms: number;
  readonly runs: number;
  readonly static_p95_ms: number;
  readonly target_ms: number;
  readonly waived: boolean;
  readonly within_target: boolean;
  readonly verdict: DriftVerdict;
}

/** Rows whose verdict says the model is wrong, one way or the other. */
export function driftFlagged<R extends { readonly verdict: DriftVerdict }>(rows: readonly R[]): R[] {
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

/**
 * The flow rows of one environment, from its check rows (driftRows): per region, every flow the measured checks
 * stand for stretches of (regionFlowProbes), regions in plan order and flows by name.
 */
export function flowDriftRows(environment: EnvironmentPlan, rows: readonly DriftRow[]): FlowDriftRow[] {
  return environment.regions.flatMap((region) => {
    const measured = rows.filter((r) => r.region === region.name && r.measuredP95Ms !== null);
    const worst = Object.fromEntries(measured.map((r) => [r.check, r.measuredP95Ms!])) as Partial<Record<ProbeCheck, number>>;
    return regionFlowProbes(environment, region.name, measured.map((r) => r.check)).map((probe): FlowDriftRow => {
      const probed = probedP95Ms(probe, worst);
      return {
        env: environment.name,
        region: region.name,
        flow: probe.flow,
        checks: probe.checks,
        budgeted: probe.budgeted.map((t) => t.name),
        budgetedMs: probe.budgetedMs,
        probedP95Ms: probed,
        runs: Math.min(...probe.checks.map((c) => measured.find((r) => r.check === c)!.runs)),
        staticP95Ms: probe.staticP95Ms,
        targetMs: probe.limitMs,
        waived: probe.waiver !== null,
        withinTarget: probed <= probe.limitMs,
        verdict: driftVerdict(probed, probe.staticP95Ms),
      };
    });
  });
}

export function flowDriftJson(row: FlowDriftRow): FlowDriftJson {
  return {
    env: row.env,
    region: row.region,
    flow: row.flow,
    checks: row.checks,
    budgeted: row.budgeted,
    budgeted_ms: row.budgetedMs,
    probed_p95_ms: row.probedP95Ms,
    runs: row.runs,
    static_p95_ms: row.staticP95Ms,
    target_ms: row.targetMs,
    waived: row.waived,
    within_target: row.withinTarget,
    verdict: row.verdict,
  };
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

/** Rows of flows whose probed P95 breaks what they are held to. */
export function overTarget(rows: readonly FlowDriftRow[]): FlowDriftRow[] {
  return rows.filter((r) => !r.withinTarget);
}

const ratio = (bound: number, measured: number | null): string => (measured === null || measured === 0 ? '-' : `${(bound / measured).toFixed(1)}x`);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The readable report: a row per region × check, a row per region × flow, what the flags mean and one line that
 * sums it up.
 */
export function formatDrift(rows: readonly DriftRow[], flows: readonly FlowDriftRow[], runs: number, asRegion?: string): string {
  const table = [['env', 'region', 'check', 'hops', 'measured p95 ms', 'static p95 ms', 'static / measured', 'runs', 'verdict']];
  for (const r of rows) {
    table.push([r.env, r.region, r.check, r.hops.join(' + '), r.measuredP95Ms === null ? '-' : ms(r.measuredP95Ms), ms(r.staticP95Ms), ratio(r.staticP95Ms, r.measuredP95Ms), String(r.runs), r.verdict]);
  }
  const flowTable = [['env', 'region', 'flow', 'measured by', 'budgeted ms', 'probed p95 ms', 'static p95 ms', 'static / probed', 'target ms', 'runs', 'verdict']];
  for (const f of flows) {
    const target = `${ms(f.targetMs)}${f.waived ? ' (waived)' : ''}${f.withinTarget ? '' : ' BROKEN'}`;
    flowTable.push([f.env, f.region, f.flow, f.checks.join(' + '), ms(f.budgetedMs), ms(f.probedP95Ms), ms(f.staticP95Ms), ratio(f.staticP95Ms, f.probedP95Ms), target, String(f.runs), f.verdict]);
  }
  const flagged = [...driftFlagged(rows).map((r) => `${r.region} ${r.check}`), ...driftFlagged(flows).map((f) => `${f.region} ${f.flow}`)];
  const broken = overTarget(flows);
  const count = (list: readonly { readonly verdict: DriftVerdict }[], verdict: DriftVerdict) => list.filter((r) => r.verdict === verdict).length;
  const counts = (list: readonly { readonly verdict: DriftVerdict }[]) =>
    `${count(list, 'holds')} hold, ${count(list, 'model exceeded')} model exceeded, ${count(list, 'too pessimistic')} too pessimistic`;
  const lines = [
    `Latency drift: measured P95 (the worst of ${plural(runs, 'probe run', 'probe runs')}${asRegion === undefined ? '' : `, held to ${asRegion}'s figures`}) beside the static P95 of the hops each check crosses`,
    ...formatTable(table, [false, false, false, false, true, true, true, true, false]),
    '',
    "Flows: probed P95 (the checks' P95s above + the budgets of what they do not measure) beside the flow's static P95 and target",
    ...(flows.length === 0 ? ['(no measured check stands for a stretch of any flow)'] : formatTable(flowTable, [false, false, false, false, true, true, true, true, true, true, false])),
    '',
    `model exceeded: the measurement is above the static P95; raise the hop budgets (latencyBudgets.hopsMs) or find what is slow.`,
    `too pessimistic: the static P95 is more than ${PESSIMISM_FACTOR}x the measurement, so a regression of that size would pass; lower the hop budgets.`,
    'BROKEN: the probed P95 is above the flow\'s target (a waived flow\'s: its static P95); the platform misses it, whatever the model says.',
    '',
    `${plural(rows.length, 'measured stretch', 'measured stretches')}: ${counts(rows)}, ${count(rows, 'not measured')} not measured; ` +
      `${plural(flows.length, 'flow', 'flows')}: ${counts(flows)}, ${broken.length} broken` +
      (flagged.length === 0 ? '' : `; the model drifted on ${flagged.join(', ')}`) +
      (broken.length === 0 ? '' : `; targets broken by ${broken.map((f) => `${f.region} ${f.flow}`).join(', ')}`),
  ];
  return lines.join('\n');
}
