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
import { App, Validations } from 'aws-cdk-lib';
import { writeFileSync } from 'node:fs';
import { GigascaleError, EXIT_CHECK_FAILED } from '../lib/util/errors';
import { loadConfigModule, OVERRIDE_KEYS, parseOverrides, resolvePlan } from '../lib/plan';
import { formatSummary } from '../lib/views/summary';
import { formatStageCosts, stageCostJson } from '../lib/views/cost-report';
import { APP_CONTEXT, PROJECT_ROOT } from '../lib/plan/cdk-json';
import { breaches, planVerdicts } from '../lib/views/verdicts';
import { imageDigestIssues } from '../lib/plan/release';
import { breachMessage, formatVerdicts } from '../lib/views/latency-report';
import type { BackgroundValidationTimings } from '../stacks/compliance/background-validation';

/**
 * Milliseconds by phase of this synth. Printed as it goes; written as JSON to the file GIGASCALE_SYNTH_TIMINGS names
 * (`npm run bench:synth` reads it), never into the output directory.
 */
const phases: Record<string, number> = { load: performance.now() };

function timed<T>(phase: string, run: () => T): T {
  const began = performance.now();
  try {
    return run();
  } finally {
    phases[phase] = (phases[phase] ?? 0) + performance.now() - began;
  }
}

