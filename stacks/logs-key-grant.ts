import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

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
