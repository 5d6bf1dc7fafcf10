import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TopicPlan } from '../../lib/plan/bus-sizing';
import { busPolicyName, consumerGroupName } from '../../lib/facts/names/bus';
import { pascalCase } from '../../lib/util/strings';
import { SERVICES, type ServiceName } from '../../lib/facts/services';
import { CONSUMERS } from '../../lib/facts/consumers';
import { KEDA_BUS_POLICY } from '../../lib/facts/keda';
import { kafkaResourceArn } from './kafka-arns';

export interface BusServicePoliciesProps {
  /** Environment name; part of every policy name. */
  readonly environment: string;
  /** Region name; part of every policy name (IAM names are per account, not per region). */
  readonly region: string;
  /** Name of the region's cluster (lib/facts/names/bus.ts `busClusterName`). */
  readonly clusterName: string;
  /** ARN of the region's cluster; its UUID pins every topic and group ARN to this one cluster. */
  readonly clusterArn: string;
  /** The bus's topics with their producers and consumers, from the plan. */
  readonly topics: readonly TopicPlan[];
}

/**
 * One customer-managed IAM policy per service that touches the bus, named `busPolicyName(env, region, service)`, for
 * the compute stack to attach to the service's pod role (stacks/compute/pod-roles.ts). A service may connect, write
 * to the topics it produces, read the topics it consumes, and join its own consumer group `consumerGroupName(service)`
 * and no other. Every ARN names this cluster exactly (its UUID is read from the cluster's ARN): no wildcard is left.
 */
export class BusServicePolicies extends Construct {
  /** The policy of each service that produces or consumes a topic, in SERVICES order. */
  readonly policies: ReadonlyMap<ServiceName, iam.ManagedPolicy>;
  /** KEDA's: read the event consumers' lag (the compute stack attaches it to KEDA's role by name). */
  readonly lagReader: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: BusServicePoliciesProps) {
    super(scope, id);
    const { clusterName, clusterArn, topics } = props;
    const arn = (resource: 'topic' | 'group', name: string): string => kafkaResourceArn(this, clusterName, clusterArn, resource, name);
    const policies = new Map<ServiceName, iam.ManagedPolicy>();

    for (const service of SERVICES) {
      const produces = topics.filter((t) => t.producers.includes(service)).map((t) => t.name);
      const consumes = topics.filter((t) => t.consumers.includes(service)).map((t) => t.name);
      if (produces.length === 0 && consumes.length === 0) continue;

      const statements = [
        new iam.PolicyStatement({
          sid: 'Connect',
          // Idempotent writes (the producers' default since Kafka 3.0) are authorized at the cluster.
          actions: ['kafka-cluster:Connect', ...(produces.length > 0 ? ['kafka-cluster:WriteDataIdempotently'] : [])],
          resources: [clusterArn],
        }),
      ];
      if (produces.length > 0) {
        statements.push(
          new iam.PolicyStatement({
            sid: 'Produce',
            actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
            resources: produces.map((t) => arn('topic', t)),
          }),
        );
      }
      if (consumes.length > 0) {
        statements.push(
          new iam.PolicyStatement({
            sid: 'Consume',
            actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
            resources: consumes.map((t) => arn('topic', t)),
          }),
          new iam.PolicyStatement({
            sid: 'OwnConsumerGroup',
            actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
            resources: [arn('group', consumerGroupName(service))],
          }),
        );
      }

      policies.set(
        service,
        new iam.ManagedPolicy(this, pascalCase(service), {
          managedPolicyName: busPolicyName(props.environment, props.region, service),
          description: `${service} on ${clusterName} in ${props.region}: produce ${produces.join(', ') || 'nothing'}; consume ${consumes.join(', ') || 'nothing'}`,
          statements,
        }),
      );
    }
    this.policies = policies;

    // KEDA reads the event consumers' lag: their groups' committed offsets (OffsetFetch: DescribeGroup) and their
    // topics' latest offsets (ListOffsets: DescribeTopic). No data, no writes.
    const consumed = topics.filter((t) => CONSUMERS.some((c) => t.consumers.includes(c))).map((t) => t.name);
    this.lagReader = new iam.ManagedPolicy(this, 'LagReader', {
      managedPolicyName: busPolicyName(props.environment, props.region, KEDA_BUS_POLICY),
      description: `KEDA on ${clusterName} in ${props.region}: read the lag of the ${CONSUMERS.join(', ')} consumer groups`,
      statements: [
        new iam.PolicyStatement({ sid: 'Connect', actions: ['kafka-cluster:Connect'], resources: [clusterArn] }),
        new iam.PolicyStatement({ sid: 'TopicOffsets', actions: ['kafka-cluster:DescribeTopic'], resources: consumed.map((t) => arn('topic', t)) }),
        new iam.PolicyStatement({ sid: 'GroupOffsets', actions: ['kafka-cluster:DescribeGroup'], resources: CONSUMERS.map((c) => arn('group', consumerGroupName(c))) }),
      ],
    });
  }
}

