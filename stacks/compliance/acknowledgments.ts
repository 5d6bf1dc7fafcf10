/**
 * Every cdk-nag finding gigascale accepts, with the reason, in one place. A reviewer who wants to know what the
 * compliance gate lets through reads this file and nothing else.
 *
 * An acknowledgment names the rule as cdk-nag reports it (`<pack>::<rule id>`), the reason, and which resources it
 * covers: a CloudFormation type plus a test on the construct path, never a whole stack. AwsSolutions-IAM5 reports one
 * finding per wildcard resource, with the ARN in the finding (`...IAM5[Resource::arn:aws:s3:::bucket/*]`); an entry
 * with `wildcardResources` acknowledges exactly the wildcard ARNs of the covered policy that match it, whatever
 * environment, account or region they name.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgment {
  /** Rule as cdk-nag prints it after "Acknowledge with" (without the `[Resource::...]` part when `wildcardResources` is set). */
  readonly rule: string;
  /**
   * For a rule reported per wildcard resource: the wildcard ARNs (as literal strings in the policy) this entry accepts.
   * @default - the rule is acknowledged as written
   */
  readonly wildcardResources?: RegExp;
  /** Why the finding is acceptable, for the reviewer and the auditor. */
  readonly reason: string;
  /** CloudFormation type of the resources covered. */
  readonly resourceType: string;
  /** Covers only resources whose construct path matches. */
  readonly pathPattern: RegExp;
}

