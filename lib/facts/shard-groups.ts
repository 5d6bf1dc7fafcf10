/**
 * Packing of shards into shard-group stacks (`<env>-<region>-shards-<k>`). CloudFormation caps a stack at 500
 * resources and gigascale's guard at 400, so the data tier cannot live in one stack; and moving a shard to
 * another stack replaces its database. So a shard's group depends on the shard alone, never on how many shards
 * exist: shard s is in group floor(s / SHARDS_PER_GROUP). Adding shards fills the last group and then opens new
 * ones; no existing shard moves.
 */

/**
 * Shards per group stack. Fixed forever for an environment: changing it moves shards between stacks, which
 * replaces their databases. A write-region shard is 14 resources with one reader (15 once the Secrets Manager
 * transform adds its rotation function's nested stack), 21 (22) with the 8 readers the config allows at most:
 * 16 x 22 + 3 per group = 355, under the 400-resource guard, which re-checks every synth.
 */
export const SHARDS_PER_GROUP = 16;

export interface ShardGroup {
  /** Group number, part of the stack name. */
  readonly group: number;
  /** Shards in the group, ascending. */
  readonly shards: readonly number[];
}

/** The group of one shard. */
export function shardGroupOf(shard: number): number {
  return Math.floor(shard / SHARDS_PER_GROUP);
}

/**
 * Shards per migrations stack (`<env>-<region>-migrations-<k>`, write region only): the Kubernetes objects of one shard
 * (its migrations Job and the SecretProviderClass syncing its credentials) take about 3.7 KB of template, so 64 shards
 * stay near 240 KB, well under the 800 KB guard, however many shards exist. A shard that moved between these stacks
 * would only have its Job and class re-created, but the rule is the same as for shard groups: the group depends on the
 * shard alone.
 */
export const MIGRATION_SHARDS_PER_GROUP = 64;

/** Shards 0..shards-1 in groups of `perGroup` (shard s in group floor(s / perGroup)), ascending. */
export function shardGroups(shards: number, perGroup: number = SHARDS_PER_GROUP): ShardGroup[] {
  const groups: ShardGroup[] = [];
  for (let s = 0; s < shards; s++) {
    const g = Math.floor(s / perGroup);
    if (groups.length === g) groups.push({ group: g, shards: [] });
    (groups[g].shards as number[]).push(s);
  }
  return groups;
}
