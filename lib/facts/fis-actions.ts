/**
 * The AWS Fault Injection Service actions gigascale's experiments use, as AWS documents them: what each targets, the
 * parameters it takes, how many resources one of its targets may resolve to, and the IAM actions its experiment role
 * needs. The experiment construct (stacks/chaos/experiment.ts) refuses an action, a target type, a parameter or a
 * blast radius this list does not allow, so a typo fails at synth instead of at `CreateExperimentTemplate`.
 *
 * Sources:
 * - actions, resource types, parameters and permissions: AWS FIS User Guide, "AWS FIS Actions reference"
 *   (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html) and "Targets for AWS FIS"
 *   (https://docs.aws.amazon.com/fis/latest/userguide/targets.html);
 * - the permissions' resource scoping and tag conditions: the AWS managed policies AWSFaultInjectionSimulatorRDSAccess,
 *   AWSFaultInjectionSimulatorEC2Access and AWSFaultInjectionSimulatorNetworkAccess (AWS Managed Policy Reference), and
 *   the User Guide's "AWS FIS policy examples" for S3;
 * - the most targets per action: Service Quotas, AWS Fault Injection Service, "Target <type> for <action>";
 * - stop conditions per template (5): Service Quotas, AWS Fault Injection Service, "Stop conditions per experiment
 *   template".
 *
 * The ElastiCache action was renamed when FIS added Valkey: the current id is
 * `aws:elasticache:replicationgroup-interrupt-az-power` on `aws:elasticache:replicationgroup`; the earlier
 * `aws:elasticache:interrupt-cluster-az-power` targeted `aws:elasticache:redis-replicationgroup` (Redis OSS only) and
 * is no longer in the reference.
 */

/** FIS refuses a template with more stop conditions than this. */
export const MAX_STOP_CONDITIONS = 5;

/** The longest an action (and so an experiment) may run: 12 hours. */
export const MAX_ACTION_MINUTES = 12 * 60;

/** A `duration` parameter: ISO 8601, whole minutes (`PT5M`), 1 minute to 12 hours. */
export const FIS_DURATION = /^PT([1-9]\d*)M$/;

export interface FisAction {
  /** The target's resource type. Null for an action without a target (`aws:fis:wait`). */
  readonly resourceType: string | null;
  /** The key of the action's `targets` map (`Clusters`, `Subnets`). */
  readonly targetKey: string | null;
  /** Parameters the action takes; every one gigascale sets must be here. */
  readonly parameters: readonly string[];
  /** Parameters FIS requires. */
  readonly required: readonly string[];
  /** Parameters the target may carry for this resource type (`availabilityZoneIdentifier`). */
  readonly targetParameters: readonly string[];
  /** Target parameters FIS requires (a pod target is found by them alone). */
  readonly requiredTargetParameters: readonly string[];
  /**
   * How FIS finds the targets: by ARN or by tags (and filters), by tags only, or by the target parameters alone (EKS
   * pods: "You can't use resource ARNs or resource tags to identify aws:eks:pod targets").
   */
  readonly findBy: 'arn-or-tags' | 'tags' | 'parameters';
  /**
   * Whether the experiment's role acts inside the cluster: it needs an EKS access entry mapping it to a Kubernetes user
   * the namespace's RoleBinding names (AWS FIS User Guide, "Use the AWS FIS aws:eks:pod actions").
   */
  readonly kubernetesUser?: true;
  /** The most resources one target of the action may resolve to (Service Quotas); null: no quota. */
  readonly maxTargets: number | null;
  /** IAM actions on the targeted resources themselves: the role allows them on those resources only. */
  readonly onTargets: readonly string[];
  /**
   * IAM actions on the targeted resources allowed only under a condition, so the role cannot use them for anything
   * but the fault (S3: a replication configuration may be written only as a pause request).
   */
  readonly onTargetsIf?: { readonly actions: readonly string[]; readonly condition: Readonly<Record<string, Readonly<Record<string, string>>>> };
  /**
   * IAM actions on what FIS makes for the fault (network ACLs, route tables) and tags `managedByFIS=true`: `create`
   * makes it, with the tag in the request; `change` acts on what already carries the tag (an entry in FIS's ACL, a
   * route in its route table, their deletion).
   */
  readonly onManaged: { readonly create: readonly string[]; readonly change: readonly string[] };
  /** IAM actions that take no resource (descriptions, tag lookups): allowed on `*`, as IAM requires. */
  readonly unscoped: readonly string[];
}

/** The tag FIS puts on what it creates during a network fault, and the managed policies' condition on it. */
export const FIS_MANAGED_TAG = { key: 'managedByFIS', value: 'true' } as const;

const NONE = { create: [], change: [] } as const;

