/**
 * Names of the regional media buckets and their key. S3 bucket names are global, so they carry the account and the
 * region.
 */

import { PROJECT } from './stage';

/** `gigascale-prod-media-222222222222-eu-west-1`: a region's media bucket. */
export function mediaBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-media-${account}-${region}`;
}

/** `gigascale-prod-media-logs-222222222222-eu-west-1`: the server access logs of the region's media bucket. */
export function mediaLogBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-media-logs-${account}-${region}`;
}

/**
 * `alias/gigascale/prod/media`: KMS alias of a region's media key. Every region has a key under the same alias, so
 * another region's replication rule names the replica key by alias ARN without a cross-stack reference.
 */
export function mediaKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/media`;
}

/** `to-eu-west-1`: the id of the media bucket's replication rule into another region's bucket (and its metrics' RuleId). */
export function mediaReplicationRuleId(destinationRegion: string): string {
  return `to-${destinationRegion}`;
}

/**
 * The tag that tells the media bucket from the access-log bucket beside it (both carry the stack's tags): FIS finds
 * the bucket whose replication it pauses by tags only.
 */
export const MEDIA_BUCKET_TAG = { key: 'bucket', value: 'media' } as const;
