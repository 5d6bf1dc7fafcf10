import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PIPELINE_STACK_NAME, PIPELINE_STAGE } from '../../lib/facts/names/pipeline';
import { PROJECT, TAG_KEYS } from '../../lib/facts/names/stage';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import type { EnvironmentPlan, PipelinePlan } from '../../lib/plan';
import { applyComplianceGate } from '../compliance';
import type { RegionStage } from '../stage';
import { PipelineStack } from './pipeline-stack';

export interface PipelineStageProps {
  readonly pipeline: PipelinePlan;
  readonly environments: readonly EnvironmentPlan[];
  /** The region stages, already built: the pipeline deploys these. */
  readonly stages: readonly RegionStage[];
}

/** The CDK CLI of package.json: the pipeline's own steps install this version, as `npx cdk` runs it here. */
export function projectCdkCliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return pkg.devDependencies['aws-cdk'];
}

/**
 * The tooling account's stage (`pipeline`): the deploy pipeline's stack, tagged, behind the same compliance gate as
 * the region stages.
 */
export class PipelineStage extends Stage {
  readonly stack: PipelineStack;

  constructor(scope: Construct, props: PipelineStageProps) {
    const { pipeline } = props;
    super(scope, PIPELINE_STAGE, { env: { account: pipeline.account, region: pipeline.region } });
    Tags.of(this).add(TAG_KEYS.project, PROJECT);
    Tags.of(this).add(TAG_KEYS.concern, 'pipeline');
    this.stack = new PipelineStack(this, 'Pipeline', {
      stackName: PIPELINE_STACK_NAME,
      terminationProtection: true,
      pipeline,
      environments: props.environments,
      stages: props.stages,
      cliVersion: projectCdkCliVersion(),
    });
    applyComplianceGate(this);
  }
}
