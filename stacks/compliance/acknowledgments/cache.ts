import type { NagAcknowledgment } from './acknowledgment';

/** The replication group of the cache and the secret its RBAC user group requires. */
const REPLICATION_GROUP = /^[a-z0-9-]+\/Cache\/Valkey\/ReplicationGroup$/;
const DEFAULT_USER_PASSWORD = /^[a-z0-9-]+\/Cache\/Rbac\/DefaultUserPassword\/Resource$/;

/** Findings accepted on the cache stack: the Valkey replication group and its RBAC users. */
export const CACHE_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-AEC6',
    reason:
      'The rule asks for a Redis AUTH token: one password shared by every client. The cluster authenticates through its ' +
      'RBAC user group instead (UserGroupIds), which ElastiCache offers in place of an AUTH token (Amazon ElastiCache ' +
      'User Guide, "Role-Based Access Control (RBAC)"): each service connects as its own user with a 15-minute IAM ' +
      'token (elasticache:Connect scoped to that user; "Authenticating with IAM") and an ACL confined to its key ' +
      'prefix, and the group\'s default user is switched off. TLS is required, so no credential crosses the network in clear.',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: REPLICATION_GROUP,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
    reason:
      'The rule wants 15 days of automatic snapshots. The cache is not a system of record: it holds copies of Aurora data ' +
      'and entries that live at most a day (lib/facts/cache-tiers: entities 5 min, presence 60 s, sessions 24 h sliding), so a ' +
      'snapshot older than that restores nothing still valid and a lost cache refills from reads. Snapshots are kept ' +
      'sizes.cache.snapshotRetentionDays days (by default 7 in phase 3, 14 in phase 4, 35 in phase 5; the config may ' +
      'set 1..35) for warm restarts, and the cluster takes a final snapshot on delete or replace (DeletionPolicy/UpdateReplacePolicy Snapshot).',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: REPLICATION_GROUP,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The secret holds the password of the cache user group\'s `default` user, which every user group must contain ' +
      '(AWS CloudFormation User Guide, "AWS::ElastiCache::UserGroup": "A user named default must be included") and ' +
      'which a valkey group can hold only as a password or IAM user (an IAM user\'s id must equal its name, impossible ' +
      'for `default`: Amazon ElastiCache User Guide, "Authenticating with IAM"). Its access string is `off resetkeys ' +
      'resetchannels -@all`: the engine refuses to authenticate a disabled user whatever the password, and no client is ' +
      'ever given it. Rotation would add a rotation Lambda function with a network path to the cache (AWS Secrets ' +
      'Manager User Guide, "AWS Secrets Manager rotation function templates") to protect a credential that grants nothing.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: DEFAULT_USER_PASSWORD,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: the password of the cache\'s switched-off `default` user (access string `off ' +
      'resetkeys resetchannels -@all`), required by ElastiCache RBAC and never given to a client. A disabled user cannot ' +
      'authenticate whatever its password, so rotating it (a Lambda function reaching the cache) would add risk for no gain.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: DEFAULT_USER_PASSWORD,
  },
];
