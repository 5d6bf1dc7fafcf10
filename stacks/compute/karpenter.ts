import { Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  KARPENTER_CHART_REPOSITORY,
  KARPENTER_NAMESPACE,
  KARPENTER_SERVICE_ACCOUNT,
  KARPENTER_VERSION,
} from '../../lib/facts/karpenter';
import { karpenterNodeRoleName, podRoleName } from '../../lib/facts/names/compute';
import { PodRole } from './pod-role';

export interface KarpenterProps {
  readonly cluster: eks.Cluster;
  /** The cluster's name as a literal (lib/facts/names/compute.ts clusterName): condition keys cannot hold tokens. */
  readonly clusterName: string;
  readonly environment: string;
  readonly region: string;
  /** Encrypts the interruption queue (the cluster key). */
  readonly key: kms.IKey;
}

/**
 * The events Karpenter drains a node ahead of, each an EventBridge rule into its interruption queue (Karpenter
 * reference CloudFormation template of the v1 getting-started guide): a spot reclaim (2 minutes' warning), a
 * rebalance recommendation, an AWS Health scheduled change (retirement, maintenance) and an instance stopping or
 * terminating outside Karpenter.
 */
export const INTERRUPTION_EVENTS: readonly { readonly id: string; readonly source: string; readonly detailType: string }[] = [
  { id: 'SpotInterruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'Rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'ScheduledChange', source: 'aws.health', detailType: 'AWS Health Event' },
  { id: 'InstanceStateChange', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
];

/**
 * Karpenter in one region's cluster: the node role and its instance profile (the EC2NodeClass names the profile, so
 * the controller creates no IAM of its own), the role's EC2_LINUX access entry, the interruption queue and its
 * rules, the controller's Pod Identity role, and the Helm release. The NodePools and EC2NodeClass are manifests
 * (k8s/node-pools-chart.ts), applied after the release has installed their CRDs.
 *
 * The controller's policy is the one Karpenter's reference template grants, narrowed: EC2 writes only on resources
 * tagged for this cluster and a node pool, in this region; reads in this region only; iam:PassRole of the node role
 * to EC2 only; the instance-profile writes left out (the profile is ours).
 */
export class Karpenter extends Construct {
  readonly nodeRole: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
  readonly accessEntry: eks.AccessEntry;
  readonly queue: sqs.Queue;
  readonly rules: readonly events.Rule[];
  readonly controller: PodRole;
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const { cluster, clusterName, region } = props;
    const name = karpenterNodeRoleName(props.environment, region);

    // What the managed nodes' role holds (stacks/compute/zonal-node-groups.ts): the kubelet's and image pulls'.
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      roleName: name,
      description: `Nodes Karpenter launches in ${clusterName}: join the cluster, pull images`,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryReadOnly'),
      ],
    });
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { instanceProfileName: name, role: this.nodeRole });
    // Managed node groups get their access entry from EKS; Karpenter's nodes need one of type EC2_LINUX.
    this.accessEntry = new eks.AccessEntry(this, 'NodeAccess', {
      cluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
      accessPolicies: [],
    });

    // Messages are worth minutes: Karpenter acts on a warning at once, or it is too late to matter.
    this.queue = new sqs.Queue(this, 'InterruptionQueue', {
      queueName: clusterName,
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
    });
    // EventBridge encrypts what it delivers with the queue's key: the SqsQueue targets below add the key policy
    // statement for events.amazonaws.com, limited to this account (aws:SourceAccount), and the queue policy.
    this.rules = INTERRUPTION_EVENTS.map(
      (e) =>
        new events.Rule(this, `${e.id}Rule`, {
          description: `${e.detailType} -> Karpenter's interruption queue of ${clusterName}`,
          eventPattern: { source: [e.source], detailType: [e.detailType] },
          targets: [new targets.SqsQueue(this.queue)],
        }),
    );

    this.controller = new PodRole(this, 'Controller', {
      clusterName: cluster.clusterName,
      roleName: podRoleName(props.environment, region, 'karpenter'),
      description: `Karpenter controller of ${clusterName}: launch and terminate its nodes, read its interruption queue`,
      namespace: KARPENTER_NAMESPACE,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      statements: controllerStatements(this, clusterName, this.nodeRole, this.instanceProfile, this.queue, cluster, props.key),
    });

    this.chart = cluster.addHelmChart('Karpenter', {
      chart: 'karpenter',
      repository: KARPENTER_CHART_REPOSITORY,
      version: KARPENTER_VERSION,
      release: 'karpenter',
      namespace: KARPENTER_NAMESPACE,
      createNamespace: false,
      wait: true,
      values: {
        settings: { clusterName, interruptionQueue: clusterName },
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        // Pods cannot reach the instance metadata service (hop limit 1), where the SDK would find the region.
        controller: {
          env: [{ name: 'AWS_REGION', value: region }],
          resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        },
        // The chart's default affinity keeps both replicas off the nodes Karpenter itself manages.
        replicas: 2,
      },
    });
    // Credentials come from the association through the agent; the release must not start before either exists.
    this.chart.node.addDependency(this.controller.association);
  }
}

