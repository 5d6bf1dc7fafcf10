/**
 * What a region's backup stack protects and where its copies go. Aurora is backed up where each shard's global
 * database has its writer (the write region): a secondary cluster holds the same data, replicated, so its snapshots
 * would be the same data again at the same price. Every region's media bucket is backed up in its region: objects are
 * written in every region, and a bucket may hold objects replication has not yet carried elsewhere.
 */
import type { EnvironmentPlan, RegionPlan } from './plan';

/** Recovery points and copies are kept 35 days unless the config says otherwise: five weekly cycles to notice a loss. */
export const DEFAULT_BACKUP_RETENTION_DAYS = 35;

/**
 * Days a compliance-mode vault lock stays changeable after it is set: AWS Backup's minimum cooling-off period, 72 hours
 * (AWS Backup Developer Guide, "AWS Backup Vault Lock"). After it, the lock is immutable.
 */
export const VAULT_LOCK_GRACE_DAYS = 3;

/**
 * The region a region's recovery points are copied to: for the write region the next region of the environment, for
 * every other region the write region. Null for an environment of one region: there is no vault elsewhere to copy to.
 */
export function backupCopyRegion(environment: EnvironmentPlan, region: RegionPlan): string | null {
  const others = environment.regions.filter((r) => r.name !== region.name);
  if (others.length === 0) return null;
  return region.isWriteRegion ? others[0].name : environment.writeRegion;
}

/** Whether a region backs up the shards: the write region does, where each shard's global database has its writer. */
export function backsUpShards(region: RegionPlan): boolean {
  return region.isWriteRegion;
}
