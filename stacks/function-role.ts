import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
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

export interface InlineFunctionProps extends Omit<FunctionRoleProps, 'roleId' | 'policyId'> {
  /** A fixed name. @default - one CloudFormation generates */
  readonly functionName?: string;
  /** The function's description. */
  readonly functionDescription: string;
  /** Its source: plain CommonJS for the Node.js runtime, using the AWS SDK v3 the runtime ships (lib/views/*-script.ts). */
  readonly code: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A small Node.js function of generated source, under `scope` as `Role`, `Policy` and `Function`: Node.js 24 on
 * arm64, 30 s, 128 MB, one run at a time (each of ours does one job on one resource, and a second run would only
 * race the first), with the role of functionRole as the whole of its access, and created after its policy so that its
 * first run has it.
 */
export function inlineFunction(scope: Construct, props: InlineFunctionProps): { readonly function: lambda.Function; readonly policy: iam.ManagedPolicy } {
  const { role, policy } = functionRole(scope, { ...props, roleId: 'Role', policyId: 'Policy' });
  const fn = new lambda.Function(scope, 'Function', {
    functionName: props.functionName,
    description: props.functionDescription,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline(props.code),
    environment: props.environment === undefined ? undefined : { ...props.environment },
    // The policy is the whole of its access: any grant aws-cdk-lib would add to the role is dropped.
    role: role.withoutPolicyUpdates(),
    logGroup: props.logGroup,
    timeout: Duration.seconds(30),
    memorySize: 128,
    reservedConcurrentExecutions: 1,
  });
  fn.node.addDependency(policy);
  return { function: fn, policy };
}
