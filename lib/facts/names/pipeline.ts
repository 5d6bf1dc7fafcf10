/**
 * Names of the deploy pipeline (stacks/pipeline): one per config, in the tooling account.
 */
import { PROJECT } from './stage';

/** `gigascale`: the CodePipeline pipeline, and the prefix of its schedule's and roles' names. */
export const PIPELINE_NAME = PROJECT;

/** `pipeline`: the Stage id of the tooling stage (`npx cdk deploy 'pipeline/*'` deploys the pipeline the first time). */
export const PIPELINE_STAGE = 'pipeline';

/** `gigascale-pipeline`: the pipeline's CloudFormation stack. */
export const PIPELINE_STACK_NAME = `${PROJECT}-pipeline`;

/** `gigascale-pipeline-weekly-run`: the role EventBridge Scheduler starts the weekly run as. */
export function pipelineSchedulerRoleName(): string {
  return `${PIPELINE_NAME}-pipeline-weekly-run`;
}

/** `/gigascale/pipeline/codebuild`: the log group of every CodeBuild project of the pipeline. */
export const PIPELINE_LOG_GROUP_NAME = `/${PROJECT}/pipeline/codebuild`;

/** KMS alias of the pipeline's key (its build logs). */
export const PIPELINE_KEY_ALIAS = `alias/${PROJECT}/pipeline`;
