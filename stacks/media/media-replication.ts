import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { MediaReplicationDestination } from '../../lib/plan/media-replication';
import { Construct } from 'constructs';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import { mediaReplicationRuleId } from '../../lib/facts/names/media';

// The s3 L2 has constants for the transition classes only; STANDARD is a storage class a replication destination takes.
const STANDARD = new s3.StorageClass('STANDARD');

/** Another region's media bucket that this region's bucket replicates into. */
export interface MediaReplicationProps {
  /** Name of the bucket that replicates: this region's media bucket. */
  readonly sourceBucketName: string;
  /** The key the source bucket encrypts with; the role decrypts source objects with it. */
  readonly sourceKey: kms.IKey;
  /**
   * Alias of the media key, the same in every region (lib/facts/names/media.ts mediaKeyAlias). Replicas are encrypted
   * with the destination region's key under this alias.
   */
  readonly keyAlias: string;
  /** The buckets replicated into, at least one, none in this stack's region. */
  readonly destinations: readonly MediaReplicationDestination[];
}

/**
 * Cross-region replication of a media bucket into the other regions' media buckets: one rule per destination and the
 * role S3 replicates with. Everything is addressed by deterministic name (bucket names, the key alias), so no stack
 * refers to another. The role carries one customer-managed policy (NIST IAMNoInlinePolicy) that can read for
 * replication from the source bucket only and write replicas into the named destination buckets only.
 */
export class MediaReplication extends Construct {
  /** Assumed by S3; handed to the bucket as its replication role. */
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  /** One rule per destination, in the order given. */
  readonly rules: readonly s3.ReplicationRule[];

  constructor(scope: Construct, id: string, props: MediaReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validate(this, stack.region, props.destinations);

    const { sourceBucketName, sourceKey, keyAlias, destinations } = props;
    const aliasArn = (region: string): string => stack.formatArn({ service: 'kms', region, resource: keyAlias });

    this.rules = destinations.map((d) => ({
      id: mediaReplicationRuleId(d.region),
      priority: d.priority,
      // Every object: an empty prefix filter (a tag filter would rule out delete marker replication).
      filter: { prefix: '' },
      destination: s3.Bucket.fromBucketAttributes(this, `${d.region}-bucket`, {
        bucketName: d.bucketName,
        region: d.region,
        account: stack.account,
      }),
      storageClass: STANDARD,
      sseKmsEncryptedObjects: true,
      // The replica key is named by its alias ARN, which ReplicaKmsKeyID accepts (S3 API EncryptionConfiguration:
      // "Key ARN or Alias ARN"); the alias resolves in this account, which owns every region's key. The L2 reads only
      // keyArn from this reference, and grants nothing through it: the bucket gets this construct's role.
      kmsKey: kms.Key.fromKeyArn(this, `${d.region}-key`, aliasArn(d.region)),
      // A user's deletion must reach every region, or the other regions keep serving deleted media. A delete
      // marker is a soft delete: the versions underneath stay until noncurrentVersionExpirationDays, and S3 never
      // replicates deletes of a specific version, so a permanent delete in one region cannot erase the others.
      deleteMarkerReplication: true,
      // Replicas are not replicated again (S3 skips objects that are themselves replicas), so mutual replication
      // does not loop; metadata changes made on a replica stay in its region.
      replicaModifications: false,
      // S3 Replication Time Control (15-minute SLA) stays off: it is billed per GB replicated on top of replication,
      // and the plan states no recovery-point objective for media that would need it.
      // Replication metrics are on (ReplicationLatency, OperationsFailedReplication per rule, billed as CloudWatch
      // metrics): the media stack's alarms watch them. Without RTC there is no event threshold (S3 User Guide,
      // "Monitoring progress with replication metrics"), and CDK renders none from this value.
      metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
    }));

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replication of ${sourceBucketName} into ${destinations.map((d) => d.region).join(', ')}`,
    });

    const sourceBucketArn = bucketArn(sourceBucketName);
    const sourceObjects = objectsArn(sourceBucketName);
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadReplicationConfiguration',
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [sourceBucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadSourceVersions',
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: [sourceObjects],
      }),
      new iam.PolicyStatement({
        sid: 'WriteReplicas',
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        resources: destinations.map((d) => objectsArn(d.bucketName)),
      }),
      new iam.PolicyStatement({
        sid: 'DecryptSourceObjects',
        actions: ['kms:Decrypt'],
        resources: [sourceKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          // With S3 Bucket Keys the encryption context is the bucket ARN, without them the object ARN.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [sourceBucketArn, sourceObjects] },
        },
      }),
      // An alias ARN cannot be the Resource of a key operation (KMS: "Use aliases to control access to KMS keys"), so
      // each destination's statement names the region's keys and keeps only the one under the media alias, used by
      // S3 of that region for that bucket. kms:Decrypt is there because S3 checks the destination's S3 Bucket Key
      // with it ("Amazon S3 Bucket Keys and replication", S3 User Guide).
      ...destinations.map(
        (d) =>
          new iam.PolicyStatement({
            sid: `EncryptReplicas${d.region.replace(/[^A-Za-z0-9]/g, '')}`,
            actions: ['kms:Encrypt', 'kms:Decrypt'],
            resources: [keysArn(d.region)],
            conditions: {
              'StringEquals': { 'kms:ViaService': `s3.${d.region}.amazonaws.com` },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAlias },
              'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [bucketArn(d.bucketName), objectsArn(d.bucketName)] },
            },
          }),
      ),
    ];
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `S3 replication of ${sourceBucketName}: read it, write replicas into the other regions' media buckets`,
      statements,
      roles: [this.role],
    });

    // The policy's wildcard ARNs (objects of each bucket, keys of each region) are acknowledged in
    // stacks/compliance/acknowledgments/media.ts, with the reason.

    function bucketArn(name: string): string {
      return `arn:${stack.partition}:s3:::${name}`;
    }
    function objectsArn(name: string): string {
      return `${bucketArn(name)}/*`;
    }
    function keysArn(region: string): string {
      return `arn:${stack.partition}:kms:${region}:${stack.account}:key/*`;
    }
  }
}

/** Throws one GigascaleError naming every destination S3 would refuse or that would replicate a bucket into itself. */
function validate(scope: Construct, sourceRegion: string, destinations: readonly MediaReplicationDestination[]): void {
  const issues: Issue[] = [];
  const at = scope.node.path;
  if (destinations.length === 0) {
    issues.push({ at, message: 'destinations must name at least one bucket in another region, got none' });
  }
  const regions = new Set<string>();
  const priorities = new Set<number>();
  destinations.forEach((d, i) => {
    if (d.region === sourceRegion) {
      issues.push({ at, message: `destinations[${i}].region must differ from the source region ${sourceRegion}, got ${d.region}` });
    }
    if (regions.has(d.region)) issues.push({ at, message: `destinations[${i}].region must be unique, got ${d.region} again` });
    if (!Number.isInteger(d.priority) || d.priority < 0) {
      issues.push({ at, message: `destinations[${i}].priority must be a non-negative integer, got ${d.priority}` });
    } else if (priorities.has(d.priority)) {
      issues.push({ at, message: `destinations[${i}].priority must be unique, got ${d.priority} again` });
    }
    regions.add(d.region);
    priorities.add(d.priority);
  });
  if (issues.length > 0) throw new GigascaleError('Invalid media replication', issues);
}