function controllerStatements(
  scope: Construct,
  clusterName: string,
  nodeRole: iam.IRole,
  instanceProfile: iam.InstanceProfile,
  queue: sqs.IQueue,
  cluster: eks.Cluster,
  key: kms.IKey,
): iam.PolicyStatement[] {
  // Literal partition, region and account (the stacks have an environment): the policy names this region of this account.
  const { partition, region, account } = Stack.of(scope);
  const ec2 = (resource: string, owner = account) => `arn:${partition}:ec2:${region}:${owner}:${resource}`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: 'owned' };
  const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName };
  const taggedResources = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map((r) => ec2(r));
  return [
    new iam.PolicyStatement({
      sid: 'LaunchFromImagesSubnetsAndSecurityGroups',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      // AMIs and their snapshots belong to Amazon (no account in their ARNs); no capacity reservation is used.
      resources: [ec2('image/*', ''), ec2('snapshot/*', ''), ec2('security-group/*'), ec2('subnet/*')],
    }),
    new iam.PolicyStatement({
      sid: 'LaunchFromOwnLaunchTemplates',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template/*')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'CreateOnlyTaggedForThisCluster',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: taggedResources,
      conditions: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'TagOnCreation',
      actions: ['ec2:CreateTags'],
      resources: taggedResources,
      conditions: {
        StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'TagOwnInstances',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance/*')],
      conditions: {
        StringEquals: owned,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'DeleteOwnInstancesAndLaunchTemplates',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'PassNodeRoleToEc2',
      actions: ['iam:PassRole'],
      resources: [nodeRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    new iam.PolicyStatement({ sid: 'ReadNodeInstanceProfile', actions: ['iam:GetInstanceProfile'], resources: [instanceProfile.instanceProfileArn] }),
    new iam.PolicyStatement({ sid: 'DiscoverApiEndpoint', actions: ['eks:DescribeCluster'], resources: [cluster.clusterArn] }),
    new iam.PolicyStatement({ sid: 'ReadInterruptions', actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], resources: [queue.queueArn] }),
    new iam.PolicyStatement({
      sid: 'DescribeInThisRegion',
      actions: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': region } },
    }),
    new iam.PolicyStatement({ sid: 'ResolveAmiAliases', actions: ['ssm:GetParameter'], resources: [`arn:${partition}:ssm:${region}::parameter/aws/service/*`] }),
    new iam.PolicyStatement({ sid: 'DecryptInterruptions', actions: ['kms:Decrypt'], resources: [key.keyArn] }),
    new iam.PolicyStatement({ sid: 'ReadPrices', actions: ['pricing:GetProducts'], resources: ['*'] }),
  ];
}
