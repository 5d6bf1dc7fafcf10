/**
 * Names of the compute stack's resources: the EKS cluster, its logs and key, the node groups, the pods' IAM roles
 * and the TURN relay's secret. Kubernetes object names are in lib/facts/names/k8s.ts.
 */

import { serviceSecretName } from './services';
import { PROJECT, stageName } from './stage';

/** `gigascale-prod-eu-west-1`: the EKS cluster of one environment in one region. */
export function clusterName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}

/** CloudWatch Logs group EKS writes control-plane logs to (fixed by EKS: `/aws/eks/<cluster>/cluster`). */
export function clusterLogGroupName(env: string, region: string): string {
  return `/aws/eks/${clusterName(env, region)}/cluster`;
}

/**
 * `/aws/containerinsights/gigascale-prod-eu-west-1/performance`: where the CloudWatch agent writes Container Insights'
 * performance events (the name it uses; gigascale creates the group first, with its key and retention).
 */
export function containerInsightsLogGroupName(env: string, region: string): string {
  return `/aws/containerinsights/${clusterName(env, region)}/performance`;
}

/** KMS alias of a region's cluster key (Kubernetes secrets envelope encryption, control-plane logs). */
export function clusterKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/eks`;
}

/** `nodes-us-east-1a`: the managed node group of one AZ (names are per cluster). */
export function nodegroupName(az: string): string {
  return `nodes-${az}`;
}

/** `gigascale-prod-eu-west-1-pod-chat`: the IAM role a workload's pods assume through EKS Pod Identity. */
export function podRoleName(env: string, region: string, workload: string): string {
  return `${PROJECT}-${stageName(env, region)}-pod-${workload}`;
}

/**
 * `gigascale-prod-eu-west-1-karpenter-node`: the IAM role (and its instance profile, of the same name) of the nodes
 * Karpenter launches in one region's cluster.
 */
export function karpenterNodeRoleName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-karpenter-node`;
}

/** `gigascale/prod/turn/static-auth-secret`: the secret TURN REST credentials are signed with (one per region). */
export function turnSecretName(env: string): string {
  return serviceSecretName(env, 'turn', 'static-auth-secret');
}

/**
 * `ecr-pullthroughcache/gigascale-prod-docker-hub`: the Docker Hub username and access token the region's ECR
 * pull-through cache signs in with (one per region; ECR reads only secrets under the `ecr-pullthroughcache/` prefix).
 */
export function dockerHubCredentialsSecretName(env: string): string {
  return `ecr-pullthroughcache/${PROJECT}-${env}-docker-hub`;
}

/** `/gigascale/prod/eu-west-1/compute/turn-secret-rotation`: CloudWatch Logs group of the TURN secret's rotation function. */
export function turnRotationLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/compute/turn-secret-rotation`;
}
