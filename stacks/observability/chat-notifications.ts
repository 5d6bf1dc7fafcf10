import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SlackChannel } from '../../lib/plan';

/**
 * What Chatbot reads to show an alarm with its graph: the reading actions of CloudWatch's, named one by one where the
 * "Notification permissions" template of the AWS Chatbot Administrator Guide grants `cloudwatch:Describe*`, `Get*`
 * and `List*`. None of them takes a resource narrower than `*` but DescribeAlarms, which reads alarms only.
 */
export const CHATBOT_READ_ACTIONS = [
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:GetMetricWidgetImage',
  'cloudwatch:ListMetrics',
];

export interface ChatNotificationsProps {
  /** The region's alarm topic. */
  readonly topic: sns.ITopic;
  /** The channels (the plan's observability.notifications.slackChannels), at least one. */
  readonly channels: readonly SlackChannel[];
  /** Configuration name of a channel (lib/facts/names/observability.ts chatbotConfigurationName). */
  readonly configurationName: (channel: SlackChannel) => string;
}

/**
 * The region's alarms in Slack: one AWS Chatbot configuration per channel, subscribed to the region's alarm topic.
 *
 * Chatbot acts with the configuration's role, and members of the channel with no more than its guardrail policy,
 * which Chatbot would otherwise leave at AdministratorAccess (AWS CloudFormation User Guide,
 * AWS::Chatbot::SlackChannelConfiguration, GuardrailPolicies). Both are one customer-managed policy of what
 * Chatbot reads for the alarm's graph in a message (CHATBOT_READ_ACTIONS), nothing else.
 * So the channel receives alarms and can run nothing. The workspace is authorized once per account in the Chatbot
 * console, which the configuration cannot do (docs/observability.md).
 */
export class ChatNotifications extends Construct {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  readonly configurations: readonly chatbot.CfnSlackChannelConfiguration[];

  constructor(scope: Construct, id: string, props: ChatNotificationsProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'AWS Chatbot alarm notifications: read CloudWatch for the alarm graphs, nothing else',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadCloudWatchForAlarmGraphs',
          actions: CHATBOT_READ_ACTIONS,
          resources: ['*'],
        }),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'AWS Chatbot posting alarm notifications: reads CloudWatch for the alarm graphs',
      managedPolicies: [this.policy],
    });
    this.configurations = props.channels.map(
      (channel) =>
        new chatbot.CfnSlackChannelConfiguration(this, `${channel.workspaceId}${channel.channelId}`, {
          configurationName: props.configurationName(channel),
          slackWorkspaceId: channel.workspaceId,
          slackChannelId: channel.channelId,
          iamRoleArn: this.role.roleArn,
          snsTopicArns: [props.topic.topicArn],
          guardrailPolicies: [this.policy.managedPolicyArn],
          userRoleRequired: false,
          loggingLevel: 'ERROR',
        }),
    );
  }
}
