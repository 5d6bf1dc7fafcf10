import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { MIN_INSYNC_REPLICAS, REPLICATION_FACTOR } from '../../lib/facts/broker-types';
import { GigascaleError, type Issue } from '../../lib/util/errors';

const MS_PER_HOUR = 3_600_000;

export interface BusTopicProps {
  /** ARN of the cluster the topic lives in. */
  readonly clusterArn: string;
  /** Topic name, from the plan (names are API: producers, consumers and replicators use them). */
  readonly topicName: string;
  /** Partitions, from the plan. Kafka can only add partitions, never remove them. */
  readonly partitions: number;
  /** How long the brokers keep the topic's records, hours, from the plan. */
  readonly retentionHours: number;
  /**
   * Express brokers: min.insync.replicas is fixed at 2 by MSK and is left out of the topic's configuration.
   * @default false
   */
  readonly express?: boolean;
}

/**
 * One Kafka topic, declared in CloudFormation (AWS::MSK::Topic) so no client ever creates one by accident
 * (`auto.create.topics.enable=false`). Replication factor 3 and, on Standard brokers, min.insync.replicas 2: with
 * `acks=all` a write survives the loss of any one broker.
 */
export class BusTopic extends Construct {
  readonly topic: msk.CfnTopic;

  constructor(scope: Construct, id: string, props: BusTopicProps) {
    super(scope, id);
    validate(this, props);
    this.topic = new msk.CfnTopic(this, 'Resource', {
      clusterArn: props.clusterArn,
      topicName: props.topicName,
      partitionCount: props.partitions,
      replicationFactor: REPLICATION_FACTOR,
      // `Configs` is the topic's properties file, Base64-encoded: `key=value` lines joined by `\n` (MSK Developer
      // Guide, "Describe a topic using the AWS CLI": `configs` decodes to `compression.type=producer\nretention.ms=...`).
      // Fn::Base64 keeps the plain text in the template for the reviewer.
      configs: Fn.base64(topicProperties(props)),
    });
    // Deleting a topic deletes its records.
    this.topic.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}

/** The topic's properties, one `key=value` per line. */
export function topicProperties(props: Pick<BusTopicProps, 'retentionHours' | 'express'>): string {
  const lines = [`retention.ms=${props.retentionHours * MS_PER_HOUR}`];
  if (!props.express) lines.push(`min.insync.replicas=${MIN_INSYNC_REPLICAS}`);
  return lines.join('\n');
}

function validate(scope: Construct, props: BusTopicProps): void {
  const issues: Issue[] = [];
  const at = scope.node.path;
  if (!Number.isInteger(props.partitions) || props.partitions < 1) {
    issues.push({ at, message: `partitions must be a positive integer, got ${props.partitions}` });
  }
  if (!(props.retentionHours > 0)) {
    issues.push({ at, message: `retentionHours must be positive, got ${props.retentionHours}` });
  }
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(props.topicName)) {
    issues.push({ at, message: `topicName must be 1..249 letters, digits, '.', '_' or '-' (Kafka topic names), got ${JSON.stringify(props.topicName)}` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid bus topic', issues);
}
