import { CfnOutput, Duration, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../secure-bucket';
import type { Construct } from 'constructs';
import { MEDIA_BUCKET_TAG, mediaBucketName, mediaKeyAlias, mediaLogBucketName } from '../../lib/facts/names/media';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { AccessLogBucket } from './access-log-bucket';
import { MediaReplication } from './media-replication';
import { replicationDestinations } from '../../lib/plan/media-replication';
import { customerKey } from '../customer-key';
import { TierAlarms } from '../observability/tier-alarms';
import { regionAlarmCatalog } from '../../lib/views/alarm-catalog';

export type MediaStackProps = Omit<RegionalStackProps, 'concern'>;

/**
 * A region's media bucket: private, TLS 1.2+ only, encrypted with the region's customer-managed key, versioned, logged,
 * tiered to Standard-IA, retained. With `media.replication: 'all-regions'` and more than one region, it replicates into
 * every other region's media bucket, which it finds by name (lib/facts/names/media.ts), never by reference.
 *
 * Other stacks read the bucket name and key ARN through the stack outputs `MediaBucketName` and `MediaKeyArn`
 * (weak references), so this stack never holds an export.
 */
export class MediaStack extends RegionalStack {
  /** Customer-managed key of the region's media: the bucket's default encryption and every replica written here. */
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  /** Receives the bucket's server access logs. */
  readonly logBucket: s3.Bucket;
  /** Present only when the bucket replicates (lib/plan/media-replication.ts `replicationDestinations`). */
  readonly replication?: MediaReplication;
  /** Replication latency and failures per rule (lib/views/alarm-catalog.ts); absent when the bucket replicates nowhere. */
  readonly alarms?: TierAlarms;

  constructor(scope: Construct, id: string, props: MediaStackProps) {
    super(scope, id, { ...props, concern: 'media' });
    const { environment, region } = props;
    const { media } = environment;

    this.key = customerKey(this, 'MediaKey', {
      description: `Media of ${environment.name} in ${region.name}: the media bucket and the replicas other regions write into it`,
      // Same alias in every region: the other regions' replication rules name this key by alias ARN. The default key
      // policy (account root, kms:*) lets their replication roles use it through IAM, all in this one account.
      alias: mediaKeyAlias(environment.name),
    });

    this.logBucket = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: mediaLogBucketName(environment.name, environment.account, region.name),
      logExpirationDays: media.accessLogExpirationDays,
      noncurrentVersionExpirationDays: media.noncurrentVersionExpirationDays,
    }).bucket;

    const bucketName = mediaBucketName(environment.name, environment.account, region.name);
    const destinations = replicationDestinations(environment, region);
    if (destinations.length > 0) {
      this.replication = new MediaReplication(this, 'Replication', {
        sourceBucketName: bucketName,
        sourceKey: this.key,
        keyAlias: mediaKeyAlias(environment.name),
        destinations,
      });
    }

    this.bucket = new SecureBucket(this, 'MediaBucket', {
      bucketName,
      encryptionKey: this.key,
      serverAccessLogsBucket: this.logBucket,
      lifecycleRules: [
        {
          id: 'tier-and-expire-versions',
          enabled: true,
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(media.infrequentAccessAfterDays) },
          ],
          noncurrentVersionExpiration: Duration.days(media.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        {
          // A deleted object's marker outlives its expired versions; remove it then.
          id: 'remove-expired-delete-markers',
          enabled: true,
          expiredObjectDeleteMarker: true,
        },
      ],
      replicationRole: this.replication?.role,
      replicationRules: this.replication ? [...this.replication.rules] : undefined,
    });
    // FIS finds the bucket whose replication the media-replication-pause experiment pauses by tags only.
    Tags.of(this.bucket).add(MEDIA_BUCKET_TAG.key, MEDIA_BUCKET_TAG.value);

    new CfnOutput(this, 'MediaBucketName', {
      value: this.bucket.bucketName,
      description: `Media bucket of ${environment.name} in ${region.name}`,
    });
    new CfnOutput(this, 'MediaKeyArn', {
      value: this.key.keyArn,
      description: `KMS key of the media of ${environment.name} in ${region.name}`,
    });

    const alarms = regionAlarmCatalog(environment, region).media;
    this.alarms = alarms ? new TierAlarms(this, 'Alarms', { set: alarms, environment: environment.name }) : undefined;
  }
}
