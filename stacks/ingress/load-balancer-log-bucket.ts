import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../secure-bucket';
import { Construct } from 'constructs';
import { AccessLogBucket, logLifecycleRules } from '../media/access-log-bucket';

export interface LoadBalancerLogBucketProps {
  /** Name of the bucket the load balancers write to (lib/facts/names/ingress.ts `albLogBucketName`). */
  readonly bucketName: string;
  /** Name of the bucket receiving this bucket's S3 server access logs (lib/facts/names/ingress.ts `albLogAuditBucketName`). */
  readonly auditBucketName: string;
  /** Days a log object is kept before S3 expires it, in both buckets. */
  readonly logExpirationDays: number;
  /** Days an expired or deleted log version is kept before S3 removes it, in both buckets. */
  readonly noncurrentVersionExpirationDays: number;
}

/**
 * Where a region's load balancers write their access logs: private, TLS-only, versioned, ACLs disabled, expiring its
 * logs, retained when the stack is deleted (logs are audit evidence). Its own S3 server access logs go to a second
 * bucket (the media stack's AccessLogBucket), so reads and deletions of the load balancer logs are on record too.
 *
 * The delivery grants (the region's ELB account for ALB logs, `delivery.logs.amazonaws.com` for NLB TLS logs) are
 * added to the bucket policy by the load balancers' `logAccessLogs`, each for its own prefix.
 */
export class LoadBalancerLogBucket extends Construct {
  /** Receives the ALB and NLB access logs under their prefixes. */
  readonly bucket: s3.Bucket;
  /** Receives the S3 server access logs of `bucket`. */
  readonly auditBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LoadBalancerLogBucketProps) {
    super(scope, id);

    this.auditBucket = new AccessLogBucket(this, 'Audit', {
      bucketName: props.auditBucketName,
      logExpirationDays: props.logExpirationDays,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
    }).bucket;

    // No encryptionKey, so SSE-S3: ALB access log delivery supports only SSE-S3 ("Access logs for your Application
    // Load Balancer", Elastic Load Balancing User Guide: "the only server-side encryption option supported is Amazon
    // S3-managed keys (SSE-S3)"). The log delivery services write through the bucket policy.
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      serverAccessLogsBucket: this.auditBucket,
      lifecycleRules: logLifecycleRules(props.logExpirationDays, props.noncurrentVersionExpirationDays),
    });
  }
}
