import { mediaBucketName } from '../facts/names/media';
import type { EnvironmentPlan, RegionPlan } from './plan';

/** A bucket a region's media bucket replicates into. */
export interface MediaReplicationDestination {
  /** AWS region of the destination bucket. */
  readonly region: string;
  /** Name of the destination bucket (lib/facts/names/media.ts mediaBucketName). */
  readonly bucketName: string;
  /** Priority of the rule to this destination; unique within the bucket's replication configuration. */
  readonly priority: number;
}

/**
 * The buckets a region's media bucket replicates into: every other region's, when the environment replicates media
 * and has more than one region; none otherwise. A rule's priority is its destination's position in the environment's
 * regions, so adding a region leaves the existing rules as they are.
 */
export function replicationDestinations(environment: EnvironmentPlan, region: RegionPlan): MediaReplicationDestination[] {
  if (environment.media.replication !== 'all-regions') return [];
  return environment.regions.flatMap((r, i) =>
    r.name === region.name ? [] : [{ region: r.name, bucketName: mediaBucketName(environment.name, environment.account, r.name), priority: i + 1 }],
  );
}
