import type { NagAcknowledgment } from './acknowledgment';

/** The customer-managed key of each stack that has one. */
const STACK_KEYS = /^[a-z0-9-]+\/(Network\/FlowLogs\/Key|Data\/DataKey|Cache\/CacheKey|Media\/MediaKey|Bus\/BusKey|Ingress\/IngressKey|Compute\/ClusterKey|Backup\/BackupKey|Observability\/ObservabilityKey|Chaos\/ChaosKey|Pipeline\/PipelineKey)\/Resource$/;
/** Log groups of operations, kept for the phase's logRetentionDays. */
const OPERATIONAL_LOG_GROUPS =
  /^[a-z0-9-]+\/(Bus\/(BrokerLogs|LookupLogs)|Cache\/Valkey\/(EngineLog|SlowLog)|Compute\/(ContainerInsightsLogs|TurnSecretRotationLogs)|Ingress\/(OriginTokenRotationLogs|OriginTokenSyncLogs|EdgeTokenSyncLogs)|Observability\/ProbeLogs|Shards\d+\/shard-\d{4}\/LogGroup)\/Resource$/;
/** Log groups an audit reads, kept as long as the VPC flow logs (network.flowLogRetentionDays). */
const AUDIT_LOG_GROUPS = /^[a-z0-9-]+\/(Network\/FlowLogs\/LogGroup|Ingress\/Waf\/LogGroup|Compute\/ControlPlaneLogs)\/Resource$/;
/** Buckets that receive logs: the load balancers' access logs, and the S3 server access logs of every bucket. */
const LOG_BUCKETS = /^[a-z0-9-]+\/(Ingress\/Logs\/(Audit\/)?Bucket|Media\/AccessLogs\/Bucket|Observability\/Canary\/ArtifactsLogs\/Bucket)\/Resource$/;
/** Buckets that are the end of the server access log chain: logging them would need another bucket, and so on. */
const ACCESS_LOG_DESTINATIONS = /^[a-z0-9-]+\/(Ingress\/Logs\/Audit\/Bucket|Media\/AccessLogs\/Bucket|Observability\/Canary\/ArtifactsLogs\/Bucket)\/Resource$/;
/** Every bucket of a stage (stacks/secure-bucket.ts). */
const BUCKETS = /^[a-z0-9-]+\/(Ingress\/Logs\/(Audit\/)?Bucket|Media\/(AccessLogs\/Bucket|MediaBucket)|Observability\/Canary\/(Artifacts|ArtifactsLogs\/Bucket))\/Resource$/;

/**
 * Findings of the second scanner (CloudFormation Guard with AWS Control Tower's proactive controls) on what every
 * stack builds alike: its KMS key, its log groups and its buckets (stacks/secure-bucket.ts).
 */
export const SHARED_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'CfnGuard::CT.KMS.PR.3',
    reason:
      'The control asks every key policy for a Deny of kms:CreateGrant unless an AWS service creates the grant for an AWS ' +
      'resource. These keys are used by AWS services that create their own grants (Aurora, ElastiCache, MSK, EKS and its ' +
      'EBS volumes, S3, CloudWatch Logs, AWS Backup, Secrets Manager, and for the failure experiments\' and the deploy pipeline\'s logs CloudWatch Logs). Their policies allow kms:CreateGrant only to the ' +
      "account's IAM (the default statement) and to Secrets Manager's use (kms:ViaService), and no inline or " +
      'customer-managed policy of these stacks allows it (test/iam-hardening.test.ts reads every template): the ' +
      "principals left are the account's administrators, whom a Deny in ten key policies per region would bind as " +
      'well; Control Tower lists the control as Elective.',
    resourceType: 'AWS::KMS::Key',
    pathPattern: STACK_KEYS,
  },
  {
    rule: 'CfnGuard::CT.CLOUDWATCH.PR.2',
    reason:
      'Operational logs (the brokers\' and the bootstrap lookup\'s, Valkey\'s engine and slow logs, Container Insights ' +
      "performance events, the TURN secret's and the origin token's rotation and sync functions' and the probe's output, each shard's PostgreSQL log) are kept for the phase's logRetentionDays " +
      '(lib/facts/phases.ts: 30 days in phase 3, 90 from phase 4), long enough to investigate an incident. The logs an ' +
      "audit reads are kept a year from phase 4: VPC flow logs, WAF logs, the EKS control plane's audit log and the " +
      "load balancers' access logs (network.flowLogRetentionDays).",
    resourceType: 'AWS::Logs::LogGroup',
    pathPattern: OPERATIONAL_LOG_GROUPS,
  },
  {
    rule: 'CfnGuard::CT.CLOUDWATCH.PR.2',
    reason:
      "VPC flow logs, WAF logs and the EKS control plane's logs are kept for network.flowLogRetentionDays: 365 days from " +
      'phase 4, which serves production traffic (the control passes there), and 90 days below it, where an environment ' +
      'carries no production traffic or user data to audit.',
    resourceType: 'AWS::Logs::LogGroup',
    pathPattern: AUDIT_LOG_GROUPS,
  },
  {
    rule: 'CfnGuard::CT.S3.PR.10',
    reason:
      'These buckets receive logs from services that write only to SSE-S3 buckets: Elastic Load Balancing access logs ' +
      '("the only server-side encryption option that\'s supported is Amazon S3-managed keys", ELB User Guide, "Access ' +
      'logs") and S3 server access logs (a destination with SSE-KMS default encryption is not supported, S3 User Guide, ' +
      '"Enabling Amazon S3 server access logging"). stacks/secure-bucket.ts refuses a key on such a bucket.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: LOG_BUCKETS,
  },
  {
    rule: 'CfnGuard::CT.S3.PR.2',
    reason:
      'These buckets are the destinations of S3 server access logs; logging requests to a destination would need one ' +
      'more bucket, whose own logs would need another. Every other bucket logs to one of them; they are versioned, ' +
      'retained, TLS-only and closed to the public, and their lifecycle expires what they hold.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: ACCESS_LOG_DESTINATIONS,
  },
  {
    rule: 'CfnGuard::CT.S3.PR.4',
    reason:
      'No part of the platform acts on object-level events of these buckets: logs are read when someone investigates, ' +
      'canary artifacts when a run failed, and media objects are served by key. A notification configuration without a ' +
      "consumer would add a topic or queue nothing reads; requests to each bucket are recorded in its server access logs.",
    resourceType: 'AWS::S3::Bucket',
    pathPattern: BUCKETS,
  },
  {
    rule: 'CfnGuard::CT.S3.PR.9',
    reason:
      'No Object Lock: the media bucket holds user content that users and erasure requests must be able to delete, and ' +
      'S3 refuses server access logs to a bucket with Object Lock (S3 User Guide, "Enabling Amazon S3 server access ' +
      'logging"). What must survive a deletion is kept elsewhere: versioning keeps deleted objects recoverable until ' +
      'their lifecycle expires them, and the media buckets are copied daily into the AWS Backup vault, whose vault lock ' +
      'is in compliance mode from phase 4 (stacks/backup).',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: BUCKETS,
  },
];
