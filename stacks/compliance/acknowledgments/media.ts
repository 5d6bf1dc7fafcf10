import type { NagAcknowledgment } from './acknowledgment';

/** The server access log bucket of a region's media bucket. */
const ACCESS_LOG_BUCKET = /\/Media\/AccessLogs\/Bucket\/Resource$/;

/** Findings accepted on the media stack: the media bucket, its access log bucket and its replication role. */
export const MEDIA_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:(s3:::gigascale-[a-z0-9]+-media-\d{12}-[a-z0-9-]+\/\*|kms:[a-z0-9-]+:\d{12}:key\/\*)$/,
    reason:
      'S3 replication permissions are object-level (Amazon S3 User Guide, "Setting up permissions for live ' +
      'replication"): the role reads versions of every object of this region\'s media bucket and writes replicas of ' +
      'every object into the other regions\' media buckets, each named exactly. The key ARNs end in key/* because an ' +
      'alias cannot be the Resource of a key operation (AWS KMS Developer Guide, "Use aliases to control access to KMS ' +
      'keys"); each statement admits only the key under the media alias (kms:ResourceAliases), used by S3 of the ' +
      'destination region (kms:ViaService) for the destination bucket (kms:EncryptionContext:aws:s3:arn).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Media\/Replication\/Policy\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'A media bucket replicates into every other region of its environment unless the environment has one region ' +
      '(no other region to copy to), sizes.media.replication is none, or cross-region replication is off ' +
      '(crossRegionReplication off, -c replication=off), as on the first deploy of an environment: the other ' +
      'regions\' buckets do not exist yet, and a replication rule needs an existing, versioned destination (Amazon S3 ' +
      'User Guide, "Requirements and considerations for replication"). The bucket stays versioned and retained either way.',
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
    pathPattern: ACCESS_LOG_BUCKET,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3; SSE-KMS is not ' +
      'supported for the destination (Amazon S3 User Guide, "Enabling Amazon S3 server access logging"). The log bucket is ' +
      'encrypted with SSE-S3 (AES-256), private, TLS-only and versioned.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: ACCESS_LOG_BUCKET,
  },
];