export const NAG_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
    reason:
      'Public subnets exist to hold the internet-facing ALB and the NAT gateways; both need the 0.0.0.0/0 route to the ' +
      'internet gateway. Nothing else is placed in them (no public IPs are auto-assigned), and private and isolated ' +
      'subnets have no IGW route.',
    resourceType: 'AWS::EC2::Route',
    pathPattern: /\/Vpc\/PublicSubnet\d+\/DefaultRoute$/,
  },
  {
    rule: 'CloudFormation-Validate::W3010',
    reason:
      'Availability zones are pinned on purpose: synth runs offline with no AZ lookups (ARCHITECTURE.md principle 1), ' +
      'the names come from the region catalog or the config, and an account whose AZ names differ pins its own azs ' +
      'in regions.config.ts.',
    resourceType: 'AWS::EC2::Subnet',
    pathPattern: /\/Vpc\/(Public|Private|Isolated)Subnet\d+\/Subnet$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    reason:
      'The enhanced monitoring role carries the AWS-maintained service-role policy RDS documents for it. It only lets ' +
      'RDS write OS metrics to the RDSOSMetrics log group; a hand-written copy would add wildcards of its own and ' +
      'miss AWS updates.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /\/Data\/MonitoringRole\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan',
    reason:
      'Aurora backs up at the cluster, not the instance: every shard cluster has continuous backups with point-in-time ' +
      'restore kept 7..35 days (backupRetentionDays, validated >= 7), DeletionPolicy/UpdateReplacePolicy Snapshot, and ' +
      'a copy in every other region through its global database. An AWS Backup plan (cross-account vault copies) is ' +
      'not part of the data-tier issue and is noted in its closing note.',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: /\/Shards\d+\/shard-\d{4}\/Instance\d+$/,
  },
  // -- Cache stack (issue 5) --
  {
    rule: 'AwsSolutions::AwsSolutions-AEC6',
    reason:
      'The rule asks for a Redis AUTH token: one password shared by every client. The cluster authenticates through its ' +
      'RBAC user group instead (UserGroupIds), which ElastiCache offers in place of an AUTH token: each service connects ' +
      'as its own user with a 15-minute IAM token (elasticache:Connect scoped to that user) and an ACL confined to its ' +
      'key prefix, and the group\'s default user is switched off. TLS is required, so no credential crosses the network in clear.',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: /^[a-z0-9-]+\/Cache\/Valkey\/ReplicationGroup$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
    reason:
      'The rule wants 15 days of automatic snapshots. The cache is not a system of record: it holds copies of Aurora data ' +
      'and entries that live at most a day (lib/cache/tiers: entities 5 min, presence 60 s, sessions 24 h sliding), so a ' +
      'snapshot older than that restores nothing still valid and a lost cache refills from reads. Snapshots are kept ' +
      'cache.snapshotRetentionDays (7 in phase 3, 14 in phase 4, 35 in phase 5; the config may raise it) for warm ' +
      'restarts, and the cluster takes a final snapshot on delete or replace (DeletionPolicy/UpdateReplacePolicy Snapshot).',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: /^[a-z0-9-]+\/Cache\/Valkey\/ReplicationGroup$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The secret holds the password of the cache user group\'s `default` user, which every group must contain and which a ' +
      'valkey group can hold only as a password or IAM user (IAM needs user id = user name, impossible for `default`). ' +
      'Its access string is `off resetkeys resetchannels -@all`: the engine refuses to authenticate a disabled user ' +
      'whatever the password, and no client is ever given it. Rotation would add a custom Lambda with a path to the cache ' +
      '(Secrets Manager has no hosted rotation for ElastiCache users) to protect a credential that grants nothing.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Cache\/Rbac\/DefaultUserPassword\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: the password of the cache\'s switched-off `default` user (access string `off ' +
      'resetkeys resetchannels -@all`), required by ElastiCache RBAC and never given to a client. A disabled user cannot ' +
      'authenticate whatever its password, so rotating it (a custom Lambda reaching the cache) would add risk for no gain.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Cache\/Rbac\/DefaultUserPassword\/Resource$/,
  },
  // -- Media stack (issue 5) --
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:(s3:::gigascale-[a-z0-9]+-media-\d{12}-[a-z0-9-]+\/\*|kms:[a-z0-9-]+:\d{12}:key\/\*)$/,
    reason:
      'S3 replication permissions are object-level: the role reads versions of every object of this region\'s media ' +
      'bucket and writes replicas of every object into the other regions\' media buckets, each named exactly. The key ' +
      'ARNs end in key/* because an alias cannot be the Resource of a key operation; each statement admits only the key ' +
      'under the media alias (kms:ResourceAliases), used by S3 of the destination region (kms:ViaService) for the ' +
      'destination bucket (kms:EncryptionContext:aws:s3:arn).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Media\/Replication\/Policy\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'A media bucket replicates into every other region whenever its environment has another region and ' +
      'media.replication is all-regions. With one region there is no other region to copy to, and with ' +
      'replication none (the first deploy, -c replication=off) S3 would refuse rules to buckets not yet created; ' +
      'the bucket stays versioned and retained either way.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/MediaBucket\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The access log bucket holds the server access logs of its own region\'s media bucket and is not replicated: ' +
      'the logs describe requests to that region only, are versioned and retained, and copying them would need a ' +
      'replication role and destination log buckets of their own for no recovery need of the service.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/AccessLogs\/Bucket\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3; SSE-KMS is not ' +
      'supported for the destination (S3 User Guide, "Enabling Amazon S3 server access logging"). The log bucket is ' +
      'encrypted with SSE-S3 (AES-256), private, TLS-only and versioned.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/AccessLogs\/Bucket\/Resource$/,
  },
  // -- Bus stack (issue 5) --
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
    reason:
      'The function is the AwsCustomResource handler that reads the bus cluster\'s bootstrap brokers (Kafka ' +
      'GetBootstrapBrokers) while CloudFormation deploys the bus stack: CloudFormation invokes it once per create or ' +
      'update of that one custom resource and nothing else can (no trigger, no URL). Reserved concurrency would only ' +
      'take capacity away from the account\'s pool.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'CloudFormation invokes the bootstrap-brokers lookup of the bus stack synchronously and waits for its answer; a ' +
      'dead-letter queue only receives failed asynchronous invocations, so it would stay empty. A failed call fails the ' +
      'stack operation, which rolls back, and the function logs to its own KMS-encrypted log group with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
    reason:
      'The bootstrap-brokers lookup of the bus stack calls one regional AWS control-plane API (Kafka GetBootstrapBrokers) ' +
      'and touches no resource inside the VPC. Placing it in the VPC would add network interfaces, a route to the Kafka ' +
      'API and the AWS-managed VPC access policy for no isolation gain: its role may make that one call on that one ' +
      'cluster and write to its own log group, nothing else.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:topic/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). Besides the replicated topics it keeps ' +
      'internal topics whose names MSK does not document, and the source cluster\'s UUID is only known in its region, so ' +
      'topic names, UUID and region stay wildcards. The cluster name is read from this region\'s cluster ARN and carries ' +
      'the environment: only topics of this environment\'s bus clusters in this account match. The actions are those of ' +
      'AWSMSKReplicatorExecutionRole, which grants them on topic/*/* in every account and region.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Bus\/ReplicatorFrom[A-Za-z0-9]+\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:group/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). It describes and alters the consumer ' +
      'groups it reads the source with, under names MSK does not document; no application group is replicated ' +
      '(ConsumerGroupsToReplicate is empty). Group names, the clusters\' UUIDs and the region stay wildcards within the ' +
      'clusters named like this environment\'s bus cluster, in this account only (AWSMSKReplicatorExecutionRole grants ' +
      'group/*/* everywhere).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Bus\/ReplicatorFrom[A-Za-z0-9]+\/Policy\/Resource$/,
  },
];

/** The acknowledgments that cover one construct: none unless it is a CloudFormation resource they match. */
export function acknowledgedRules(node: IConstruct): NagAcknowledgment[] {
  if (!CfnResource.isCfnResource(node)) return [];
  return NAG_ACKNOWLEDGMENTS.filter((a) => node.cfnResourceType === a.resourceType && a.pathPattern.test(node.node.path));
}

/**
 * The finding ids an acknowledgment accepts on one resource: its rule, or with `wildcardResources` one id per
 * matching wildcard ARN in the resource's policy document (`<rule>[Resource::<arn>]`, as cdk-nag prints it).
 */
export function acknowledgedFindings(node: CfnResource, a: NagAcknowledgment): string[] {
  if (a.wildcardResources === undefined) return [a.rule];
  const document = Stack.of(node).resolve((node as unknown as { policyDocument?: unknown }).policyDocument) as
    | { Statement?: { Resource?: unknown }[] }
    | undefined;
  const resources = (document?.Statement ?? []).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
  const wildcards = resources.filter((r): r is string => typeof r === 'string' && r.includes('*') && a.wildcardResources!.test(r));
  return [...new Set(wildcards)].map((arn) => `${a.rule}[Resource::${arn}]`);
}
