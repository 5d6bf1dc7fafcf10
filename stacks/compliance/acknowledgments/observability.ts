import type { NagAcknowledgment } from './acknowledgment';

/** The customer-managed policy of the origin canary's role. */
const CANARY_POLICY = /^[a-z0-9-]+\/Observability\/Canary\/Policy\/Resource$/;

/** Findings accepted on the observability stack: the origin canary, its role and its buckets. */
export const OBSERVABILITY_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^\*$/,
    reason:
      'The origin canary\'s role, as a Synthetics canary in a VPC requires (Amazon CloudWatch User Guide, "Required ' +
      'roles and permissions for canaries"): s3:ListAllMyBuckets and the network-interface actions Lambda uses to ' +
      'attach the function to the private subnets have no resource-level permissions, and cloudwatch:PutMetricData ' +
      'has none either; it is limited by its condition to the CloudWatchSynthetics namespace.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: CANARY_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:s3:::gigascale-[a-z0-9]+-canary-\d{12}-[a-z0-9-]+\/\*$/,
    reason:
      'The origin canary writes each run\'s artifacts (log, report, HAR file) under keys Synthetics generates per run, ' +
      'so it may put objects anywhere in its own artifacts bucket, named exactly; no read, delete or other bucket.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: CANARY_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/lambda\/cwsyn-[a-z0-9_-]+-\*$/,
    reason:
      'Synthetics names the canary\'s function, and so its log group, `cwsyn-<canary name>-<id>` with an id it picks at ' +
      'creation (Amazon CloudWatch User Guide, "Required roles and permissions for canaries"); the role may write only ' +
      'to log groups of this canary\'s name.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: CANARY_POLICY,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The origin canary\'s artifacts bucket and the bucket of its access logs hold records of synthetic runs against this ' +
      'region only, expire them after 31 days (the artifacts) or sizes.network.flowLogRetentionDays (the access logs), ' +
      'and are versioned and retained; a copy in another region would restore nothing the service needs.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/(Artifacts|ArtifactsLogs\/Bucket)\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3 (Amazon S3 User Guide, ' +
      '"Enabling Amazon S3 server access logging"). The access log bucket of the canary\'s artifacts bucket is encrypted ' +
      'with SSE-S3 (AES-256), private, TLS-only and versioned; the artifacts themselves are under the observability key.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/ArtifactsLogs\/Bucket\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^\*$/,
    reason:
      'The role and guardrail of the AWS Chatbot configurations that post alarms to Slack (environments with ' +
      'observability.notifications.slackChannels): it reads CloudWatch alarms, their history and metric data to draw ' +
      "an alarm's graph, and the metric-data and widget-image actions take no resource narrower than * (Service " +
      'Authorization Reference, Amazon CloudWatch). It grants no write action; as the guardrail, it is also the most ' +
      'a channel member can do.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Observability\/Chat\/Policy\/Resource$/,
  },
];
