import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { inlineFunction } from '../function-role';

export interface TokenSyncFunctionProps {
  /** Fixed, so the alarms on its errors can name it (lib/facts/names/edge.ts originTokenFunctionName). */
  readonly functionName: string;
  readonly description: string;
  readonly policyDescription: string;
  /** The function's source (lib/views/*-sync-script.ts). */
  readonly code: string;
  readonly environment: Readonly<Record<string, string>>;
  /** What it may do besides writing to its own log group. */
  readonly statements: readonly iam.PolicyStatement[];
  /** Its log group (encrypted, with retention). */
  readonly logGroup: logs.ILogGroup;
  /** Minutes between two runs (lib/facts/origin-protection.ts ORIGIN_TOKEN_SYNC_MINUTES). */
  readonly everyMinutes: number;
}

/**
 * A function that brings one copy of the origin token to its secret, run on a fixed rate by an EventBridge rule. Its
 * role has one customer-managed policy of exactly the statements given, and it runs outside the VPC: it calls AWS and
 * Cloudflare APIs only.
 */
export class TokenSyncFunction extends Construct {
  readonly function: lambda.Function;
  readonly policy: iam.ManagedPolicy;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: TokenSyncFunctionProps) {
    super(scope, id);
    const { function: fn, policy } = inlineFunction(this, {
      functionName: props.functionName,
      description: props.description,
      functionDescription: props.description,
      policyDescription: props.policyDescription,
      code: props.code,
      environment: props.environment,
      statements: props.statements,
      logGroup: props.logGroup,
    });
    this.function = fn;
    this.policy = policy;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs ${props.functionName} every ${props.everyMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(props.everyMinutes)),
      // Every run does the same idempotent work, so Lambda's retries of a failed run (twice, for an asynchronous call)
      // are as safe as the next run; the errors alarm counts failed runs and retries alike.
      targets: [new targets.LambdaFunction(this.function)],
    });
  }
}
