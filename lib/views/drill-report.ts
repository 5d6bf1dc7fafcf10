/**
 * The failure drill's verdicts (`npm run chaos:local`, bin/chaos-local.ts): given what became of every request of
 * the probe's checks while faults were injected one after the other, how soon each fault showed as an error, how
 * many errors it cost and how soon the checks it affects ran clean again after it ended. Pure: times are
 * milliseconds on one clock of the caller's choosing (the drill's: from its first request).
 *
 * - detected after: from the fault's start to the first error of an affected check seen at or after it (a failure
 *   when it came, a timeout at its intended start + the timeout): how fast the probe "fails fast" against it.
 * - errors: failed requests of the affected checks seen from the fault's start, whose intended start comes before
 *   the first clean second (or the end of observation when there is none).
 * - recovered after: from the fault's end to the start of the first whole second, beginning at an affected
 *   request's intended start, in which every request of every affected check succeeded (and each ran at least
 *   once); none when no such second ends before the observation limit.
 * - verdict: `recovered` within the bound; `not recovered` otherwise; `not detected` when the fault caused no error
 *   at all, which says the drill did not test what it claims (the fault missed the checks, or they do not look), so
 *   it fails too; `not run` for faults after one that did not recover, whose measurement it would spoil.
 */
import type { ProbeCheck } from '../facts/probe-checks';
import { formatTable } from '../util/table';

/** The checks the drill runs, each on the probe's own session of it, for the whole drill. */
export const DRILL_CHECKS = ['postgres.select1', 'postgres.memory_read', 'redis.set', 'redis.get'] as const satisfies readonly ProbeCheck[];
export type DrillCheck = (typeof DRILL_CHECKS)[number];

/** The faults, in the order the drill injects them, and the checks each must show in. */
export const DRILL_FAULTS = [
  { name: 'redis.stop-start', affects: ['redis.set', 'redis.get'] },
  { name: 'postgres.restart', affects: ['postgres.select1', 'postgres.memory_read'] },
  { name: 'proxy.stall', affects: DRILL_CHECKS },
  { name: 'proxy.drop', affects: DRILL_CHECKS },
] as const satisfies readonly { readonly name: string; readonly affects: readonly DrillCheck[] }[];
export type DrillFaultName = (typeof DRILL_FAULTS)[number]['name'];
export const DRILL_FAULT_NAMES: readonly DrillFaultName[] = DRILL_FAULTS.map((f) => f.name);

/** The length of the clean stretch that counts as recovered. */
export const CLEAN_WINDOW_MS = 1_000;

/** What became of one request. */
export interface DrillOutcome {
  readonly check: DrillCheck;
  /** Its intended start. */
  readonly intendedMs: number;
  /** When its outcome was seen: its answer, its failure, or its timeout. */
  readonly settledMs: number;
  readonly ok: boolean;
}

/** One fault as it was injected. */
export interface InjectedFault {
  readonly name: DrillFaultName;
  readonly affects: readonly DrillCheck[];
  /** When it began. */
  readonly startMs: number;
  /** When it ended (the server answering again, the proxy passing again). */
  readonly endMs: number;
  /** Until when outcomes are complete: every request intended before it has settled. */
  readonly observedUntilMs: number;
}

export type DrillVerdict = 'recovered' | 'not recovered' | 'not detected' | 'not run';

/** A fault's row, as `--json` prints it, keys in this order. */
export interface FaultJson {
  readonly fault: DrillFaultName;
  readonly affects: readonly DrillCheck[];
  /** How long the fault lasted; null when it was not run. */
  readonly fault_ms: number | null;
  readonly detected_after_ms: number | null;
  readonly errors: number;
  readonly recovered_after_ms: number | null;
  readonly bound_ms: number;
  readonly verdict: DrillVerdict;
}

/** The drill's report, as `--json` prints it, keys in this order. */
export interface DrillJson {
  /** Every fault was detected and recovered within the bound. */
  readonly ok: boolean;
  readonly checks: readonly DrillCheck[];
  readonly rate_per_second: number;
  readonly timeout_ms: number;
  readonly faults: readonly FaultJson[];
}

/**
 * When the checks of `fault` recovered, as milliseconds after its end: the first clean second (see the top of the
 * file) that starts at or after the end and ends by `observedUntilMs`; undefined when there is none yet.
 */
