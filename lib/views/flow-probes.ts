/**
 * Each flow as the probe sees it. The checks a region's probe runs measure stretches of some flows; a flow's probed
 * P95 is the sum of those checks' measured P95s and of the static terms nothing measures (the other hops' budgets,
 * and the round trip a write forwarded to the write region pays). That is the sum the static verdict makes
 * (lib/views/verdicts.ts), with a measurement in place of every budget the probe can check, so the two read side by
 * side. It is held to the flow's target, or, where the config waives the flow in the region, to the flow's static
 * P95: the figure the waiver accepted. The per-flow alarms and graphs (stacks/observability) and the drift report's
 * flow rows (lib/views/drift-report.ts) all come from here.
 *
 * Which checks stand for a flow: those whose hops are all hops of the flow, the one crossing most hops first (ties in
 * PROBE_CHECKS order), each taken only when none of its hops is measured by a check taken before; never a baseline
 * check (BASELINE_CHECKS). A check measures its hops from inside the region, so `client.send` and `client.receive`
 * (the user's own network) stay budgets: no probe is a user's device.
 */
import { FLOW_NAMES, FLOWS, type Flow } from '../facts/flows';
import type { Hop } from '../facts/hops';
import { BASELINE_CHECKS, PROBE_CHECK_HOPS, PROBE_CHECKS, type ProbeCheck } from '../facts/probe-checks';
import type { EnvironmentPlan } from '../plan/plan';
import { environmentVerdicts, termsMs, type Term } from './verdicts';

/** One flow of one region, as the probe measures it. */
export interface FlowProbe {
  readonly env: string;
  readonly region: string;
  readonly flow: Flow;
  /** The checks whose measured P95s stand for stretches of the flow, in the order of the flow's hops. */
  readonly checks: readonly ProbeCheck[];
  /** The static terms no check measures (hop budgets, a forwarded write's round trip), in path order. */
  readonly budgeted: readonly Term[];
  /** Their sum, milliseconds. */
  readonly budgetedMs: number;
  /** The flow's static P95 (every term budgeted), milliseconds. */
  readonly staticP95Ms: number;
  /** The flow's P95 target, milliseconds. */
  readonly targetMs: number;
  /** What the probed P95 is held to: the target, or the static P95 where the flow is waived in the region. */
  readonly limitMs: number;
  /** The config's reason when it waives the flow in this region, else null. */
  readonly waiver: string | null;
}

/** The checks of `available` that stand for stretches of `flow`, in the order of the flow's hops. */
export function flowChecks(flow: Flow, available: readonly ProbeCheck[]): ProbeCheck[] {
  const hops: readonly Hop[] = FLOWS[flow].hops;
  const candidates = PROBE_CHECKS.filter((c) => available.includes(c) && !BASELINE_CHECKS.includes(c) && PROBE_CHECK_HOPS[c].every((h) => hops.includes(h)));
  // A stable sort: checks crossing as many hops keep PROBE_CHECKS order.
  const longestFirst = [...candidates].sort((a, b) => PROBE_CHECK_HOPS[b].length - PROBE_CHECK_HOPS[a].length);
  const measured = new Set<Hop>();
  const taken: ProbeCheck[] = [];
  for (const check of longestFirst) {
    if (PROBE_CHECK_HOPS[check].some((h) => measured.has(h))) continue;
    for (const h of PROBE_CHECK_HOPS[check]) measured.add(h);
    taken.push(check);
  }
  const firstHop = (c: ProbeCheck): number => Math.min(...PROBE_CHECK_HOPS[c].map((h) => hops.indexOf(h)));
  return taken.sort((a, b) => firstHop(a) - firstHop(b));
}

/**
 * The flows of one region that `checks` measure some of, by name (FLOW_NAMES order); a flow no check measures is
 * left out: it has nothing to alarm on beyond its static verdict.
 */
export function regionFlowProbes(environment: EnvironmentPlan, region: string, checks: readonly ProbeCheck[]): FlowProbe[] {
  const verdicts = environmentVerdicts(environment).filter((v) => v.region === region);
  if (verdicts.length === 0) throw new Error(`environment ${environment.name} has no region ${region}`);
  return FLOW_NAMES.flatMap((flow): FlowProbe[] => {
    const taken = flowChecks(flow, checks);
    if (taken.length === 0) return [];
    const verdict = verdicts.find((v) => v.flow === flow)!;
    const measured = new Set<string>(taken.flatMap((c) => PROBE_CHECK_HOPS[c]));
    const budgeted = verdict.terms.filter((t) => !measured.has(t.name));
    return [
      {
        env: environment.name,
        region,
        flow,
        checks: taken,
        budgeted,
        budgetedMs: termsMs(budgeted),
        staticP95Ms: verdict.p95Ms,
        targetMs: verdict.targetMs,
        limitMs: verdict.waiver === null ? verdict.targetMs : Math.max(verdict.targetMs, verdict.p95Ms),
        waiver: verdict.waiver,
      },
    ];
  });
}

/** A flow's probed P95, milliseconds: the checks' measured P95s (by check) plus the budgeted terms. */
export function probedP95Ms(probe: FlowProbe, measuredMs: Readonly<Partial<Record<ProbeCheck, number>>>): number {
  return (
    probe.checks.reduce((n, c) => {
      const ms = measuredMs[c];
      if (ms === undefined) throw new Error(`${probe.flow} needs the measured P95 of ${c}`);
      return n + Math.round(ms * 1000);
    }, Math.round(probe.budgetedMs * 1000)) / 1000
  );
}
