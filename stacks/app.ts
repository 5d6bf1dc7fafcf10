import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { Plan } from '../lib/config';
import { verdictJson, type FlowVerdict } from '../lib/latency/verdicts';
import { RegionStage } from './stage';

/** Adds one RegionStage per environment x region of the plan, in plan order. */
export function addStages(app: App, plan: Plan): RegionStage[] {
  return plan.environments.flatMap((environment) =>
    environment.regions.map((region) => new RegionStage(app, { environment, region })),
  );
}

/**
 * Writes every stage's rendered charts to `<outdir>/k8s/<stage>/<chart>.yaml` (outdir: `cdk.out`, or what `-o` says),
 * for reviewers to read in pull requests. Returns the files written, in stage and chart order.
 */
export function writeRenderedCharts(outdir: string, stages: readonly RegionStage[]): string[] {
  const written: string[] = [];
  for (const stage of stages) {
    const dir = join(outdir, 'k8s', stage.stageName);
    mkdirSync(dir, { recursive: true });
    for (const [file, yaml] of stage.renderedCharts) {
      writeFileSync(join(dir, file), yaml);
      written.push(join(dir, file));
    }
  }
  return written;
}

/** The latency verdicts' file at the top of the synth output, for auditors: what `npm run -s budget -- --json` prints. */
export const BUDGET_REPORT_FILE = 'budget.json';

/** Writes `<outdir>/budget.json` and returns its path. */
export function writeBudgetReport(outdir: string, verdicts: readonly FlowVerdict[]): string {
  const file = join(outdir, BUDGET_REPORT_FILE);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(verdicts.map(verdictJson), null, 2)}\n`);
  return file;
}
