/** Test helpers: the same stages bin/app.ts builds, with cdk.json's feature flags, synthesized in memory. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import defaultConfig from '../../regions.config';
import { APP_CONTEXT, cdkJsonContext, PROJECT_ROOT } from '../../lib/plan/cdk-json';
import { resolvePlan, type GigascaleConfig, type Plan } from '../../lib/plan';
import { addStages } from '../../stacks/app';
import type { RegionStage } from '../../stacks/stage';
import { newOutdir } from './outdirs';

export const ROOT = PROJECT_ROOT;

/** The feature flags of cdk.json and the app's own context: tests synthesize with exactly the flags `cdk synth` uses. */
export const CDK_JSON_CONTEXT = { ...cdkJsonContext(), ...APP_CONTEXT };

export function newApp(): App {
  return new App({ context: CDK_JSON_CONTEXT, outdir: newOutdir() });
}

export function planOf(context: Record<string, unknown> = {}, config: GigascaleConfig = defaultConfig): Plan {
  return resolvePlan(config, context);
}

export function stagesOf(plan: Plan, app: App = newApp()): { app: App; stages: RegionStage[] } {
  return { app, stages: addStages(app, plan) };
}

export function stage(stages: readonly RegionStage[], name: string): RegionStage {
  const s = stages.find((x) => x.stageName === name);
  if (!s) throw new Error(`no stage ${name}; have ${stages.map((x) => x.stageName).join(', ')}`);
  return s;
}

/** A template as JSON with asset hashes replaced, so snapshots do not churn when aws-cdk-lib's bundled code changes. */
export function normalizedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET_HASH$1');
  return JSON.parse(text) as unknown;
}
