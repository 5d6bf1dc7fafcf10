/**
 * Which database shard holds a user: user id -> bucket (SHA-256, 4096 buckets) -> shard (jump consistent hash of the
 * bucket). Every service, probe and tool that routes by user id must compute exactly this, in any language; the
 * docs/data.md "Sharding: user id → bucket → shard" is the spec, and test/shard-map.test.ts pins vectors computed
 * by the C++ reference and an independent Python implementation.
 *
 * Why not the seed's `hash % shards`: adding one shard to N moves ~N/(N+1) of all users; jump hash moves the
 * minimum, ~1/(N+1), and only onto the new shard.
 */
import { createHash } from 'node:crypto';
import { GigascaleError } from '../util/errors';
import { integerProblem } from '../util/ranges';

/** Fixed number of buckets users hash into; a shard count is 1..BUCKET_COUNT, so no shard is ever empty. */
export const BUCKET_COUNT = 4096;

/** Largest bucket count the reference jump hash takes (its `num_buckets` is an int32). */
const MAX_JUMP_BUCKETS = 2 ** 31 - 1;
const UINT64_MASK = (1n << 64n) - 1n;
const LCG_MULTIPLIER = 2862933555777941757n;
const TITLE = 'Invalid shard map input';

function fail(at: string, message: string): never {
  throw new GigascaleError(TITLE, [{ at, message }]);
}

/** Checks [name, value, min, max] tuples and throws one error listing every value out of its range. */
function checkIntegers(...checks: readonly (readonly [string, number, number, number])[]): void {
  const issues = checks.flatMap(([at, value, min, max]) => {
    const message = integerProblem(value, min, max);
    return message === undefined ? [] : [{ at, message }];
  });
  if (issues.length > 0) throw new GigascaleError(TITLE, issues);
}

/** The bucket of a user: the first 4 bytes of SHA-256(UTF-8 of the id), big-endian, mod 4096. No normalization. */
export function bucketOf(userId: string): number {
  if (typeof userId !== 'string') fail('userId', `must be a string, got ${typeof userId}`);
  // A lone surrogate has no UTF-8 encoding: Node would hash U+FFFD in its place, Python would raise: refuse it here.
  if (/[\uD800-\uDFFF]/u.test(userId)) fail('userId', `must be well-formed Unicode, got ${JSON.stringify(userId)} (a lone surrogate)`);
  return createHash('sha256').update(userId, 'utf8').digest().readUInt32BE(0) % BUCKET_COUNT;
}

/**
 * Jump consistent hash (Lamping & Veach 2014, "A Fast, Minimal Memory, Consistent Hash Algorithm", Figure 1):
 * the bucket in 0..buckets-1 of a 64-bit key. Bit for bit the C++ reference: the LCG wraps at 2^64 (BigInt here),
 * and `(b + 1) * (2^31 / ((key >>> 33) + 1))` is computed in doubles and truncated, exactly as the C++ does.
 */
export function jumpHash(key: bigint | number, buckets: number): number {
  checkIntegers(['buckets', buckets, 1, MAX_JUMP_BUCKETS]);
  let k: bigint;
  if (typeof key === 'bigint') {
    if (key < 0n || key > UINT64_MASK) fail('key', `must be an integer in 0..2^64-1, got ${key}`);
    k = key;
  } else {
    // Above 2^53 a number has already lost its low bits; such keys must come as bigints.
    if (!Number.isSafeInteger(key) || key < 0) fail('key', `must be an integer in 0..2^53-1 (a bigint up to 2^64-1), got ${String(key)}`);
    k = BigInt(key);
  }
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * LCG_MULTIPLIER + 1n) & UINT64_MASK;
    // (k >> 33) + 1 <= 2^31 and b + 1 <= 2^31 are exact in a double, so only the division and the product
    // round, as in the reference; the result is below 2^62, so truncation cannot overflow there either.
    j = Math.trunc((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

/** The shard in 0..shards-1 of a bucket: jumpHash(bucket, shards). */
export function shardOfBucket(bucket: number, shards: number): number {
  checkIntegers(['bucket', bucket, 0, BUCKET_COUNT - 1], ['shards', shards, 1, BUCKET_COUNT]);
  return jumpHash(bucket, shards);
}

/** The bucket and the shard of a user. */
export function shardOf(userId: string, shards: number): { bucket: number; shard: number } {
  checkIntegers(['shards', shards, 1, BUCKET_COUNT]);
  const bucket = bucketOf(userId);
  return { bucket, shard: jumpHash(bucket, shards) };
}

/** Buckets that change shard going from one shard count to another, per pair of shards. */
export interface ReshardPlan {
  /** Always BUCKET_COUNT: the number of buckets considered. */
  readonly buckets: number;
  /** Shard count before. */
  readonly from: number;
  /** Shard count after. */
  readonly to: number;
  /** Buckets whose shard changes. */
  readonly moved: number;
  /** moved / buckets. */
  readonly fraction: number;
  /** Per (old shard, new shard) pair, how many buckets move; sorted by from, then to. */
  readonly moves: readonly { readonly from: number; readonly to: number; readonly buckets: number }[];
}

/**
 * What resharding from `from` to `to` shards moves. Growing N -> M moves ~1 - N/M of the buckets, all onto the new
 * shards N..M-1; shrinking moves only the buckets of the removed shards.
 */
export function reshardPlan(from: number, to: number): ReshardPlan {
  checkIntegers(['from', from, 1, BUCKET_COUNT], ['to', to, 1, BUCKET_COUNT]);

  const pairs = new Map<number, number>();
  let moved = 0;
  for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
    const a = jumpHash(bucket, from);
    const b = jumpHash(bucket, to);
    if (a === b) continue;
    moved++;
    const pair = a * BUCKET_COUNT + b;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  const moves = [...pairs.entries()]
    .sort(([p], [q]) => p - q)
    .map(([pair, buckets]) => ({ from: Math.floor(pair / BUCKET_COUNT), to: pair % BUCKET_COUNT, buckets }));
  return { buckets: BUCKET_COUNT, from, to, moved, fraction: moved / BUCKET_COUNT, moves };
}
