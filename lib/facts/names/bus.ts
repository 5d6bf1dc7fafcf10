/**
 * Names of the regional event bus (MSK): the cluster, its logs and key, the replicators between regions, and each
 * service's consumer group and IAM policy. MSK names are per account and region, so they need not carry the region.
 */

import { PROJECT, stageName } from './stage';

/** `gigascale-prod-bus`: the MSK cluster of an environment in a region. */
export function busClusterName(env: string): string {
  return `${PROJECT}-${env}-bus`;
}

/** `/gigascale/prod/eu-west-1/bus/broker-logs`: CloudWatch Logs group of the MSK brokers' logs. */
export function busLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/bus/broker-logs`;
}

/** CloudWatch Logs group of the function that reads the cluster's bootstrap brokers at deploy time. */
export function busLookupLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/bus/bootstrap-brokers-lookup`;
}

/** KMS alias of a region's bus key (broker storage, broker logs). */
export function busKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/bus`;
}

/** `gigascale.memory`: the Kafka consumer group of a service; its IAM policy may join only this group. */
export function consumerGroupName(service: string): string {
  return `${PROJECT}.${service}`;
}

/** `gigascale-prod-eu-west-1-bus-memory`: a service's managed IAM policy for the bus (IAM names are per account). */
export function busPolicyName(env: string, region: string, service: string): string {
  return `${PROJECT}-${stageName(env, region)}-bus-${service}`;
}

/** `gigascale-prod-us-east-1-to-eu-west-1`: the MSK Replicator copying replicated topics from one region into another. */
export function replicatorName(env: string, source: string, target: string): string {
  return `${PROJECT}-${env}-${source}-to-${target}`;
}

/**
 * Outputs of every bus stack (stacks/bus/bus-stack.ts), by logical id. The replicators of the other regions read them
 * with `Fn::GetStackOutput` (a weak reference: no export can block a change here), and the rendered Kubernetes YAML
 * names them, so the ids are API: never rename one.
 */
export const BUS_OUTPUTS = {
  clusterArn: 'ClusterArn',
  bootstrapBrokers: 'BootstrapBrokers',
  replicatorSubnetIds: 'ReplicatorSubnetIds',
  replicatorSecurityGroupId: 'ReplicatorSecurityGroupId',
} as const;
