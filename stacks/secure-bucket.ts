import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** What differs between gigascale's buckets; everything else is the same hardening for all of them. */
export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * The customer-managed key of the bucket's default encryption (SSE-KMS, with an S3 Bucket Key: one data key per
   * bucket and period rather than a KMS call per object). Without it, SSE-S3: only where an AWS service that writes
   * to the bucket supports nothing else, which the caller says where it omits the key.
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Where S3 writes this bucket's server access logs (under date-partitioned prefixes). Absent only for a bucket that
   * is itself such a destination: `isAccessLogDestination`.
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * The bucket receives other buckets' S3 server access logs: SSE-S3 (S3 cannot deliver them to an SSE-KMS bucket),
   * no Object Lock (S3 refuses a destination with it), and no TLS-version condition in its policy, so nothing
   * stands between S3's log delivery and the bucket ("Enabling Amazon S3 server access logging", S3 User Guide).
   * @default false
   */
  readonly isAccessLogDestination?: boolean;
  readonly lifecycleRules: s3.LifecycleRule[];
  readonly replicationRole?: s3.BucketProps['replicationRole'];
  readonly replicationRules?: s3.BucketProps['replicationRules'];
}

/**
 * A bucket as gigascale keeps every one: no public access, TLS only (1.2 or later), versioned, ACLs disabled (writers
 * come through the bucket policy), server access logs to an audit bucket, and retained when its stack is deleted
 * (media and logs are data and audit evidence). A subclass of s3.Bucket, so its construct path and logical id are
 * those of the bucket it replaces.
 */
export class SecureBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    const destination = props.isAccessLogDestination ?? false;
    if (destination === (props.serverAccessLogsBucket !== undefined)) {
      throw new Error(
        `${id}: a bucket logs its access to serverAccessLogsBucket unless it is itself an access log destination (isAccessLogDestination); set exactly one`,
      );
    }
    if (destination && props.encryptionKey !== undefined) {
      throw new Error(`${id}: an access log destination cannot use a KMS key (S3 delivers server access logs only to SSE-S3 buckets); remove encryptionKey`);
    }
    super(scope, id, {
      bucketName: props.bucketName,
      ...(props.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      publicReadAccess: false,
      enforceSSL: true,
      ...(destination ? {} : { minimumTLSVersion: 1.2 }),
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      ...(destination
        ? { objectLockEnabled: false }
        : {
            serverAccessLogsBucket: props.serverAccessLogsBucket,
            targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
          }),
      lifecycleRules: props.lifecycleRules,
      replicationRole: props.replicationRole,
      replicationRules: props.replicationRules,
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
  }
}