async function main(): Promise<void> {
  // The CDK CLI sets failSynthOnValidationErrors=false to report findings itself, which `cdk synth` does not do; turning
  // it back on makes CDK print findings to stderr and fail. The built-in CloudFormation validation runs in the worker.
  const app = new App({ builtinCloudFormationValidation: false, context: { ...APP_CONTEXT }, postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': true } });
  const context = Object.fromEntries(OVERRIDE_KEYS.map((k) => [k, app.node.tryGetContext(k) as unknown]));
  const { overrides } = parseOverrides(context);
  const configuring = performance.now();
  const config = await loadConfigModule(overrides.config);
  const plan = resolvePlan(config, context);
  const unpinned = imageDigestIssues(plan.environments);
  if (unpinned.length > 0) throw new GigascaleError('Images not pinned', unpinned);
  phases.config = performance.now() - configuring;

  // stderr, as everything the app says: stdout belongs to the CDK CLI (`cdk synth` prints a lone stack's template there).
  const verdicts = timed('verdicts', () => planVerdicts(plan));
  console.error(formatVerdicts(verdicts, plan.environments));
  const broken = breaches(verdicts);
  if (broken.length > 0) {
    console.error(`gigascale: ${breachMessage(broken)}`);
    process.exit(EXIT_CHECK_FAILED);
  }

  // Only a plan that passed loads the stacks (aws-cdk-lib's modules, cdk-nag, cdk8s) and starts the validation's
  // worker thread: bad input is refused in about a second, without either. The worker builds its first engine on
  // the other core while the stacks load and the stages are built, the longest part of its work before the first
  // template.
  const loading = performance.now();
  const { BackgroundCloudFormationValidation } = await import('../stacks/compliance/background-validation.js');
  const cloudFormationValidation = BackgroundCloudFormationValidation.start();
  const { CfnGuardScan } = await import('../stacks/compliance/cfn-guard.js');
  const guard = new CfnGuardScan();
  const { addPipeline, addStages, emptyOutdir, relativizeTraces, writeAllowances, writeBudgetReport, writeCostReport, writeRenderedCharts } = await import('../stacks/app.js');
  const { failedValidationPlugins, summarizeAssembly, VALIDATION_REPORT_FILE } = await import('../stacks/assembly-summary.js');
  const { CHECK_MILLISECONDS, STACK_LIMITS_PLUGIN } = await import('../stacks/compliance/index.js');
  phases.load += performance.now() - loading;

  emptyOutdir(app.outdir);
  const stages = timed('constructs', () => addStages(app, plan));
  console.error(`gigascale: ${stages.length} stages built in ${seconds(phases.constructs)}`);
  cloudFormationValidation.expectResourceTypes(app);
  let assembly;
  try {
    // Stage by stage, so a long synth says where it is; app.synth() then reuses each stage's assembly.
    for (const [i, stage] of stages.entries()) {
      const began = performance.now();
      const stageAssembly = timed('synthesis', () => stage.synth());
      cloudFormationValidation.submit(stageAssembly);
      guard.submit(stageAssembly);
      console.error(`gigascale: [${i + 1}/${stages.length}] ${stage.stageName} synthesized in ${seconds(performance.now() - began)}`);
    }
    // The pipeline deploys the stages just synthesized (CDK Pipelines reads each one's cached assembly): built after
    // them, then synthesized and checked as they were.
    const pipelineBegan = performance.now();
    const tooling = timed('constructs', () => addPipeline(app, plan, stages));
    if (tooling) {
      cloudFormationValidation.expectResourceTypes(tooling);
      const toolingAssembly = timed('synthesis', () => tooling.synth());
      cloudFormationValidation.submit(toolingAssembly);
      guard.submit(toolingAssembly);
      console.error(`gigascale: ${tooling.stageName} (the deploy pipeline) synthesized in ${seconds(performance.now() - pipelineBegan)}`);
    }
    // Only now: aws-cdk-lib writes a stage's validation plugins into the AWS::CDK::Metadata of its templates.
    cloudFormationValidation.registerOn(app);
    Validations.of(app).addPlugins(guard.plugin);
    console.error('gigascale: checking every stage: CloudFormation validation, cdk-nag (AwsSolutions, NIST 800-53 rev 5), CloudFormation Guard (Control Tower proactive controls), stack limits');
    assembly = timed('checks', () => app.synth());
    const nag = [...CHECK_MILLISECONDS].filter(([name]) => name !== STACK_LIMITS_PLUGIN).reduce((sum, [, ms]) => sum + ms, 0);
    const cfn = cloudFormationValidation.timings;
    phases['checks.cdk-nag'] = nag;
    phases['checks.limits'] = CHECK_MILLISECONDS.get(STACK_LIMITS_PLUGIN) ?? 0;
    const scans = guard.timings;
    // The main thread waiting for cfn-guard's processes and reading their output.
    phases['checks.cfn-guard'] = scans.waitedMs;
    phases['checks.cloudformation-validation-and-report'] = phases.checks - nag - phases['checks.limits'] - scans.waitedMs;
    // Included in the line above: the main thread waiting for the worker's reports, and merging them.
    phases['checks.cloudformation-validation-wait'] = cfn.waitedMs;
    // On the other thread, since the app started: not part of any phase above.
    phases['worker.cloudformation-validation'] = cfn.workerMs;
    // In processes of their own, since each stage was synthesized: the scans' wall time summed.
    phases['processes.cfn-guard'] = scans.scanMs;
    console.error(
      `gigascale: checked in ${seconds(phases.checks)}: cdk-nag ${seconds(nag)}, stack limits ${seconds(phases['checks.limits'])}, ` +
        `CloudFormation Guard ${seconds(scans.waitedMs)} (waiting for its ${scans.scans} background scans of ${scans.templates} templates), ` +
        `CloudFormation validation and the report ${seconds(phases['checks.cloudformation-validation-and-report'])}` +
        (cloudFormationValidation.enabled ? ` (${seconds(cfn.waitedMs)} waiting for ${describeWorker(cfn)})` : ''),
    );
  } catch (e) {
    // CDK has already printed the validation report above this line.
    const failure = cloudFormationValidation.failed;
    console.error(`gigascale: synthesis failed: ${failure ? `CloudFormation validation in the background failed: ${failure}` : (e as Error).message}`);
    process.exit(EXIT_CHECK_FAILED);
  } finally {
    cloudFormationValidation.close();
    guard.close();
  }
  // aws-cdk-lib reports a plugin that threw as failed, but turns the CloudFormation plugin's failures into warnings
  // unless @aws-cdk/core:validateAgainstDefaultRules is on: a worker that failed fails the synth in any case.
  if (cloudFormationValidation.failed) {
    console.error(`gigascale: CloudFormation validation in the background failed: ${cloudFormationValidation.failed}`);
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
  const manifests = timed('k8s', () => writeRenderedCharts(app.outdir, stages));
  const reporting = performance.now();
  const budget = writeBudgetReport(app.outdir, verdicts);
  const costs = stageCostJson(plan.environments);
  writeCostReport(app.outdir, costs);
  writeAllowances(app.outdir, plan.allowDestructive);
  const summary = summarizeAssembly(assembly);
  phases.reports = performance.now() - reporting;
  const timings = process.env.GIGASCALE_SYNTH_TIMINGS;
  if (timings) writeFileSync(timings, `${JSON.stringify(Object.fromEntries(Object.entries(phases).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
  console.error(formatSummary(summary));
  console.error(formatStageCosts(costs));
  console.error(`${manifests.length} Kubernetes manifests rendered to ${app.outdir}/k8s/<stage>/<chart>.yaml`);
  console.error(`${verdicts.length} latency verdicts written to ${budget}`);
}

/**
 * What the validation worker did: `its worker thread, busy 6.1 s: aws-cdk-lib loaded in 0.4 s, 2 engine
 * initializations 1.1 s (143 MB reserved), ...`.
 */
function describeWorker(t: BackgroundValidationTimings): string {
  const late = t.atCheck > 0 ? ` (${t.atCheck} submitted at check time)` : '';
  const reserved = t.reservedBytes > 0 ? `${Math.round(t.reservedBytes / 2 ** 20)} MB reserved` : 'no memory reserved';
  return (
    `its worker thread, busy ${seconds(t.workerMs)}: aws-cdk-lib loaded in ${seconds(t.loadMs)}, ${t.engines.length} engine initializations ` +
    `${seconds(t.engineMs)} (${reserved}), ${t.templates} templates ${seconds(t.templatesMs)}${late}`
  );
}

/** Milliseconds as `2.3 s`. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch((e: unknown) => {
  if (e instanceof GigascaleError) {
    console.error(`gigascale: ${e.message}`);
    process.exit(e.exitCode);
  }
  throw e;
});
