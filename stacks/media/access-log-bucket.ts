import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../secure-bucket';
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

    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      isAccessLogDestination: true,
      lifecycleRules: logLifecycleRules(props.logExpirationDays, props.noncurrentVersionExpirationDays),
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
