/**
 * Names of the ingress stack's resources: the hostnames the ALB and the TURN relay's NLB answer to, the WAF web ACL
 * and its logs, the load balancers' log buckets and the ingress key.
 */

import { PROJECT, stageName } from './stage';

/** `api.gigascale.example`: the environment's public API hostname, served by the edge. */
export function apiHostname(domain: string): string {
  return `api.${domain}`;
}

/** `origin-eu-west-1.gigascale.example`: the ALB of a region as the edge reaches it (edge/ uses the same name). */
export function originHostname(domain: string, region: string): string {
  return `origin-${region}.${domain}`;
}

/** `turn-eu-west-1.gigascale.example`: the region's TURN relay (the ingress stack's NLB). */
export function turnHostname(domain: string, region: string): string {
  return `turn-${region}.${domain}`;
}

/** `gigascale-prod-eu-west-1-alb`: WAF web ACL of a region's ALB. */
export function webAclName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-alb`;
}

/** `aws-waf-logs-gigascale-prod-eu-west-1`: the WAF log group of a region's ALB (WAF requires the `aws-waf-logs-` prefix). */
export function wafLogGroupName(env: string, region: string): string {
  return `aws-waf-logs-${PROJECT}-${stageName(env, region)}`;
}

/** S3 bucket of a region's ALB access logs (SSE-S3: ALB log delivery cannot write with a KMS key). */
export function albLogBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-alb-logs-${account}-${region}`;
}

/**
 * `gigascale-prod-alb-logs-audit-222222222222-eu-west-1`: the S3 server access logs of the region's load balancer log
 * bucket (who read, wrote or deleted the ALB and NLB logs). At most 63 characters for a 10-character environment name.
 */
export function albLogAuditBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-alb-logs-audit-${account}-${region}`;
}

/** KMS alias of a region's ingress key (the WAF log group). */
export function ingressKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/ingress`;
}

/**
 * Output ids of a region's ingress stack. Stable: the compute stack reads them as weak references, and the rendered
 * TargetGroupBindings name them where the deployed manifests hold the values.
 */
export const INGRESS_OUTPUTS = {
  loadBalancerDnsName: 'LoadBalancerDnsName',
  turnLoadBalancerDnsName: 'TurnLoadBalancerDnsName',
  albSecurityGroupId: 'AlbSecurityGroupId',
  nlbSecurityGroupId: 'NlbSecurityGroupId',
  gatewayTargetGroupArn: 'GatewayTargetGroupArn',
  chatTargetGroupArn: 'ChatTargetGroupArn',
  turnUdpTargetGroupArn: 'TurnUdpTargetGroupArn',
  turnTlsTargetGroupArn: 'TurnTlsTargetGroupArn',
} as const;

/**
 * Output ids of the ingress stack's full names that CloudWatch metrics carry as dimensions (`app/<name>/<id>`,
 * `net/<name>/<id>`, `targetgroup/<name>/<id>`): the tier alarms use them in the stack, the observability stack's
 * dashboards read them as weak references.
 */
export const INGRESS_METRIC_NAME_OUTPUTS = {
  loadBalancer: 'LoadBalancerFullName',
  gatewayTargetGroup: 'GatewayTargetGroupFullName',
  chatTargetGroup: 'ChatTargetGroupFullName',
  networkLoadBalancer: 'TurnLoadBalancerFullName',
  turnUdpTargetGroup: 'TurnUdpTargetGroupFullName',
  turnTlsTargetGroup: 'TurnTlsTargetGroupFullName',
} as const;
export type IngressMetricName = keyof typeof INGRESS_METRIC_NAME_OUTPUTS;
