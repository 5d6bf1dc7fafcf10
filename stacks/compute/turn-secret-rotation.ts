import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { functionRole } from '../function-role';
import { TURN_SECRET_ROTATION_DAYS } from '../../lib/facts/turn-secret';
import { turnSecretRotationScript } from '../../lib/views/turn-secret-rotation-script';

export interface TurnSecretRotationProps {
  /** coturn's shared secret (lib/facts/names/compute.ts turnSecretName). */
  readonly secret: secretsmanager.ISecret;
  /** The key the secret is encrypted with. */
  readonly key: kms.IKey;
  /** Log group of the function (encrypted, with retention); it may write to it and no other. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * Rotates the TURN relay's shared secret every TURN_SECRET_ROTATION_DAYS, and once when the schedule is first
 * created (which turns a secret never rotated into the three slots coturn and voice read, lib/facts/turn-secret.ts).
 * The function (lib/views/turn-secret-rotation-script.ts) runs with a role of our own: one customer-managed policy
 * that may read, write and restage this one secret, use its key through Secrets Manager only, and write to its own
 * log group. It calls only the Secrets Manager API, so it runs outside the VPC.
 */
export class TurnSecretRotation extends Construct {
  readonly function: lambda.Function;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: TurnSecretRotationProps) {
    super(scope, id);
    const { role, policy } = functionRole(this, {
      roleId: 'Role',
      policyId: 'Policy',
      description: 'Rotates the TURN relay\'s shared secret',
      policyDescription: 'Rotates the TURN shared secret: its versions and stages, its key through Secrets Manager, its own log group',
      statements: [
        new iam.PolicyStatement({
          sid: 'RotateTheTurnSecret',
          actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
          resources: [props.secret.secretArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseItsKeyThroughSecretsManager',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${props.key.env.region}.amazonaws.com` } },
        }),
      ],
      logGroup: props.logGroup,
    });
    this.policy = policy;
    this.function = new lambda.Function(this, 'Function', {
      description: 'Rotates the TURN relay\'s shared secret: previous <- current <- next <- new',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(turnSecretRotationScript()),
      // The policy above is the whole of its access: any grant aws-cdk-lib would add to the role is dropped.
      role: role.withoutPolicyUpdates(),
      logGroup: props.logGroup,
      timeout: Duration.seconds(30),
      memorySize: 128,
      // One rotation at a time: Secrets Manager runs the steps in order, and a second run would only race it.
      reservedConcurrentExecutions: 1,
    });
    this.function.node.addDependency(this.policy);
    // The schedule as CloudFormation has it, not secret.addRotationSchedule, which would also grant the function the
    // secret and its key (in the key policy, the role being fixed) beside the policy above, and deny DeleteSecret.
    // Rotation starts once when the schedule is created (RotateImmediatelyOnUpdate defaults to true).
    const schedule = new secretsmanager.CfnRotationSchedule(this, 'Schedule', {
      secretId: props.secret.secretArn,
      rotationLambdaArn: this.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${TURN_SECRET_ROTATION_DAYS} days)` },
    });
    // Secrets Manager may invoke the function on behalf of this account only (a confused deputy in another account
    // could otherwise have it rotate on their schedule).
    this.function.addPermission('InvokeBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
    schedule.node.addDependency(this.function.permissionsNode.findChild('InvokeBySecretsManager'));
  }
}
