/**
 * The CDK app: regions.config.ts (or `-c config=<path>`) -> validated plan -> one stage per environment x region.
 * Bad config or bad `-c` values are reported all at once and the process exits 2 before any stage exists, so
 * nothing is written to cdk.out. A flow over its latency target without a waiver fails with exit 1, also before any
 * stage exists; so does a compliance or limits finding, after synthesis.
 *
 * The output directory holds this synth only (it is emptied first) and no path of this machine, so two checkouts
 * of one commit synthesize the same bytes and `npm run -s review` compares real change only. Beside the assembly:
 * `k8s/<stage>/*.yaml`, `budget.json`, `cost.json` and `allowed-destructive-changes.json`.
 */
import { App } from 'aws-cdk-lib';
import { GigascaleError, EXIT_CHECK_FAILED } from '../lib/util/errors';
import { loadConfigModule, OVERRIDE_KEYS, parseOverrides, resolvePlan } from '../lib/plan';
import { formatSummary } from '../lib/views/summary';
import { formatStageCosts, stageCostJson } from '../lib/views/cost-report';
import { APP_CONTEXT, PROJECT_ROOT } from '../lib/plan/cdk-json';
import { addStages, emptyOutdir, relativizeTraces, writeAllowances, writeBudgetReport, writeCostReport, writeRenderedCharts } from '../stacks/app';
import { breaches, planVerdicts } from '../lib/views/verdicts';
import { breachMessage, formatVerdicts } from '../lib/views/latency-report';
import { failedValidationPlugins, summarizeAssembly, VALIDATION_REPORT_FILE } from '../stacks/assembly-summary';

async function main(): Promise<void> {
  // The CDK CLI sets failSynthOnValidationErrors=false to report findings itself, which `cdk synth` does not do;
  // turning it back on makes CDK print the findings to stderr and fail the process.
  const app = new App({ context: { ...APP_CONTEXT }, postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': true } });
  const context = Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, app.node.tryGetContext(k) as unknown]));
  const { overrides } = parseOverrides(context);
  const plan = resolvePlan(await loadConfigModule(overrides.config), context);

  // stderr, as everything the app says: stdout belongs to the CDK CLI (`cdk synth` prints a lone stack's template there).
  const verdicts = planVerdicts(plan);
  console.error(formatVerdicts(verdicts, plan.environments));
  const broken = breaches(verdicts);
  if (broken.length > 0) {
    console.error(`gigascale: ${breachMessage(broken)}`);
    process.exit(EXIT_CHECK_FAILED);
  }

  emptyOutdir(app.outdir);
  const building = performance.now();
  const stages = addStages(app, plan);
  console.error(`gigascale: ${stages.length} stages built in ${seconds(building)}`);
  let assembly;
  try {
    // Stage by stage, so a long synth says where it is; app.synth() then reuses each stage's assembly.
    for (const [i, stage] of stages.entries()) {
      const began = performance.now();
      stage.synth();
      console.error(`gigascale: [${i + 1}/${stages.length}] ${stage.stageName} synthesized in ${seconds(began)}`);
    }
    const checking = performance.now();
    console.error('gigascale: checking every stage: CloudFormation validation, cdk-nag (AwsSolutions, NIST 800-53 rev 5), stack limits');
    assembly = app.synth();
    console.error(`gigascale: checked in ${seconds(checking)}`);
  } catch (e) {
    // CDK has already printed the validation report above this line.
    console.error(`gigascale: synthesis failed: ${(e as Error).message}`);
    process.exit(EXIT_CHECK_FAILED);
  }
  // In CDK's "process" app mode (CDK_APP_MODE=process) findings only set the exit code instead of throwing;
  // reading the report makes the gate hold in every mode.
  relativizeTraces(app.outdir, PROJECT_ROOT);
  const failed = failedValidationPlugins(assembly);
  if (failed.length > 0) {
    console.error(
      `gigascale: compliance gate failed: unacknowledged findings from ${failed.join(', ')} (listed above and in ` +
        `${VALIDATION_REPORT_FILE}). Fix the resource, or acknowledge the rule with a reason in stacks/compliance/acknowledgments/ (the file of its concern).`,
    );
    process.exit(EXIT_CHECK_FAILED);
  }
  const manifests = writeRenderedCharts(app.outdir, stages);
  const budget = writeBudgetReport(app.outdir, verdicts);
  const costs = stageCostJson(plan.environments);
  writeCostReport(app.outdir, costs);
  writeAllowances(app.outdir, plan.allowDestructive);
  console.error(formatSummary(summarizeAssembly(assembly)));
  console.error(formatStageCosts(costs));
  console.error(`${manifests.length} Kubernetes manifests rendered to ${app.outdir}/k8s/<stage>/<chart>.yaml`);
  console.error(`${verdicts.length} latency verdicts written to ${budget}`);
}

/** Seconds since `since` (a performance.now() reading), as `2.3 s`. */
function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

main().catch((e: unknown) => {
  if (e instanceof GigascaleError) {
    console.error(`gigascale: ${e.message}`);
    process.exit(e.exitCode);
  }
  throw e;
});
