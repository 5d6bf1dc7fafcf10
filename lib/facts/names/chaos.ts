/**
 * Names of the chaos stack's resources: the failure experiments, their roles and schedules, and the log group FIS
 * writes the experiments' logs to.
 */
import { PROJECT, stageName } from './stage';

/** `gigascale-prod-eu-west-1-cache-az-power`: an experiment template's Name tag, and its schedule's and role's name. */
export function experimentName(env: string, region: string, experiment: string): string {
  return `${PROJECT}-${stageName(env, region)}-${experiment}`;
}

/** `/gigascale/prod/eu-west-1/fis`: the log group every experiment of a region logs to. */
export function experimentLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/fis`;
}

/** KMS alias of a region's chaos key (the experiments' log group). */
export function chaosKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/chaos`;
}

/** `gigascale-prod-eu-west-1-chaos-scheduler`: the role EventBridge Scheduler starts a region's experiments as. */
export function chaosSchedulerRoleName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-chaos-scheduler`;
}
