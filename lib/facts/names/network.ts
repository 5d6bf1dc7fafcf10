/** Names of the network stack's resources (lib/facts/names/stage.ts holds the project and stage names). */

import { PROJECT, stageName } from './stage';

/** `/gigascale/prod/eu-west-1/vpc-flow-logs`: CloudWatch Logs group of a region's VPC flow logs. */
export function flowLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/vpc-flow-logs`;
}

/** `gigascale-prod-eu-west-1-nat`: the managed prefix list of a region's NAT gateway addresses. */
export function natPrefixListName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-nat`;
}
