import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** SNS topic name (lib/facts/names/observability.ts alarmTopicName). */
  readonly topicName: string;
  /** Customer-managed key the topic's messages are encrypted with; CloudWatch is allowed to use it. */
  readonly key: kms.Key;
}

/**
 * The SNS topic every alarm of a region notifies, encrypted with the region's observability key and accepting only
 * TLS publishers. CloudWatch alarms of this account and region may publish to it (the topic policy replaces SNS's
 * default one, so it says so) and use the key to do it (a publisher to an encrypted topic needs kms:GenerateDataKey*
 * and kms:Decrypt: SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
 * topics"). Who is told (e-mail, chat, paging) is a subscription the operators add; the topic is the stable name.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarms',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishEncrypted',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}
