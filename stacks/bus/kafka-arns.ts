import { ArnFormat, Aws, Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * ARNs of the Kafka resources IAM access control authorizes (MSK Developer Guide, "IAM access control": cluster
 * `cluster/<name>/<uuid>`, topic `topic/<name>/<uuid>/<topic>`, group `group/<name>/<uuid>/<group>`). The UUID is
 * only known once the cluster exists, so it is read from the cluster's ARN at deploy time: the policies name one
 * cluster exactly and need no wildcard.
 */
export type KafkaResource = 'topic' | 'group';

/** The `<uuid>` segment of a cluster ARN (`.../cluster/<name>/<uuid>`), resolved by CloudFormation. */
export function clusterUuidOf(clusterArn: string): string {
  return Fn.select(2, Fn.split('/', clusterArn));
}

/** The `<name>` segment of a cluster ARN, resolved by CloudFormation. */
export function clusterNameOf(clusterArn: string): string {
  return Fn.select(1, Fn.split('/', clusterArn));
}

/** `arn:<partition>:kafka:<region>:<account>:<topic|group>/<clusterName>/<uuid>/<name>`: one topic or group of one cluster. */
export function kafkaResourceArn(scope: IConstruct, clusterName: string, clusterArn: string, resource: KafkaResource, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'kafka',
    resource,
    resourceName: `${clusterName}/${clusterUuidOf(clusterArn)}/${name}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * `arn:<partition>:kafka:*:<account>:<topic|group>/<clusterName>/<any uuid>/<any name>`: every topic or group of the
 * clusters named like the given one, in any region of this account. The cluster name carries the environment, so this covers the
 * environment's bus clusters and nothing else. Partition, account and name are CloudFormation references, so the
 * pattern is the same text whatever the environment or region (one acknowledgment in stacks/compliance covers it).
 */
export function environmentKafkaPattern(clusterArn: string, resource: KafkaResource): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':kafka:*:', Aws.ACCOUNT_ID, `:${resource}/`, clusterNameOf(clusterArn), '/*/*']);
}
