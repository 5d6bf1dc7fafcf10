/**
 * The P95 budget each check is held to: `--budget check=ms` when given, else the latency model's for the target's
 * region (the plan's latencyBudgets.probeChecksMs), else none, and the check is judged on its error rate alone (a region the
 * config does not know, such as `local`).
 */
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';
import type { ProbeCheck } from '../lib/facts/probe-checks';

/** What budgets need of an environment of the resolved plan (lib/plan EnvironmentPlan). */
export interface BudgetEnvironment {
  readonly name: string;
  readonly regions: readonly { readonly name: string }[];
  readonly latencyBudgets: { readonly probeChecksMs: Readonly<Record<ProbeCheck, number>> };
}

export interface BudgetQuery {
  /** The plan's environments. */
  readonly environments: readonly BudgetEnvironment[];
  /** The target's region. */
  readonly region: string;
  /** `--env`. @default - every environment listing the region */
  readonly env?: string;
  /** The checks that run. */
  readonly checks: readonly ProbeCheck[];
  /** `--budget` values, milliseconds. */
  readonly overridesMs: Readonly<Partial<Record<ProbeCheck, number>>>;
}

/** The P95 budget of each of `query.checks`, milliseconds, or null. Throws (exit 2) for an --env that cannot apply or is needed. */
export function probeBudgets(query: BudgetQuery): Readonly<Partial<Record<ProbeCheck, number | null>>> {
  const { environments, region, env } = query;
  let candidates = environments.filter((e) => e.regions.some((r) => r.name === region));
  if (env !== undefined) {
    const chosen = environments.find((e) => e.name === env);
    if (chosen === undefined) {
      throw new GigascaleError('Bad arguments', [{ at: '--env', message: `the config has no environment ${JSON.stringify(env)}; pass one of ${environments.map((e) => e.name).join(', ')}` }], EXIT_BAD_INPUT);
    }
    if (!candidates.includes(chosen)) {
      throw new GigascaleError(
        'Bad arguments',
        [{ at: '--env', message: `environment ${env} has no region ${JSON.stringify(region)} (the target's); its regions are ${chosen.regions.map((r) => r.name).join(', ')}; fix the target's region or --env` }],
        EXIT_BAD_INPUT,
      );
    }
    candidates = [chosen];
  }
  const budgets = candidates.map((e) => ({ env: e.name, budgetsMs: e.latencyBudgets.probeChecksMs }));
  const result: Partial<Record<ProbeCheck, number | null>> = {};
  for (const check of query.checks) {
    const override = query.overridesMs[check];
    if (override !== undefined) {
      result[check] = override;
      continue;
    }
    const values = new Set(budgets.map((b) => b.budgetsMs[check]));
    if (values.size > 1) {
      const each = budgets.map((b) => `${b.budgetsMs[check]} ms in ${b.env}`).join(', ');
      throw new GigascaleError(
        'Bad arguments',
        [{ at: '--env', message: `region ${region} is in environments ${budgets.map((b) => b.env).join(', ')}, whose ${check} budgets differ (${each}); pass --env to choose one` }],
        EXIT_BAD_INPUT,
      );
    }
    result[check] = budgets.length === 0 ? null : budgets[0].budgetsMs[check];
  }
  return result;
}
