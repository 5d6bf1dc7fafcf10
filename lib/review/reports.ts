/**
 * The synth's reports, base -> head: latency verdicts (`budget.json`), monthly cost (`cost.json`) and the edge plan
 * (`npm run -s edge:plan -- --json`). A side that lacks a report (a base synthesized by a version that did not write
 * it) gives `null`, never a guess.
 */
import type { VerdictJson } from '../views/verdicts';
import type { StageCostsJson } from '../views/cost-report';
import { unifiedDiff } from './unified-diff';

export interface VerdictChangeJson {
  readonly env: string;
  readonly region: string;
  readonly flow: string;
  readonly before: Pick<VerdictJson, 'p95_ms' | 'target_ms' | 'ok' | 'waiver'> | null;
  readonly after: Pick<VerdictJson, 'p95_ms' | 'target_ms' | 'ok' | 'waiver'> | null;
}

const verdictKey = (v: Pick<VerdictJson, 'env' | 'region' | 'flow'>): string => `${v.env} ${v.region} ${v.flow}`;
const verdictBody = (v: VerdictJson) => ({ p95_ms: v.p95_ms, target_ms: v.target_ms, ok: v.ok, waiver: v.waiver });

/** Verdicts added, removed or changed (static P95, target, verdict or waiver), in env, region, flow order. */
export function reviewVerdicts(base: readonly VerdictJson[], head: readonly VerdictJson[]): VerdictChangeJson[] {
  const before = new Map(base.map((v) => [verdictKey(v), v]));
  const after = new Map(head.map((v) => [verdictKey(v), v]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.flatMap((key) => {
    const b = before.get(key);
    const a = after.get(key);
    if (b && a && JSON.stringify(verdictBody(b)) === JSON.stringify(verdictBody(a))) return [];
    const v = (a ?? b)!;
    return [{ env: v.env, region: v.region, flow: v.flow, before: b ? verdictBody(b) : null, after: a ? verdictBody(a) : null }];
  });
}

export interface CostChangeJson {
  /** A stage (`prod-us-east-1`) or an environment (`prod`). */
  readonly name: string;
  readonly before_usd: number | null;
  readonly after_usd: number | null;
  /** `after - before`; null when either side has no figure. */
  readonly delta_usd: number | null;
  /** Environments only: monthly USD per monthly active user. */
  readonly before_usd_per_mau?: number | null;
  readonly after_usd_per_mau?: number | null;
}

export interface CostReviewJson {
  readonly price_date: { readonly before: string | null; readonly after: string | null };
  readonly stages: readonly CostChangeJson[];
  readonly environments: readonly CostChangeJson[];
}

const delta = (b: number | null, a: number | null): number | null => (a === null || b === null ? null : Math.round((a - b) * 100) / 100);

/** Every stage's and environment's monthly estimate before and after, in head order then removed ones. */
export function reviewCost(base: StageCostsJson | null, head: StageCostsJson | null): CostReviewJson {
  const stages = (c: StageCostsJson | null) => new Map((c?.environments ?? []).flatMap((e) => e.stages.map((s) => [s.stage, s.monthly_usd] as const)));
  const envs = (c: StageCostsJson | null) => new Map((c?.environments ?? []).map((e) => [e.env, e] as const));
  const sb = stages(base);
  const sa = stages(head);
  const eb = envs(base);
  const ea = envs(head);
  const order = <T>(a: Map<string, T>, b: Map<string, T>) => [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return {
    price_date: { before: base?.price_date ?? null, after: head?.price_date ?? null },
    stages: order(sa, sb).map((name) => {
      const b = sb.get(name) ?? null;
      const a = sa.get(name) ?? null;
      return { name, before_usd: b, after_usd: a, delta_usd: delta(b, a) };
    }),
    environments: order(ea, eb).map((name) => {
      const b = eb.get(name);
      const a = ea.get(name);
      return {
        name,
        before_usd: b?.monthly_usd ?? null,
        after_usd: a?.monthly_usd ?? null,
        delta_usd: delta(b?.monthly_usd ?? null, a?.monthly_usd ?? null),
        before_usd_per_mau: b?.usd_per_mau ?? null,
        after_usd_per_mau: a?.usd_per_mau ?? null,
      };
    }),
  };
}

/** One resource of `edge:plan --json`. */
export interface EdgeResourceJson {
  readonly type: string;
  readonly name: string;
  readonly inputs: unknown;
}

export interface EdgeChangeJson {
  readonly env: string;
  readonly type: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed resources: the unified diff of their inputs as JSON. */
  readonly diff?: string;
}

/** Cloudflare resources added, removed and changed in one environment's edge plan, by type and name. */
export function reviewEdge(env: string, base: readonly EdgeResourceJson[], head: readonly EdgeResourceJson[]): EdgeChangeJson[] {
  const key = (r: EdgeResourceJson) => `${r.type} ${r.name}`;
  const before = new Map(base.map((r) => [key(r), r]));
  const after = new Map(head.map((r) => [key(r), r]));
  return [...new Set([...before.keys(), ...after.keys()])].sort().flatMap((k): EdgeChangeJson[] => {
    const b = before.get(k);
    const a = after.get(k);
    const { type, name } = (a ?? b)!;
    if (!b) return [{ env, type, name, change: 'added' }];
    if (!a) return [{ env, type, name, change: 'removed' }];
    const bt = `${JSON.stringify(b.inputs, null, 2)}\n`;
    const at = `${JSON.stringify(a.inputs, null, 2)}\n`;
    return bt === at ? [] : [{ env, type, name, change: 'changed', diff: unifiedDiff(`base/${name}`, `head/${name}`, bt, at) }];
  });
}
