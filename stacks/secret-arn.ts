import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * ARN of a secret by name in the scope's region and account, with the `-` and six random characters Secrets Manager
 * appends to the name (AWS Secrets Manager User Guide, "Permissions policy examples": `-??????`): a secret created
 * elsewhere, or a replica, can be granted before its full ARN is known.
 */
export function secretArnByName(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
