import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { inlineFunction } from './function-role';
import { secretRotationScript } from '../lib/views/secret-rotation-script';

export interface SecretRotationProps {
  /** The secret of three slots (lib/facts/secret-slots.ts) to rotate. */
  readonly secret: secretsmanager.ISecret;
  /** The customer-managed key the secret is encrypted with. @default - the AWS-managed aws/secretsmanager key, which needs no grant */
  readonly key?: kms.IKey;
  /** Log group of the function (encrypted, with retention); it may write to it and no other. */
  readonly logGroup: logs.ILogGroup;
  /** Days between rotations. */
  readonly rotationDays: number;
  /** A fixed name for the function. @default - one CloudFormation generates */
  readonly functionName?: string;
  /** What is rotated, in the descriptions of the role, its policy and the function: `the TURN relay's shared secret`. */
  readonly subject: string;
}

/**
 * Rotates a secret of three slots every `rotationDays`, and once when the schedule is first created (which turns a
 * secret never rotated into the three slots its readers take, lib/facts/secret-slots.ts). The function
 * (lib/views/secret-rotation-script.ts) runs with a role of our own (stacks/function-role.ts): one customer-managed
 * policy that may read, write and restage this one secret, use its key through Secrets Manager only, and write to its
 * own log group. It calls only the Secrets Manager API, so it runs outside the VPC.
 */
export class SecretRotation extends Construct {
  readonly function: lambda.Function;
  readonly policy: iam.ManagedPolicy;
  readonly schedule: secretsmanager.CfnRotationSchedule;

  constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    const { function: fn, policy } = inlineFunction(this, {
      functionName: props.functionName,
      description: `Rotates ${props.subject}`,
      functionDescription: `Rotates ${props.subject}: previous <- current <- next <- new`,
      policyDescription: `Rotates ${props.subject}: its versions and stages, ${props.key ? 'its key through Secrets Manager, ' : ''}its own log group`,
      code: secretRotationScript(),
      statements: [
        new iam.PolicyStatement({
          sid: 'RotateTheSecret',
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
          resources: [props.secret.secretArn],
        }),
        ...(props.key
          ? [
              new iam.PolicyStatement({
                sid: 'UseItsKeyThroughSecretsManager',
                actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
                resources: [props.key.keyArn],
                conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${props.key.env.region}.amazonaws.com` } },
              }),
            ]
          : []),
      ],
      logGroup: props.logGroup,
    });
    this.function = fn;
    this.policy = policy;
    // The schedule as CloudFormation has it, not secret.addRotationSchedule, which would also grant the function the
    // secret and its key (in the key policy, the role being fixed) beside the policy above, and deny DeleteSecret.
    // Rotation starts once when the schedule is created (RotateImmediatelyOnUpdate defaults to true).
    this.schedule = new secretsmanager.CfnRotationSchedule(this, 'Schedule', {
      secretId: props.secret.secretArn,
      rotationLambdaArn: this.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${props.rotationDays} days)` },
    });
    // Secrets Manager may invoke the function on behalf of this account only (a confused deputy in another account
    // could otherwise have it rotate on their schedule).
    this.function.addPermission('InvokeBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
    this.schedule.node.addDependency(this.function.permissionsNode.findChild('InvokeBySecretsManager'));
  }
}
