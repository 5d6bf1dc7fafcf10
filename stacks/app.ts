import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { DestructiveAllowance, Plan } from '../lib/plan';
import { GigascaleError } from '../lib/util/errors';
import { ALLOWANCES_FILE, BUDGET_REPORT_FILE, COST_REPORT_FILE, MANIFESTS_DIR } from '../lib/facts/synth-output';
import { verdictJson, type FlowVerdict } from '../lib/views/verdicts';
import type { StageCostsJson } from '../lib/views/cost-report';
import { RegionStage } from './stage';
import { PipelineStage } from './pipeline/pipeline-stage';

/** Adds one RegionStage per environment x region of the plan, in plan order. */
export function addStages(app: App, plan: Plan): RegionStage[] {
  return plan.environments.flatMap((environment) =>
    environment.regions.map((region) => new RegionStage(app, { environment, region })),
  );
}

/**
 * Adds the deploy pipeline's stage when the plan has one, over `stages` (bin/app.ts's, already synthesized: CDK
 * Pipelines reads each stage's assembly, and reuses the one synthesized).
 */
export function addPipeline(app: App, plan: Plan, stages: readonly RegionStage[]): PipelineStage | undefined {
  if (!plan.pipeline) return undefined;
  return new PipelineStage(app, { pipeline: plan.pipeline, environments: plan.environments, stages });
}

/** Files a cloud assembly always has at its top: a directory holding one of them is a previous synth's output. */
const ASSEMBLY_MARKERS = ['manifest.json', 'cdk.out'];
/** The CDK CLI's locks (`synth.lock`, `read.<pid>.<n>.lock`): the CLI holds them while the app runs. */
const isLock = (name: string): boolean => name.endsWith('.lock');

/**
 * Empties the output directory before the stages are built (their assets are staged as they are constructed):
 * CDK only adds to what is there, so a `-c env=dev` synth after a full one would leave prod's templates beside
 * dev's and a reviewer's diff of two outputs would show stages that no longer exist. A directory that holds files
 * but is not a previous synth's output is refused, so `-o` pointed at the wrong place erases nothing. The CLI's lock
 * files stay.
 */
export function emptyOutdir(outdir: string): void {
  if (!existsSync(outdir)) return;
  const entries = readdirSync(outdir).filter((name) => !isLock(name));
  if (entries.length === 0) return;
  if (!ASSEMBLY_MARKERS.some((m) => entries.includes(m))) {
    const shown = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
    throw new GigascaleError('Output directory not emptied', [
      {
        at: outdir,
        message: `holds ${shown} and is not the output of a synth (no manifest.json); synthesize into an empty directory or a previous synth's output (-o)`,
      },
    ]);
  }
  for (const name of entries) rmSync(join(outdir, name), { recursive: true, force: true });
}

/** Files CDK writes with stack traces in them: the acknowledgments' traces (metadata) and the validation report's. */
const TRACED_FILE = /(\.metadata\.json|^validation-report\.json)$/;

/**
 * Rewrites the stack traces CDK records in the output (`at applyComplianceGate (/home/me/gigascale/stacks/...)`)
 * relative to `root`, the project directory: aws-cdk-lib records a trace with every acknowledgment whatever the
 * context says, and an absolute path would make two checkouts of one commit synthesize different bytes.
 * Returns the files rewritten.
 */
export function relativizeTraces(outdir: string, root: string): string[] {
  // As the path appears inside a JSON string.
  const needle = JSON.stringify(root.endsWith(sep) ? root : root + sep).slice(1, -1);
  const rewritten: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) {
        if (name.startsWith('assembly-')) walk(file);
        continue;
      }
      if (!TRACED_FILE.test(name)) continue;
      const text = readFileSync(file, 'utf8');
      if (!text.includes(needle)) continue;
      writeFileSync(file, text.split(needle).join(''));
      rewritten.push(file);
    }
  };
  walk(outdir);
  return rewritten;
}

/**
 * Writes every stage's rendered charts to `<outdir>/k8s/<stage>/<chart>.yaml` (outdir: `cdk.out`, or what `-o` says),
 * for reviewers to read in pull requests. Returns the files written, in stage and chart order.
 */
export function writeRenderedCharts(outdir: string, stages: readonly RegionStage[]): string[] {
  const written: string[] = [];
  for (const stage of stages) {
    const dir = join(outdir, MANIFESTS_DIR, stage.stageName);
    mkdirSync(dir, { recursive: true });
    for (const [file, yaml] of stage.renderedCharts) {
      writeFileSync(join(dir, file), yaml);
      written.push(join(dir, file));
    }
  }
  return written;
}

/** Writes `<outdir>/budget.json` and returns its path. */
export function writeBudgetReport(outdir: string, verdicts: readonly FlowVerdict[]): string {
  return writeJson(outdir, BUDGET_REPORT_FILE, verdicts.map(verdictJson));
}

/** Writes `<outdir>/cost.json` and returns its path. */
export function writeCostReport(outdir: string, costs: StageCostsJson): string {
  return writeJson(outdir, COST_REPORT_FILE, costs);
}

/**
 * Writes `<outdir>/allowed-destructive-changes.json` and returns its path: the review reads the head's allowances
 * from there, as the head's own code resolved them, and auditors find every intended loss with its reason.
 */
export function writeAllowances(outdir: string, allowances: readonly DestructiveAllowance[]): string {
  return writeJson(outdir, ALLOWANCES_FILE, allowances);
}

function writeJson(outdir: string, name: string, value: unknown): string {
  const file = join(outdir, name);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}