export const FIS_ACTIONS = {
  'aws:fis:wait': {
    resourceType: null,
    targetKey: null,
    parameters: ['duration'],
    required: ['duration'],
    targetParameters: [],
    requiredTargetParameters: [],
    findBy: 'tags',
    maxTargets: null,
    onTargets: [],
    onManaged: NONE,
    unscoped: [],
  },
  'aws:rds:failover-db-cluster': {
    resourceType: 'aws:rds:cluster',
    targetKey: 'Clusters',
    parameters: [],
    required: [],
    targetParameters: ['writerAvailabilityZoneIdentifiers'],
    requiredTargetParameters: [],
    findBy: 'arn-or-tags',
    maxTargets: 5,
    onTargets: ['rds:FailoverDBCluster'],
    onManaged: NONE,
    unscoped: ['rds:DescribeDBClusters', 'tag:GetResources'],
  },
  'aws:rds:reboot-db-instances': {
    resourceType: 'aws:rds:db',
    targetKey: 'DBInstances',
    parameters: ['forceFailover'],
    required: [],
    targetParameters: ['availabilityZoneIdentifiers'],
    requiredTargetParameters: [],
    findBy: 'arn-or-tags',
    maxTargets: 5,
    onTargets: ['rds:RebootDBInstance'],
    onManaged: NONE,
    unscoped: ['rds:DescribeDBInstances', 'tag:GetResources'],
  },
  'aws:elasticache:replicationgroup-interrupt-az-power': {
    resourceType: 'aws:elasticache:replicationgroup',
    targetKey: 'ReplicationGroups',
    parameters: ['duration'],
    required: ['duration'],
    targetParameters: ['availabilityZoneIdentifier'],
    requiredTargetParameters: [],
    findBy: 'tags',
    maxTargets: 5,
    onTargets: ['elasticache:InterruptClusterAzPower'],
    onManaged: NONE,
    unscoped: ['elasticache:DescribeReplicationGroups', 'tag:GetResources'],
  },
  'aws:ec2:terminate-instances': {
    resourceType: 'aws:ec2:instance',
    targetKey: 'Instances',
    parameters: [],
    required: [],
    targetParameters: [],
    requiredTargetParameters: [],
    findBy: 'arn-or-tags',
    maxTargets: 5,
    onTargets: ['ec2:TerminateInstances'],
    onManaged: NONE,
    unscoped: ['ec2:DescribeInstances'],
  },
  'aws:network:disrupt-connectivity': {
    resourceType: 'aws:ec2:subnet',
    targetKey: 'Subnets',
    parameters: ['duration', 'scope', 'prefixListIdentifier'],
    required: ['duration'],
    targetParameters: ['availabilityZoneIdentifier', 'vpc'],
    requiredTargetParameters: [],
    findBy: 'arn-or-tags',
    maxTargets: 5,
    // Replacing a subnet's network ACL association acts on the subnet and the ACLs (the old and FIS's).
    onTargets: ['ec2:ReplaceNetworkAclAssociation'],
    onManaged: { create: ['ec2:CreateNetworkAcl', 'ec2:CreateTags'], change: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'] },
    unscoped: ['ec2:DescribeManagedPrefixLists', 'ec2:DescribeNetworkAcls', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:GetManagedPrefixListEntries'],
  },
  'aws:network:route-table-disrupt-cross-region-connectivity': {
    resourceType: 'aws:ec2:subnet',
    targetKey: 'Subnets',
    parameters: ['duration', 'region'],
    required: ['duration', 'region'],
    targetParameters: [],
    requiredTargetParameters: [],
    findBy: 'arn-or-tags',
    maxTargets: 6,
    onTargets: ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:ReplaceRouteTableAssociation', 'ec2:ModifyVpcEndpoint'],
    onManaged: {
      create: ['ec2:CreateManagedPrefixList', 'ec2:CreateNetworkInterface', 'ec2:CreateRouteTable', 'ec2:CreateTags'],
      change: ['ec2:CreateRoute', 'ec2:DeleteManagedPrefixList', 'ec2:DeleteNetworkInterface', 'ec2:DeleteRouteTable', 'ec2:ModifyManagedPrefixList'],
    },
    unscoped: [
      'ec2:DescribeManagedPrefixLists',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcPeeringConnections',
      'ec2:DescribeVpcs',
      'ec2:GetManagedPrefixListEntries',
    ],
  },
  'aws:eks:pod-delete': {
    resourceType: 'aws:eks:pod',
    targetKey: 'Pods',
    parameters: ['kubernetesServiceAccount', 'gracePeriodSeconds', 'maxErrorsPercent', 'fisPodContainerImage', 'fisPodLabels', 'fisPodAnnotations', 'fisPodSecurityPolicy'],
    required: ['kubernetesServiceAccount'],
    targetParameters: ['clusterIdentifier', 'namespace', 'selectorType', 'selectorValue', 'availabilityZoneIdentifier', 'targetContainerName'],
    requiredTargetParameters: ['clusterIdentifier', 'namespace', 'selectorType', 'selectorValue'],
    findBy: 'parameters',
    kubernetesUser: true,
    maxTargets: 50,
    onTargets: ['eks:DescribeCluster'],
    onManaged: NONE,
    unscoped: ['ec2:DescribeSubnets', 'tag:GetResources'],
  },
  'aws:s3:bucket-pause-replication': {
    resourceType: 'aws:s3:bucket',
    targetKey: 'Buckets',
    parameters: ['duration', 'region', 'destinationBuckets', 'prefixes'],
    required: ['duration', 'region'],
    targetParameters: [],
    requiredTargetParameters: [],
    findBy: 'tags',
    maxTargets: 20,
    onTargets: ['s3:PauseReplication'],
    onTargetsIf: {
      actions: ['s3:GetReplicationConfiguration', 's3:PutReplicationConfiguration'],
      condition: { BoolIfExists: { 's3:IsReplicationPauseRequest': 'true' } },
    },
    onManaged: NONE,
    unscoped: ['s3:ListAllMyBuckets', 'tag:GetResources'],
  },
} as const satisfies Record<string, FisAction>;

export type FisActionId = keyof typeof FIS_ACTIONS;

export function isFisActionId(id: string): id is FisActionId {
  return Object.hasOwn(FIS_ACTIONS, id);
}
