import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** Name of the bucket (lib/facts/names/media.ts mediaLogBucketName). */
  readonly bucketName: string;
  /** Days a log object is kept before S3 expires it (plan: media.accessLogExpirationDays). */
  readonly logExpirationDays: number;
  /** Days an expired, replaced or deleted log version is kept before S3 removes it (plan: media.noncurrentVersionExpirationDays). */
  readonly noncurrentVersionExpirationDays: number;
}

/**
 * The destination of a bucket's S3 server access logs: private, TLS-only, versioned, ACLs disabled, expiring its
 * logs, retained when the stack is deleted (logs are audit evidence). Log delivery is granted by bucket policy to
 * the logging service for the source bucket only (the s3 L2 adds it when a bucket names this one as its
 * `serverAccessLogsBucket`).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      // SSE-S3, not the media key: S3 server access logging cannot deliver to a bucket whose default encryption is
      // SSE-KMS ("Enabling Amazon S3 server access logging", S3 User Guide: only SSE-S3 is supported).
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      publicReadAccess: false,
      enforceSSL: true,
      versioned: true,
      // ACLs disabled; the logging service writes through the bucket policy, which is all this setting allows.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // No Object Lock: S3 refuses a server access logs destination with Object Lock enabled.
      objectLockEnabled: false,
      lifecycleRules: logLifecycleRules(props.logExpirationDays, props.noncurrentVersionExpirationDays),
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
  }
}

/** Lifecycle of a log bucket: logs expire, replaced versions soon after, and nothing is left behind. */
export function logLifecycleRules(logExpirationDays: number, noncurrentVersionExpirationDays: number): s3.LifecycleRule[] {
  return [
    {
      id: 'expire-logs',
      enabled: true,
      expiration: Duration.days(logExpirationDays),
      noncurrentVersionExpiration: Duration.days(noncurrentVersionExpirationDays),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
    {
      // Once every version under a key has expired, its delete marker is all that is left: remove it.
      id: 'remove-expired-delete-markers',
      enabled: true,
      expiredObjectDeleteMarker: true,
    },
  ];
}
