/**
 * The review of a change: two synth outputs (base and head, read by review/output.ts) compared stage by stage -
 * CloudFormation stacks, rendered Kubernetes manifests, latency verdicts, monthly cost, the edge plan - and the
 * guard's verdict over the head's allowances. Pure: what it compares is data.
 */
import type { StageCostsJson } from '../views/cost-report';
import type { DestructiveAllowance } from '../plan/schema';
import type { VerdictJson } from '../views/verdicts';
import { iamChangeCount, reviewStack, securityGroupChangeCount, type StackInput, type StackReviewJson } from './cfn';
import { stageName } from '../facts/names/stage';
import { applyAllowances, unusedAllowanceMessage, type AllowanceUse, type DestructiveFinding } from './guard';
import { reviewManifests, type ManifestChangeJson } from './manifests';
import { reviewCost, reviewEdge, reviewVerdicts, type CostChangeJson, type CostReviewJson, type EdgeChangeJson, type EdgeResourceJson, type VerdictChangeJson } from './reports';

/** One stage of a synth output. */
export interface StageOutput {
  readonly stage: string;
  /** Its stacks, in synthesis order. */
  readonly stacks: readonly StackInput[];
  /** `<chart>.yaml` -> YAML, from `<outdir>/k8s/<stage>/`. */
  readonly manifests: ReadonlyMap<string, string>;
}

/** What one side of the review synthesized. A report the side's version did not write is null. */
export interface SynthOutput {
  /** Stages in synthesis order. */
  readonly stages: readonly StageOutput[];
  readonly budget: readonly VerdictJson[] | null;
  readonly cost: StageCostsJson | null;
  readonly allowances: readonly DestructiveAllowance[] | null;
  /** Edge plan per environment synthesized; null when the side's version has no edge plan. */
  readonly edge: ReadonlyMap<string, readonly EdgeResourceJson[]> | null;
}

/** A side of the review: the ref as given and the commit it names (null for the working tree). */
export interface ReviewSide {
  readonly ref: string;
  readonly commit: string | null;
}

export type StageStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface StageReviewJson {
  readonly stage: string;
  readonly status: StageStatus;
  /** Stacks added, removed or changed, in head order then removed ones; unchanged stacks are counted only. */
  readonly stacks: readonly StackReviewJson[];
  readonly unchanged_stacks: number;
  readonly manifests: readonly ManifestChangeJson[];
  readonly verdicts: readonly VerdictChangeJson[];
  readonly cost: CostChangeJson | null;
}

export interface DestructiveJson {
  readonly stage: string;
  readonly stack: string;
  readonly logical_id: string;
  readonly path: string;
  readonly type: string;
  readonly change: DestructiveFinding['change'];
  readonly cause: string;
  /** The allowance that lets it through, or null: refused. */
  readonly allowed_by: DestructiveAllowance | null;
}

export interface ReviewSummaryJson {
  readonly stages: { readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number };
  readonly stacks: { readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number };
  readonly resources: { readonly added: number; readonly removed: number; readonly replaced: number; readonly modified: number };
  readonly iam_changes: number;
  readonly security_group_changes: number;
  readonly manifests: { readonly added: number; readonly removed: number; readonly changed: number };
  readonly verdicts_changed: number;
  readonly edge_changes: number;
  readonly destructive: { readonly refused: number; readonly allowed: number };
}

export interface ReviewJson {
  readonly base: ReviewSide;
  readonly head: ReviewSide;
  /** The `-c key=value` both sides were synthesized with. */
  readonly context: readonly string[];
  /** False when a destructive change is refused or the review found an error: `npm run -s review` exits 1. */
  readonly ok: boolean;
  readonly summary: ReviewSummaryJson;
  /** Every destructive change, refused ones first. */
  readonly destructive: readonly DestructiveJson[];
  readonly allowances: readonly AllowanceUse[];
  /** Problems that fail the review besides refused changes (an allowance that matches nothing). */
  readonly errors: readonly string[];
  /** Reports a side did not write (a base synthesized by an older version), named so their absence is not read as no change. */
  readonly missing: readonly string[];
  readonly stages: readonly StageReviewJson[];
  readonly edge: readonly EdgeChangeJson[];
  readonly cost: CostReviewJson;
}

/** Keys of `a` in order, then those only in `b`. */
const union = (a: readonly string[], b: readonly string[]): string[] => [...a, ...b.filter((k) => !a.includes(k))];

