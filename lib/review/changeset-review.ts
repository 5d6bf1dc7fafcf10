/**
 * What `npm run -s review:changeset` reports: every change set with its counts, the destructive changes refused and
 * allowed, and what each allowance matched. The guard and its allowances are the review's (lib/review/guard.ts), with
 * one difference: an allowance that matches nothing is not an error here. A change set covers one stack of one
 * deployment, so most allowances belong to other stacks; `npm run -s review` is where stale allowances fail.
 */
import type { DestructiveAllowance } from '../plan/schema';
import type { StackInput } from './cfn';
import type { ChangeSet } from './changeset';
import { changeSetFindings } from './changeset-guard';
import { applyAllowances, covers, type AllowanceUse, type DestructiveFinding } from './guard';
import { findingJson, type DestructiveJson } from './review';

/** Resource changes of a change set by Action. */
export interface ChangeCountsJson {
  readonly add: number;
  readonly modify: number;
  readonly remove: number;
  readonly import: number;
  readonly dynamic: number;
  readonly sync_with_actual: number;
  /** Modifies with Replacement True or Conditional, of any type. */
  readonly replacements: number;
}

export interface ChangeSetSummaryJson {
  readonly stage: string;
  /** CloudFormation stack name. */
  readonly stack: string;
  /** Construct path of the stack (`dev-us-east-1/Shards0`). */
  readonly path: string;
  readonly change_set: string;
  readonly change_set_id: string;
  /** CREATE_COMPLETE, or FAILED for a change set that changes nothing (CloudFormation keeps it so). */
  readonly status: string;
  readonly execution_status: string | null;
  /** The files of its pages, in the order given. */
  readonly files: readonly string[];
  readonly changes: ChangeCountsJson;
  readonly refused: number;
  readonly allowed: number;
}

export interface ChangeSetReviewJson {
  /** False when a destructive change is refused: the command exits 1 and the change sets must not be executed. */
  readonly ok: boolean;
  readonly change_sets: readonly ChangeSetSummaryJson[];
  /** Every destructive change, refused ones first, each in file order. */
  readonly destructive: readonly DestructiveJson[];
  /** Every allowance of the assembly, in its order; `unused` and `out of scope` are not errors here. */
  readonly allowances: readonly AllowanceUse[];
}

function counts(cs: ChangeSet): ChangeCountsJson {
  const n = (action: string) => cs.Changes.filter((c) => c.Action === action).length;
  return {
    add: n('Add'),
    modify: n('Modify'),
    remove: n('Remove'),
    import: n('Import'),
    dynamic: n('Dynamic'),
    sync_with_actual: n('SyncWithActual'),
    replacements: cs.Changes.filter((c) => c.Action === 'Modify' && (c.Replacement === 'True' || c.Replacement === 'Conditional')).length,
  };
}

/**
 * The change sets checked against the assembly they were created from (`stacks`: its stacks, `assembly`: its name
 * for messages) and its allowances. Throws a GigascaleError (exit 2) when a change set is not from that assembly.
 */
export function reviewChangeSets(
  changeSets: readonly ChangeSet[],
  stacks: readonly StackInput[],
  allowances: readonly DestructiveAllowance[],
  assembly: string,
): ChangeSetReviewJson {
  const findings = changeSetFindings(changeSets, stacks, assembly);
  const all = [...findings.values()].flat();
  const reviewed = stacks.filter((s) => changeSets.some((cs) => cs.StackName === s.stackName));
  const guard = applyAllowances(all, allowances, new Set(reviewed.map((s) => s.stage)));
  const verdictOf = new Map(guard.allowed.map(({ finding, allowance }) => [finding, allowance]));
  const json = (f: DestructiveFinding): DestructiveJson => ({ ...findingJson(f), allowed_by: verdictOf.get(f) ?? null });
  return {
    ok: guard.refused.length === 0,
    change_sets: changeSets.map((cs) => {
      const mine = findings.get(cs) ?? [];
      const allowed = mine.filter((f) => verdictOf.has(f)).length;
      const stack = reviewed.find((s) => s.stackName === cs.StackName)!;
      return {
        stage: stack.stage,
        stack: cs.StackName,
        path: stack.path,
        change_set: cs.ChangeSetName,
        change_set_id: cs.ChangeSetId,
        status: cs.Status,
        execution_status: cs.ExecutionStatus ?? null,
        files: cs.files,
        changes: counts(cs),
        refused: mine.length - allowed,
        allowed,
      };
    }),
    destructive: [...guard.refused.map(json), ...guard.allowed.map(({ finding }) => json(finding))],
    // The guard scopes allowances by stage; a change set reviews a few stacks of a stage, so an allowance outside
    // every stack reviewed is out of scope too, not unused.
    allowances: guard.allowances.map((a) =>
      a.status === 'unused' && !reviewed.some((s) => covers(s.path, a.path) || covers(a.path, s.path)) ? { ...a, status: 'out of scope' } : a,
    ),
  };
}
