/**
 * The AWS Load Balancer Controller's IAM policy, narrowed to what gigascale asks of it. The load balancers, target
 * groups and listeners are the ingress stack's (CDK creates them); the controller only reconciles the charts'
 * TargetGroupBindings (k8s/target-group-bindings-chart.ts): it registers the gateway's and the TURN relay's pod IPs in
 * those target groups, and opens the cluster security group to the load balancers' security groups on the pods' ports
 * (each binding's `networking.ingress`). The policy its project publishes (aws-eks-v2 ships it per version) also lets
 * it create and delete load balancers, target groups, listeners and security groups, change any security group's
 * rules, and associate or detach any web ACL and Shield protection, for Ingress and Service objects gigascale does not
 * use. So this policy keeps:
 *
 * - the published policy's read-only EC2 and ELB actions, verbatim (Describe and Get actions have no resource-level
 *   permissions, Service Authorization Reference);
 * - RegisterTargets and DeregisterTargets on target groups of this account and region that carry this environment's
 *   `project` and `env` tags (the stage tags every resource);
 * - AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress on security groups of this account and region that
 *   carry the cluster security group's tag with this cluster's name.
 *
 * The controller's Shield, WAF and WAFv2 features are turned off in its chart values (ALB_CONTROLLER_HELM_VALUES), so
 * it never calls what this policy leaves out.
 */
import { CLUSTER_SECURITY_GROUP_TAG } from '../facts/kubernetes';
import { PROJECT, TAG_KEYS } from '../facts/names/stage';

/** The published policy's read-only actions (aws-load-balancer-controller v3.2.2 docs/install/iam_policy.json). */
export const ALB_CONTROLLER_READ_ACTIONS = [
  'ec2:DescribeAccountAttributes',
  'ec2:DescribeAddresses',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeTags',
  'ec2:GetCoipPoolUsage',
  'ec2:DescribeCoipPools',
  'ec2:GetSecurityGroupsForVpc',
  'ec2:DescribeIpamPools',
  'ec2:DescribeRouteTables',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeSSLPolicies',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTrustStores',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeCapacityReservation',
] as const;

/** Chart values that turn off the features the narrowed policy does not allow (the chart's `enableShield`, `enableWaf`, `enableWafv2`). */
export const ALB_CONTROLLER_HELM_VALUES = { enableShield: false, enableWaf: false, enableWafv2: false } as const;

export interface AlbControllerScope {
  readonly env: string;
  readonly account: string;
  readonly region: string;
  readonly clusterName: string;
}

/**
 * The policy document (IAM JSON; `arn:aws:` ARNs, which aws-eks-v2 rewrites to the stack's partition) for one
 * cluster's controller.
 */
export function albControllerPolicy(scope: AlbControllerScope): { Version: string; Statement: Record<string, unknown>[] } {
  const { env, account, region, clusterName } = scope;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Read', Effect: 'Allow', Action: [...ALB_CONTROLLER_READ_ACTIONS], Resource: '*' },
      {
        Sid: 'RegisterPodsInTheEnvironmentsTargetGroups',
        Effect: 'Allow',
        Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        Resource: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/*/*`,
        Condition: { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.project}`]: PROJECT, [`aws:ResourceTag/${TAG_KEYS.env}`]: env } },
      },
      {
        Sid: 'OpenTheClusterSecurityGroupToTheLoadBalancers',
        Effect: 'Allow',
        Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        Resource: `arn:aws:ec2:${region}:${account}:security-group/*`,
        Condition: { StringEquals: { [`aws:ResourceTag/${CLUSTER_SECURITY_GROUP_TAG}`]: clusterName } },
      },
    ],
  };
}
