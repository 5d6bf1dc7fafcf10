/**
 * Names are API: a changed stage, stack or resource name replaces what it names. Every name gigascale gives comes
 * from a module of lib/facts/names, one per concern; this one holds the project, stage and stack names and the tags
 * every other concern builds on.
 */

/** `gigascale`: the first word of every name gigascale gives. */
export const PROJECT = 'gigascale';

/** Concerns a regional stage is split into, one stack each; shard groups are `shards-<k>` (see `shardGroupConcern`). */
export type Concern =
  | 'network'
  | 'data'
  | 'cache'
  | 'media'
  | 'bus'
  | 'ingress'
  | 'compute'
  | 'observability'
  | 'backup'
  | 'chaos'
  | `shards-${number}`
  | `shard-alarms-${number}`
  | `migrations-${number}`;

/** `prod-eu-west-1`: the Stage id, so `npx cdk deploy 'prod-eu-west-1/*'` selects one region of one environment. */
export function stageName(env: string, region: string): string {
  return `${env}-${region}`;
}

/** `prod-eu-west-1-network`: the CloudFormation stack name. */
export function stackName(env: string, region: string, concern: Concern): string {
  return `${stageName(env, region)}-${concern}`;
}

/** `shards-3`: the concern of shard group 3 (stack `prod-eu-west-1-shards-3`). */
export function shardGroupConcern(group: number): Concern {
  return `shards-${group}`;
}

/** `shard-alarms-3`: the concern of the alarms of shard group 3 (stack `prod-eu-west-1-shard-alarms-3`). */
export function shardAlarmsConcern(group: number): Concern {
  return `shard-alarms-${group}`;
}

/** `migrations-1`: the concern of migrations group 1 (stack `prod-us-east-1-migrations-1`, lib/facts/shard-groups). */
export function migrationsConcern(group: number): Concern {
  return `migrations-${group}`;
}

/** Tag keys put on every resource. */
export const TAG_KEYS = {
  project: 'project',
  env: 'env',
  region: 'region',
  concern: 'concern',
  owner: 'owner',
  costCentre: 'cost-centre',
} as const;

/** Words of AWS region names and their letters in the usual short codes (`eu-west-1` -> `euw1`). */
const REGION_WORD_CODES: Readonly<Record<string, string>> = {
  gov: 'g',
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  southeast: 'se',
  northwest: 'nw',
  southwest: 'sw',
};

/**
 * `eu-west-1` -> `euw1`, `ap-southeast-2` -> `apse2`, `us-gov-west-1` -> `usgw1`; a word without a code is kept whole.
 * For names too short to hold the region (the origin canary's, lib/facts/names/observability.ts).
 */
export function regionCode(region: string): string {
  const parts = region.split('-');
  return parts.map((part, i) => (i === 0 || i === parts.length - 1 ? part : (REGION_WORD_CODES[part] ?? part))).join('');
}