export function reviewChange(base: SynthOutput, head: SynthOutput, sides: { base: ReviewSide; head: ReviewSide; context: readonly string[] }): ReviewJson {
  const baseStages = new Map(base.stages.map((s) => [s.stage, s]));
  const headStages = new Map(head.stages.map((s) => [s.stage, s]));
  const cost = reviewCost(base.cost, head.cost);
  const costByStage = new Map(cost.stages.map((c) => [c.name, c]));
  const verdicts = base.budget && head.budget ? reviewVerdicts(base.budget, head.budget) : [];
  const findings: DestructiveFinding[] = [];

  const stages: StageReviewJson[] = union([...headStages.keys()], [...baseStages.keys()]).map((name) => {
    const b = baseStages.get(name);
    const h = headStages.get(name);
    const bStacks = new Map((b?.stacks ?? []).map((s) => [s.stackName, s]));
    const hStacks = new Map((h?.stacks ?? []).map((s) => [s.stackName, s]));
    const stacks: StackReviewJson[] = [];
    let unchanged = 0;
    for (const stackName of union([...hStacks.keys()], [...bStacks.keys()])) {
      const r = reviewStack(bStacks.get(stackName), hStacks.get(stackName));
      findings.push(...r.findings);
      if (r.json.status === 'unchanged') unchanged++;
      else stacks.push(r.json);
    }
    const manifests = reviewManifests(name, b?.manifests ?? new Map(), h?.manifests ?? new Map());
    const stageVerdicts = verdicts.filter((v) => stageName(v.env, v.region) === name);
    const status: StageStatus = !b ? 'added' : !h ? 'removed' : stacks.length + manifests.length + stageVerdicts.length > 0 ? 'changed' : 'unchanged';
    return { stage: name, status, stacks, unchanged_stacks: unchanged, manifests, verdicts: stageVerdicts, cost: costByStage.get(name) ?? null };
  });

  const allowances = head.allowances ?? [];
  const guard = applyAllowances(findings, allowances, new Set([...baseStages.keys(), ...headStages.keys()]));
  const destructive: DestructiveJson[] = [
    ...guard.refused.map((f) => ({ ...findingJson(f), allowed_by: null })),
    ...guard.allowed.map(({ finding, allowance }) => ({ ...findingJson(finding), allowed_by: allowance })),
  ];
  const errors = guard.allowances.filter((a) => a.status === 'unused').map(unusedAllowanceMessage);

  const edge =
    base.edge && head.edge ? union([...head.edge.keys()], [...base.edge.keys()]).flatMap((env) => reviewEdge(env, base.edge!.get(env) ?? [], head.edge!.get(env) ?? [])) : [];
  const missing = [
    ...(base.edge && head.edge ? [] : [`edge plan (${base.edge ? 'head' : 'base'}): the edge not compared`]),
    ...(base.budget && head.budget ? [] : [`budget.json (${base.budget ? 'head' : 'base'}): latency verdicts not compared`]),
    ...(base.cost && head.cost ? [] : [`cost.json (${base.cost ? 'head' : 'base'}): monthly cost not compared`]),
    ...(head.allowances ? [] : ['allowed-destructive-changes.json (head): no allowances read']),
  ];

  const allStacks = stages.flatMap((s) => s.stacks);
  const allResources = allStacks.flatMap((s) => s.resources);
  const allManifests = stages.flatMap((s) => s.manifests);
  const count = <T>(xs: readonly T[], pred: (x: T) => boolean) => xs.filter(pred).length;
  const summary: ReviewSummaryJson = {
    stages: {
      added: count(stages, (s) => s.status === 'added'),
      removed: count(stages, (s) => s.status === 'removed'),
      changed: count(stages, (s) => s.status === 'changed'),
      unchanged: count(stages, (s) => s.status === 'unchanged'),
    },
    stacks: {
      added: count(allStacks, (s) => s.status === 'added'),
      removed: count(allStacks, (s) => s.status === 'removed'),
      changed: count(allStacks, (s) => s.status === 'changed'),
      unchanged: stages.reduce((n, s) => n + s.unchanged_stacks, 0),
    },
    resources: {
      added: count(allResources, (r) => r.change === 'added'),
      removed: count(allResources, (r) => r.change === 'removed'),
      replaced: count(allResources, (r) => r.change === 'replaced' || r.change === 'may be replaced'),
      modified: count(allResources, (r) => r.change === 'modified'),
    },
    iam_changes: allStacks.reduce((n, s) => n + iamChangeCount(s), 0),
    security_group_changes: allStacks.reduce((n, s) => n + securityGroupChangeCount(s), 0),
    manifests: {
      added: count(allManifests, (m) => m.change === 'added'),
      removed: count(allManifests, (m) => m.change === 'removed'),
      changed: count(allManifests, (m) => m.change === 'changed'),
    },
    verdicts_changed: verdicts.length,
    edge_changes: edge.length,
    destructive: { refused: guard.refused.length, allowed: guard.allowed.length },
  };

  return {
    base: sides.base,
    head: sides.head,
    context: sides.context,
    ok: guard.refused.length === 0 && errors.length === 0,
    summary,
    destructive,
    allowances: guard.allowances,
    errors,
    missing,
    stages,
    edge,
    cost,
  };
}

/** A finding as the reports print it, without its allowance. */
export function findingJson(f: DestructiveFinding): Omit<DestructiveJson, 'allowed_by'> {
  return { stage: f.stage, stack: f.stack, logical_id: f.logicalId, path: f.path, type: f.type, change: f.change, cause: f.cause };
}
