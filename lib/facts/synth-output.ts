/**
 * The layout of a synth's output directory beyond the cloud assembly: what bin/app.ts writes there for reviewers
 * and auditors, and what `npm run -s review` reads back. One place, so writer and reader cannot drift.
 */

/** The latency verdicts: what `npm run -s budget -- --json` prints. */
export const BUDGET_REPORT_FILE = 'budget.json';
/** The monthly estimate of every stage and environment synthesized (lib/views/cost-report.ts StageCostsJson). */
export const COST_REPORT_FILE = 'cost.json';
/** The config's `review.allowDestructive`, as the synthesizing version resolved it. */
export const ALLOWANCES_FILE = 'allowed-destructive-changes.json';
/** Rendered Kubernetes manifests: `<outdir>/k8s/<stage>/<chart>.yaml`. */
export const MANIFESTS_DIR = 'k8s';
