/**
 * The static verdict of every flow in every region: its P95 as the sum of its hops' P95 budgets (plus the round
 * trip to the write region for a write made elsewhere), against the flow's target.
 *
 * The sum is a conservative bound when the hops' latencies rise and fall together (comonotone), the usual case for
 * hops sharing a network and load; quantiles are not subadditive in general, so the probe measures the real thing.
 */
import type { EnvironmentPlan, Plan } from '../plan/plan';
import { FLOW_NAMES, FLOWS, type Flow } from '../facts/flows';

/** One term of a flow's P95: a hop's budget, or the round trip a forwarded write pays. */
export interface Term {
  /** The hop's name, or `rtt <write region>`. */
  readonly name: string;
  readonly ms: number;
}

export interface FlowVerdict {
  readonly env: string;
  readonly region: string;
  readonly flow: Flow;
  /** The terms summed, in path order. */
  readonly terms: readonly Term[];
  /** Static P95, milliseconds: the sum of the terms. */
  readonly p95Ms: number;
  readonly targetMs: number;
  /** True when the static P95 is within the target. */
  readonly ok: boolean;
  /** The config's reason when it waives this flow in this region, else null (also for a flow within its target). */
  readonly waiver: string | null;
}

/** The verdict row as `npm run -s budget -- --json` and `budget.json` give it. */
export interface VerdictJson {
  readonly env: string;
  readonly region: string;
  readonly flow: string;
  readonly p95_ms: number;
  readonly target_ms: number;
  readonly ok: boolean;
  readonly waiver: string | null;
}

/** Sums in whole microseconds: budgets like 0.5 ms add up without floating-point dust. */
export const termsMs = (terms: readonly Term[]): number => terms.reduce((n, t) => n + Math.round(t.ms * 1000), 0) / 1000;

/** Every flow of every region of one environment, regions in plan order and flows by name. */
export function environmentVerdicts(environment: EnvironmentPlan): FlowVerdict[] {
  const { hopsMs, flowTargetsMs, rttToWriteRegion, waivers } = environment.latencyBudgets;
  return environment.regions.flatMap((region) =>
    FLOW_NAMES.map((flow): FlowVerdict => {
      const definition = FLOWS[flow];
      const terms: Term[] = definition.hops.map((hop) => ({ name: hop, ms: hopsMs[hop] }));
      if (definition.writes && !region.isWriteRegion) terms.push({ name: `rtt ${environment.writeRegion}`, ms: rttToWriteRegion[region.name].ms });
      const p95Ms = termsMs(terms);
      const targetMs = flowTargetsMs[flow];
      const waiver = waivers.find((w) => w.region === region.name && w.flow === flow);
      return { env: environment.name, region: region.name, flow, terms, p95Ms, targetMs, ok: p95Ms <= targetMs, waiver: waiver?.reason ?? null };
    }),
  );
}

/** Every verdict of the plan, environments in config order. */
export function planVerdicts(plan: Pick<Plan, 'environments'>): FlowVerdict[] {
  return plan.environments.flatMap(environmentVerdicts);
}

/** Rows that break their target without a waiver: any one fails synth. */
export function breaches(verdicts: readonly FlowVerdict[]): FlowVerdict[] {
  return verdicts.filter((v) => !v.ok && v.waiver === null);
}

/** Waived rows that are within their target after all: the waiver can go. */
export function unneededWaivers(verdicts: readonly FlowVerdict[]): FlowVerdict[] {
  return verdicts.filter((v) => v.ok && v.waiver !== null);
}

export function verdictJson(v: FlowVerdict): VerdictJson {
  return { env: v.env, region: v.region, flow: v.flow, p95_ms: v.p95Ms, target_ms: v.targetMs, ok: v.ok, waiver: v.waiver };
}
