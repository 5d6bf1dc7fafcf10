import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionRoleProps {
  /** Construct ids of the role and of its policy, under `scope`. */
  readonly roleId: string;
  readonly policyId: string;
  readonly description: string;
  readonly policyDescription: string;
  /** What the function may do, besides writing to its own log group. */
  readonly statements: readonly iam.PolicyStatement[];
  /** The function's log group (encrypted, with retention); it may write to it and no other. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * A Lambda function's role of our own: one customer-managed policy of exactly what it does, and writing to its own
 * log group, instead of the role aws-cdk-lib would create with AWSLambdaBasicExecutionRole (any log group) and an
 * inline policy. Attach it as is, or pass `role.withoutPolicyUpdates()` where aws-cdk-lib would add grants of its own.
 */
export function functionRole(scope: Construct, props: FunctionRoleProps): { readonly role: iam.Role; readonly policy: iam.ManagedPolicy } {
  const role = new iam.Role(scope, props.roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  const policy = new iam.ManagedPolicy(scope, props.policyId, {
    description: props.policyDescription,
    roles: [role],
    statements: [
      ...props.statements,
      // The log group's ARN attribute ends in `:*`, which covers its streams (CloudWatch Logs ARN format).
      new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [props.logGroup.logGroupArn] }),
    ],
  });
  return { role, policy };
}
