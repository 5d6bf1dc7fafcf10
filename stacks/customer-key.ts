import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface CustomerKeyProps {
  /** What the key encrypts, shown in the KMS console and in the template. */
  readonly description: string;
  /** KMS alias, from the concern's module of lib/facts/names. @default - no alias */
  readonly alias?: string;
}

/**
 * Every customer-managed key gigascale creates, with the settings an auditor checks in one place: yearly rotation on,
 * the longest deletion window (30 days), and `Retain` (data encrypted with a deleted key is lost, so a stack deletion
 * or replacement never schedules one).
 */
export function customerKey(scope: Construct, id: string, props: CustomerKeyProps): kms.Key {
  return new kms.Key(scope, id, {
    description: props.description,
    alias: props.alias,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
