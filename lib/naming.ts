/**
 * Names are API: a changed stage, stack or resource name replaces what it names. Every name gigascale gives
 * comes from here.
 */

/** Concerns a regional stage is split into, one stack each. */
export type Concern = 'network';

/** `prod-eu-west-1`: the Stage id, so `npx cdk deploy 'prod-eu-west-1/*'` selects one region of one environment. */
export function stageName(env: string, region: string): string {
  return `${env}-${region}`;
}

/** `prod-eu-west-1-network`: the CloudFormation stack name. */
export function stackName(env: string, region: string, concern: Concern): string {
  return `${stageName(env, region)}-${concern}`;
}

/** CloudWatch Logs group of a region's VPC flow logs. */
export function flowLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/vpc-flow-logs`;
}

/** Tag keys put on every resource. */
export const TAG_KEYS = {
  project: 'project',
  env: 'env',
  region: 'region',
  concern: 'concern',
  owner: 'owner',
  costCentre: 'cost-centre',
} as const;

export const PROJECT = 'gigascale';