export function recoveredAfterMs(outcomes: readonly DrillOutcome[], fault: InjectedFault): number | undefined {
  const affected = byIntendedStart(outcomes, fault.affects);
  // nextFailure[i]: the index of the first failed request at or after i (length when none), so a window [i, j) is
  // clean when nextFailure[i] >= j.
  const nextFailure = new Array<number>(affected.length + 1).fill(affected.length);
  for (let i = affected.length - 1; i >= 0; i--) nextFailure[i] = affected[i].ok ? nextFailure[i + 1] : i;
  let end = 0;
  for (let i = 0; i < affected.length; i++) {
    const start = affected[i].intendedMs;
    if (start < fault.endMs) continue;
    if (start + CLEAN_WINDOW_MS > fault.observedUntilMs) return undefined;
    if (end < i) end = i;
    while (end < affected.length && affected[end].intendedMs < start + CLEAN_WINDOW_MS) end++;
    if (nextFailure[i] < end) continue;
    const ran = new Set(affected.slice(i, end).map((o) => o.check));
    if (fault.affects.every((c) => ran.has(c))) return start - fault.endMs;
  }
  return undefined;
}

/** The row of one injected fault, held to `boundMs` of recovery. */
export function judgeFault(outcomes: readonly DrillOutcome[], fault: InjectedFault, boundMs: number): FaultJson {
  const recovered = recoveredAfterMs(outcomes, fault);
  const countUntil = recovered === undefined ? fault.observedUntilMs : fault.endMs + recovered;
  const failures = byIntendedStart(outcomes, fault.affects).filter((o) => !o.ok && o.settledMs >= fault.startMs);
  const firstSeen = Math.min(...failures.map((o) => o.settledMs));
  const detected = failures.length === 0 ? undefined : firstSeen - fault.startMs;
  const verdict: DrillVerdict = detected === undefined ? 'not detected' : recovered === undefined || recovered > boundMs ? 'not recovered' : 'recovered';
  return {
    fault: fault.name,
    affects: fault.affects,
    fault_ms: Math.round(fault.endMs - fault.startMs),
    // Rounded up: never reported sooner than it was seen (an error 0.3 ms after the start was seen within 1 ms).
    detected_after_ms: detected === undefined ? null : Math.ceil(detected),
    errors: failures.filter((o) => o.intendedMs < countUntil).length,
    recovered_after_ms: recovered === undefined ? null : Math.round(recovered),
    bound_ms: boundMs,
    verdict,
  };
}

/** The row of a fault the drill did not inject (one before it did not recover). */
export function faultNotRun(name: DrillFaultName, boundMs: number): FaultJson {
  const { affects } = DRILL_FAULTS.find((f) => f.name === name)!;
  return { fault: name, affects, fault_ms: null, detected_after_ms: null, errors: 0, recovered_after_ms: null, bound_ms: boundMs, verdict: 'not run' };
}

/** The report of the drill's rows: ok when every fault recovered. */
export function drillReport(faults: readonly FaultJson[], load: { readonly ratePerSecond: number; readonly timeoutMs: number }): DrillJson {
  return { ok: faults.every((f) => f.verdict === 'recovered'), checks: DRILL_CHECKS, rate_per_second: load.ratePerSecond, timeout_ms: load.timeoutMs, faults };
}

/** The readable report: one row per fault, then the verdict line. */
export function drillTable(report: DrillJson): string {
  const dash = (n: number | null): string => (n === null ? '-' : String(n));
  const rows = [
    ['fault', 'affects', 'fault s', 'detected after ms', 'errors', 'recovered after ms', 'bound ms', 'verdict'],
    ...report.faults.map((f) => [
      f.fault,
      f.affects.join(', '),
      f.fault_ms === null ? '-' : (f.fault_ms / 1_000).toFixed(1),
      dash(f.detected_after_ms),
      String(f.errors),
      dash(f.recovered_after_ms),
      String(f.bound_ms),
      f.verdict,
    ]),
  ];
  const failed = report.faults.filter((f) => f.verdict !== 'recovered').map((f) => `${f.fault} ${f.verdict}`);
  const summary = report.ok ? 'every fault was detected and recovered within its bound' : `FAILED: ${failed.join(', ')}`;
  return [...formatTable(rows, [false, false, true, true, true, true, true, false]), summary].join('\n');
}

/** Outcomes of `checks`, ordered by intended start. */
function byIntendedStart(outcomes: readonly DrillOutcome[], checks: readonly DrillCheck[]): DrillOutcome[] {
  return outcomes.filter((o) => checks.includes(o.check)).sort((a, b) => a.intendedMs - b.intendedMs);
}
