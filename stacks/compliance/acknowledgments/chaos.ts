import type { NagAcknowledgment } from './acknowledgment';

/** The customer-managed policy of one failure experiment's role (stacks/chaos/experiment.ts). */
const EXPERIMENT_POLICY = (experiment: string): RegExp => new RegExp(`^[a-z0-9-]+/Chaos/${experiment}/Policy/Resource$`);
const ANY_EXPERIMENT_POLICY = EXPERIMENT_POLICY('[A-Za-z]+');
const POLICY = 'AWS::IAM::ManagedPolicy';
const REGION_ACCOUNT = 'arn:[a-z-]+:[a-z0-9]+:[a-z0-9-]+:\\d{12}';

/**
 * Findings accepted on the chaos stack: the failure experiments' roles, which act on resources FIS finds at each run
 * (by tag, in an AZ) or creates for the fault, and the scheduler's role. Each role holds the actions of its own
 * experiment only (lib/facts/fis-actions.ts lists them with their source).
 */
export const CHAOS_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^\*$/,
    reason:
      'The describe and list actions FIS calls to resolve an experiment\'s targets (rds:DescribeDBClusters, ' +
      'ec2:DescribeInstances, elasticache:DescribeReplicationGroups, tag:GetResources, s3:ListAllMyBuckets, ...) and ' +
      'logs:CreateLogDelivery have no resource-level permissions (Service Authorization Reference), so IAM takes them ' +
      'on * only; none of them changes anything. The actions that inject the fault are scoped to the targets.',
    resourceType: POLICY,
    pathPattern: ANY_EXPERIMENT_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:log-group:\\*$`),
    reason:
      'FIS delivers the experiment log as a vended log: the role must read and set the account\'s CloudWatch Logs ' +
      'resource policy that lets the delivery service write to the log group (logs:PutResourcePolicy, ' +
      'logs:DescribeResourcePolicies, logs:DescribeLogGroups; Amazon CloudWatch Logs User Guide, "Enabling logging from ' +
      'AWS services"), which is one per account and region rather than per log group.',
    resourceType: POLICY,
    pathPattern: ANY_EXPERIMENT_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:cluster:gigascale-[a-z0-9]+-shard-\\*$`),
    reason:
      'The failover experiment picks 2 shards afresh at each run from all of the environment\'s (selection mode COUNT), ' +
      'so its role may fail over any shard cluster of the environment in this region, by the shards\' name pattern, and ' +
      'nothing else of RDS.',
    resourceType: POLICY,
    pathPattern: EXPERIMENT_POLICY('AuroraFailover'),
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:instance/\\*$`),
    reason:
      'The node-loss experiment terminates nodes the cluster\'s node groups and Karpenter launch with ids unknown at ' +
      'synth; the role may terminate only instances tagged as the cluster\'s (aws:ResourceTag condition on ' +
      'kubernetes.io/cluster/<cluster>), and the experiment picks at most 5 of those running in one AZ.',
    resourceType: POLICY,
    pathPattern: EXPERIMENT_POLICY('AzNodeLoss'),
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:(subnet|network-acl|route-table|vpc-endpoint)/\\*$`),
    reason:
      'The network experiments swap the network ACL or route table of subnets FIS finds by the network stack\'s tags ' +
      '(and the AZ) at each run, with ACLs and route tables FIS creates during the fault: their ids are unknown at ' +
      'synth. The role may only associate, replace and disassociate (ec2:ReplaceNetworkAclAssociation, ' +
      'ec2:AssociateRouteTable, ...); what it creates and deletes is limited to what FIS tags managedByFIS=true.',
    resourceType: POLICY,
    pathPattern: /^[a-z0-9-]+\/Chaos\/(AzNetworkCut|WriteRegionCut)\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:\\*$`),
    reason:
      'What FIS creates for a network fault (network ACLs and their entries, route tables and routes, prefix lists, ' +
      'network interfaces) is created with the tag managedByFIS=true and changed or deleted only while it carries it: ' +
      'the statements on the region\'s EC2 resources hold aws:RequestTag or aws:ResourceTag conditions on that tag, as ' +
      'the AWS managed policy AWSFaultInjectionSimulatorNetworkAccess does.',
    resourceType: POLICY,
    pathPattern: /^[a-z0-9-]+\/Chaos\/(AzNetworkCut|WriteRegionCut)\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: new RegExp(`^${REGION_ACCOUNT}:experiment/\\*$`),
    reason:
      'fis:StartExperiment authorizes on the template and on the experiment it creates, whose id FIS assigns at start ' +
      '(Service Authorization Reference, "Actions defined by AWS Fault Injection Service"); the scheduler\'s role may ' +
      'start only the region\'s experiment templates, named by ARN.',
    resourceType: POLICY,
    pathPattern: /^[a-z0-9-]+\/Chaos\/SchedulerPolicy\/Resource$/,
  },
];
