import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * Lets CloudWatch Logs of the key's region encrypt with a customer-managed key on behalf of the named log groups
 * only: the condition pins the use to their ARNs. `logGroupName` may end in `*` to cover a family of groups
 * (ArnLike); otherwise it names one group exactly (ArnEquals).
 */
export function allowLogsToUseKey(key: kms.Key, logGroupName: string): void {
  const stack = Stack.of(key);
  const arn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { [logGroupName.endsWith('*') ? 'ArnLike' : 'ArnEquals']: { 'kms:EncryptionContext:aws:logs:arn': arn } },
    }),
  );
}

export interface EncryptedLogGroupProps {
  /** Name of the group (often fixed by the service that writes to it). */
  readonly logGroupName: string;
  /** Customer-managed key the group is encrypted with; CloudWatch Logs may use it for this group only. */
  readonly key: kms.Key;
  /** Days events are kept (a CloudWatch Logs retention value, validated by the config schema). */
  readonly retentionDays: number;
}

/** A log group encrypted with a customer-managed key, with its retention, kept when its stack is deleted. */
export function encryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): logs.LogGroup {
  allowLogsToUseKey(props.key, props.logGroupName);
  return new logs.LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    encryptionKey: props.key,
    retention: props.retentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
