import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { encryptedLogGroup } from '../logs-key-grant';
import { customerKey } from '../customer-key';

export interface EncryptedFlowLogProps {
  /** The VPC whose traffic is logged. */
  readonly vpc: ec2.IVpc;
  /** Name of the CloudWatch Logs group. */
  readonly logGroupName: string;
  /** Days the records are kept; a CloudWatch Logs retention value. */
  readonly retentionDays: number;
}

/**
 * VPC flow logs (all traffic, accepted and rejected) into a CloudWatch Logs group encrypted with a
 * customer-managed, rotating KMS key. The log group and key are retained when the stack is deleted: flow logs
 * are audit evidence.
 */
export class EncryptedFlowLog extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptedFlowLogProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = customerKey(this, 'Key', {
      description: `Encrypts ${props.logGroupName}`,
    });
    // CloudWatch Logs encrypts with the key on the log group's behalf, for this group only.
    this.logGroup = encryptedLogGroup(this, 'LogGroup', { logGroupName: props.logGroupName, key: this.key, retentionDays: props.retentionDays });

    // The delivery role carries one customer-managed policy scoped to this log group. It is handed to FlowLog
    // without policy updates, because the L2 would otherwise add an inline policy (NIST IAMNoInlinePolicy) that
    // also grants iam:PassRole, which the delivery service does not need.
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Delivers VPC flow logs to ${props.logGroupName}`,
    });
    role.addManagedPolicy(
      new iam.ManagedPolicy(this, 'DeliveryPolicy', {
        description: `Write VPC flow logs to ${props.logGroupName}`,
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [this.logGroup.logGroupArn],
          }),
        ],
      }),
    );

    new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(props.vpc),
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup, role.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
