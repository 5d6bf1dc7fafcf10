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

/** Shards 0..shards-1 in their groups, ascending. */
export function shardGroups(shards: number): ShardGroup[] {
  const groups: ShardGroup[] = [];
  for (let s = 0; s < shards; s++) {
    const g = shardGroupOf(s);
    if (groups.length === g) groups.push({ group: g, shards: [] });
    (groups[g].shards as number[]).push(s);
  }
  return groups;
}
