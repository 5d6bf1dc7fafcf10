import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import { environmentKafkaPattern } from './kafka-arns';

/** A cluster as MSK Replicator reaches it: its ARN and where the replicator's network interfaces go. */
export interface ReplicatorEndpoint {
  /** ARN of the MSK cluster. */
  readonly clusterArn: string;
  /** 2..3 subnets of the cluster's VPC for the replicator's network interfaces (one per AZ). */
  readonly subnetIds: string[];
  /** Security groups of those interfaces; the cluster's own group admits 9098 from itself. */
  readonly securityGroupIds: string[];
}

export interface BusReplicatorProps {
  /** Replicator name (lib/facts/names/bus.ts `replicatorName(env, source, target)`), unique in the target region. */
  readonly replicatorName: string;
  /** The cluster records are copied from (another region's bus cluster, read from its stack's outputs). */
  readonly source: ReplicatorEndpoint;
  /** The cluster records are copied into (this region's bus cluster). */
  readonly target: ReplicatorEndpoint;
  /** Names of the topics to copy; each becomes an exact regular expression (`^chat-messages$`). */
  readonly topics: readonly string[];
}

/**
 * Codec the replicator writes to the target with. LZ4 costs little CPU and shrinks what the target brokers take in
 * and store; NONE would write uncompressed whatever the producers compressed (the sizing counts uncompressed bytes,
 * so compression only adds headroom).
 */
export const TARGET_COMPRESSION = 'LZ4';

/**
 * One MSK Replicator copying the replicated topics of one other region's cluster into this region's, under their own
 * names (IDENTICAL: MSK marks replicated records with headers, so A -> B -> A never loops). Each region's consumers
 * read their own cluster, so no consumer group is replicated: with identical topic and group names, a synchronised
 * offset would overwrite the target region's own consumers' position. The replicator has a service execution role of
 * its own: replicators sharing a role share its Kafka quotas (MSK Developer Guide, "Service execution role").
 */
export class BusReplicator extends Construct {
  readonly replicator: msk.CfnReplicator;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BusReplicatorProps) {
    super(scope, id);
    validate(this, props);
    const { source, target } = props;
    const account = Stack.of(this).account;

    this.role = new iam.Role(this, 'Role', {
      // MSK Developer Guide, "Service execution role (SER)": trusted by kafka.amazonaws.com for this account only.
      assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
      description: `Service execution role of MSK Replicator ${props.replicatorName}`,
    });
    // The actions of AWSMSKReplicatorExecutionRole (the policy MSK documents for a replicator's role), on this
    // environment's clusters only instead of `cluster/*`, `topic/*/*` and `group/*/*` in every account.
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `${props.replicatorName}: read the source cluster, write the target cluster`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ClusterPermissions',
          actions: [
            'kafka-cluster:Connect',
            'kafka-cluster:DescribeCluster',
            'kafka-cluster:AlterCluster',
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:CreateTopic',
            'kafka-cluster:AlterTopic',
            'kafka-cluster:WriteData',
            'kafka-cluster:ReadData',
            'kafka-cluster:AlterGroup',
            'kafka-cluster:DescribeGroup',
            'kafka-cluster:DescribeTopicDynamicConfiguration',
            'kafka-cluster:AlterTopicDynamicConfiguration',
            'kafka-cluster:WriteDataIdempotently',
          ],
          // The two clusters exactly.
          resources: [source.clusterArn, target.clusterArn],
        }),
        // Topics and groups: besides the replicated topics, the replicator keeps internal topics and groups whose
        // names MSK does not document, so names (and the clusters' UUIDs) stay wildcards within the clusters named
        // like this environment's (see environmentKafkaPattern).
        new iam.PolicyStatement({
          sid: 'TopicPermissions',
          actions: [
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:CreateTopic',
            'kafka-cluster:AlterTopic',
            'kafka-cluster:WriteData',
            'kafka-cluster:ReadData',
            'kafka-cluster:DescribeTopicDynamicConfiguration',
            'kafka-cluster:AlterTopicDynamicConfiguration',
            'kafka-cluster:AlterCluster',
          ],
          resources: [environmentKafkaPattern(target.clusterArn, 'topic')],
        }),
        new iam.PolicyStatement({
          sid: 'GroupPermissions',
          actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
          resources: [environmentKafkaPattern(target.clusterArn, 'group')],
        }),
      ],
    });

    const cluster = (c: ReplicatorEndpoint): msk.CfnReplicator.KafkaClusterProperty => ({
      amazonMskCluster: { mskClusterArn: c.clusterArn },
      vpcConfig: { subnetIds: c.subnetIds, securityGroupIds: c.securityGroupIds },
    });
    this.replicator = new msk.CfnReplicator(this, 'Resource', {
      replicatorName: props.replicatorName,
      description: `Copies ${props.topics.join(', ')} into this region under the same names`,
      serviceExecutionRoleArn: this.role.roleArn,
      kafkaClusters: [cluster(source), cluster(target)],
      replicationInfoList: [
        {
          sourceKafkaClusterArn: source.clusterArn,
          targetKafkaClusterArn: target.clusterArn,
          targetCompressionType: TARGET_COMPRESSION,
          topicReplication: {
            topicsToReplicate: props.topics.map(exactPattern),
            topicNameConfiguration: { type: 'IDENTICAL' },
            // Every region declares the same topics (AWS::MSK::Topic); the replicator copies their configuration and
            // never creates a topic the plan does not list.
            copyTopicConfigurations: true,
            detectAndCopyNewTopics: false,
            // IAM access control: the clusters have no Kafka ACLs to copy.
            copyAccessControlListsForTopics: false,
            startingPosition: { type: 'LATEST' },
          },
          // Required by the resource; an empty list replicates no group (AWS::MSK::Replicator ConsumerGroupReplication:
          // ConsumerGroupsToReplicate, minimum 0 items).
          consumerGroupReplication: {
            consumerGroupsToReplicate: [],
            detectAndCopyNewConsumerGroups: false,
            synchroniseConsumerGroupOffsets: false,
          },
        },
      ],
    });
    // CreateReplicator checks the role's permissions: the policy is attached by its own resource.
    this.replicator.node.addDependency(policy);
  }
}

/** `chat-messages` -> `^chat-messages$`: a topic name as a regular expression matching it and nothing else. */
export function exactPattern(topic: string): string {
  return `^${topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

function validate(scope: Construct, props: BusReplicatorProps): void {
  const issues: Issue[] = [];
  const at = scope.node.path;
  if (props.topics.length === 0) issues.push({ at, message: 'topics must name at least one topic to replicate, got none' });
  if (!/^[a-zA-Z0-9-]{1,128}$/.test(props.replicatorName)) {
    issues.push({ at, message: `replicatorName must be 1..128 letters, digits and '-' (MSK Replicator names), got ${JSON.stringify(props.replicatorName)}` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid bus replicator', issues);
}
