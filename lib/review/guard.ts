/**
 * The guard: which changes lose state, and which of those the head's config allows. A replacement or removal of a
 * stateful resource (lib/review/stateful.ts), the removal of a stack that holds one, and fewer partitions on a Kafka
 * topic are destructive; each is refused unless an allowance names its construct path or a construct above it.
 */
import type { DestructiveAllowance } from '../plan/schema';
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../util/errors';
import { isRecord } from '../util/json';

export const DESTRUCTIVE_CHANGES = ['replace', 'may replace', 'remove', 'remove with stack', 'lower partitions'] as const;
export type DestructiveChange = (typeof DESTRUCTIVE_CHANGES)[number];

export interface DestructiveFinding {
  /** Stage (`prod-us-east-1`): the first segment of the construct path. */
  readonly stage: string;
  /** CloudFormation stack name. */
  readonly stack: string;
  readonly logicalId: string;
  /** Construct path without a trailing `/Resource` (what an allowance names). */
  readonly path: string;
  readonly type: string;
  readonly change: DestructiveChange;
  /** What forces it: the property and its change, or the removal. */
  readonly cause: string;
}

export type AllowanceStatus = 'used' | 'unused' | 'out of scope';

export interface AllowanceUse extends DestructiveAllowance {
  /** Findings it allows. */
  readonly matches: number;
  /**
   * `used`; `unused`: its stage is in the review and it matches nothing, an error; `out of scope`: its stage is in
   * neither synth (`-c env` selected others), so this review says nothing about it.
   */
  readonly status: AllowanceStatus;
}

export interface GuardVerdict {
  /** Destructive changes no allowance covers, in input order. */
  readonly refused: readonly DestructiveFinding[];
  /** Destructive changes an allowance covers, with the allowance (the most specific when several do). */
  readonly allowed: readonly { readonly finding: DestructiveFinding; readonly allowance: DestructiveAllowance }[];
  /** Every allowance of the config, in its order, with what it matched. */
  readonly allowances: readonly AllowanceUse[];
}

/** True when `allowancePath` is `path` or a construct above it. */
export function covers(allowancePath: string, path: string): boolean {
  return path === allowancePath || path.startsWith(`${allowancePath}/`);
}

/** The stage of a construct path: its first segment. */
export const stageOfPath = (path: string): string => path.split('/')[0];

/** Sorts findings into refused and allowed and says what each allowance matched; `stages`: the stages of both synths. */
export function applyAllowances(
  findings: readonly DestructiveFinding[],
  allowances: readonly DestructiveAllowance[],
  stages: ReadonlySet<string>,
): GuardVerdict {
  const matches = new Map<DestructiveAllowance, number>(allowances.map((a) => [a, 0]));
  const refused: DestructiveFinding[] = [];
  const allowed: { finding: DestructiveFinding; allowance: DestructiveAllowance }[] = [];
  for (const finding of findings) {
    const covering = allowances.filter((a) => covers(a.path, finding.path));
    if (covering.length === 0) {
      refused.push(finding);
      continue;
    }
    const allowance = covering.reduce((best, a) => (a.path.length > best.path.length ? a : best));
    matches.set(allowance, matches.get(allowance)! + 1);
    allowed.push({ finding, allowance });
  }
  return {
    refused,
    allowed,
    allowances: allowances.map((a) => {
      const n = matches.get(a)!;
      const status: AllowanceStatus = n > 0 ? 'used' : stages.has(stageOfPath(a.path)) ? 'unused' : 'out of scope';
      return { path: a.path, reason: a.reason, matches: n, status };
    }),
  };
}

/** The message of an allowance that matches nothing: the review fails on it, so a stale allowance cannot linger. */
export function unusedAllowanceMessage(a: DestructiveAllowance): string {
  return `review.allowDestructive allows ${a.path}, but no change replaces or removes a stateful resource there; remove the entry (it belongs to the change that needed it)`;
}

/**
 * The allowances synth wrote beside the assembly (lib/facts/synth-output.ts ALLOWANCES_FILE): the config's
 * `review.allowDestructive`, `[{ path, reason }]`. Throws a GigascaleError (exit 2) naming every bad entry.
 */
export function parseAllowances(file: string, text: string): DestructiveAllowance[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GigascaleError('Invalid allowances', [{ at: file, message: `is not JSON (${(e as Error).message}); synthesize again (npx cdk synth) to rewrite it` }], EXIT_BAD_INPUT);
  }
  if (!Array.isArray(value)) {
    throw new GigascaleError('Invalid allowances', [{ at: file, message: 'must be an array of { path, reason }; synthesize again (npx cdk synth) to rewrite it' }], EXIT_BAD_INPUT);
  }
  const issues: Issue[] = [];
  const out: DestructiveAllowance[] = [];
  value.forEach((a: unknown, i) => {
    const bad = ['path', 'reason'].filter((k) => !isRecord(a) || typeof a[k] !== 'string' || a[k] === '');
    if (bad.length > 0) issues.push({ at: file, message: `[${i}] must be { path, reason } with non-empty strings, got ${JSON.stringify(a)}; synthesize again (npx cdk synth) to rewrite it` });
    else out.push({ path: (a as DestructiveAllowance).path, reason: (a as DestructiveAllowance).reason });
  });
  if (issues.length > 0) throw new GigascaleError('Invalid allowances', issues, EXIT_BAD_INPUT);
  return out;
}
