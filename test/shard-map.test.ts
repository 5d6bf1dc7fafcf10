/**
 * The shard map is a contract with every service that routes by user id, in any language: these vectors are the
 * spec's (docs/data.md "Sharding: user id → bucket → shard"). They were computed outside this code base, by an
 * independent Python implementation (hashlib.sha256; jump hash on Python ints masked to 64 bits, float division
 * as in the C++) and cross-checked against the paper's C++ reference compiled with g++.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, jumpHash, reshardPlan, shardOf, shardOfBucket } from '../lib/facts/shard-map';

const SHARD_COUNTS = [1, 10, 16, 17, 100, 128, 4096] as const;

/** userId -> [bucket, shard for each of SHARD_COUNTS]. */
const USER_VECTORS: readonly (readonly [string, number, readonly number[]])[] = [
  ['alice', 1737, [0, 9, 9, 9, 89, 89, 2905]],
  ['bob', 2008, [0, 1, 14, 14, 93, 110, 413]],
  ['user-42', 2723, [0, 7, 7, 16, 74, 114, 476]],
  ['', 1090, [0, 5, 5, 16, 62, 62, 3608]],
  // "ünïcødé" in NFC (precomposed code points), spelled as escapes so no editor can renormalize it.
  ['\u00fcn\u00efc\u00f8d\u00e9', 3795, [0, 6, 6, 6, 95, 95, 1109]],
  ['00000000-0000-0000-0000-000000000001', 2263, [0, 9, 9, 9, 17, 17, 2169]],
];

/** Raw 64-bit key -> shard for each of SHARD_COUNTS, then for 2^31-1 buckets (the reference's largest). */
const KEY_VECTORS: readonly (readonly [bigint, readonly number[]])[] = [
  [0n, [0, 0, 0, 0, 0, 0, 0, 0]],
  [1n, [0, 6, 6, 6, 55, 55, 2323, 262355607]],
  [4095n, [0, 1, 1, 1, 96, 96, 2815, 1144412426]],
  [0xdeadbeefn, [0, 5, 5, 16, 87, 87, 2238, 1452406526]],
  [2n ** 64n - 1n, [0, 9, 10, 10, 92, 92, 1921, 699554662]],
];

/** sha256 of the shards of buckets 0..4095 joined by commas, from the C++ reference and the Python one. */
const MAP_DIGESTS: readonly (readonly [number, string])[] = [
  [16, 'c1ecdc53351e3e10e781c468540c0478f9504e2884c7373a3876ba9a548ff9eb'],
  [17, '1030ffd88f5c1c9af0543d54465e839b299073a400d0ec1941ac537025ff9163'],
  [100, 'c414c391ac51125fd1500253bd78042ff762f8249b348df3c171db0e77f8b896'],
  [4096, '6e84d88084ff5e3b24324d5c46b4d3d311cd09f3d5603c639ae15abd5a34251e'],
];

/** The shard of every bucket for a shard count. */
function mapOf(shards: number): number[] {
  return Array.from({ length: BUCKET_COUNT }, (_, bucket) => shardOfBucket(bucket, shards));
}

/** Normal approximation of the binomial spread of `BUCKET_COUNT` draws with probability p: 3 standard deviations. */
const threeSigma = (p: number): number => 3 * Math.sqrt(BUCKET_COUNT * p * (1 - p));

describe('bucketOf and shardOf', () => {
  it.each(USER_VECTORS)('puts user %j in bucket %i and on the reference shards', (userId, bucket, shards) => {
    expect(bucketOf(userId)).toBe(bucket);
    expect(SHARD_COUNTS.map((n) => shardOf(userId, n))).toEqual(shards.map((shard) => ({ bucket, shard })));
  });

  it('hashes the UTF-8 bytes as given, without Unicode normalization', () => {
    // "ü" precomposed (U+00FC) and decomposed (u + U+0308) are different bytes, so they may land in different buckets.
    expect(bucketOf('\u00fc')).toBe(createHash('sha256').update(Buffer.from([0xc3, 0xbc])).digest().readUInt32BE(0) % 4096);
    expect(bucketOf('u\u0308')).toBe(createHash('sha256').update(Buffer.from([0x75, 0xcc, 0x88])).digest().readUInt32BE(0) % 4096);
  });

  it('spreads user ids over the whole bucket range 0..4095', () => {
    const buckets = Array.from({ length: 20_000 }, (_, i) => bucketOf(`user-${i}`));
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < BUCKET_COUNT)).toBe(true);
    expect(Math.min(...buckets)).toBeLessThan(10);
    expect(Math.max(...buckets)).toBeGreaterThan(BUCKET_COUNT - 10);
  });
});

describe('jumpHash', () => {
  it.each(KEY_VECTORS)('gives key %s the reference buckets', (key, expected) => {
    expect([...SHARD_COUNTS, 2 ** 31 - 1].map((n) => jumpHash(key, n))).toEqual(expected);
  });

  it('gives a key the same bucket as a number and as a bigint', () => {
    for (const key of [0, 1, 4095, 2 ** 53 - 1]) expect(jumpHash(key, 4096)).toBe(jumpHash(BigInt(key), 4096));
  });

  it.each(MAP_DIGESTS)('maps all 4096 buckets onto %i shards exactly as the reference does', (shards, digest) => {
    expect(createHash('sha256').update(mapOf(shards).join(',')).digest('hex')).toBe(digest);
  });
});

describe('resharding', () => {
  // The shard of every bucket for 1..129 shards, computed once for the properties below.
  const maps = new Map(Array.from({ length: 129 }, (_, i) => [i + 1, mapOf(i + 1)] as const));

  it('keeps every bucket on its shard or moves it to the new shard when going from N to N+1 shards, N = 1..128', () => {
    for (let n = 1; n <= 128; n++) {
      const [before, after] = [maps.get(n)!, maps.get(n + 1)!];
      expect(before.every((shard, bucket) => after[bucket] === shard || after[bucket] === n), `N = ${n}`).toBe(true);
    }
  });

  it('moves about 1/(N+1) of the buckets when going from N to N+1 shards, within 3 standard deviations', () => {
    for (let n = 1; n <= 128; n++) {
      const p = 1 / (n + 1);
      const moved = maps.get(n)!.filter((shard, bucket) => maps.get(n + 1)![bucket] !== shard).length;
      expect(Math.abs(moved - BUCKET_COUNT * p), `N = ${n}`).toBeLessThanOrEqual(threeSigma(p));
    }
  });

  it('never moves a bucket to a lower shard as shards are added (monotonic)', () => {
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      const shards = [...maps.values()].map((m) => m[bucket]);
      expect(shards.every((s, i) => i === 0 || s >= shards[i - 1]), `bucket ${bucket}`).toBe(true);
    }
  });

  it.each([16, 100])('spreads the 4096 buckets evenly over %i shards, each within 3 standard deviations', (n) => {
    const counts = new Array<number>(n).fill(0);
    for (const shard of mapOf(n)) counts[shard]++;
    for (const count of counts) expect(Math.abs(count - BUCKET_COUNT / n)).toBeLessThanOrEqual(threeSigma(1 / n));
  });

  it.each([
    [16, 17],
    [100, 10],
    [1, 128],
  ])('counts in a plan from %i to %i shards exactly the buckets whose shard differs', (from, to) => {
    const [before, after] = [mapOf(from), mapOf(to)];
    expect(reshardPlan(from, to).moved).toBe(before.filter((shard, bucket) => after[bucket] !== shard).length);
  });

  it('plans 16 -> 17 shards as 242 buckets (5.9 %), all onto shard 16, one move per old shard', () => {
    const plan = reshardPlan(16, 17);
    expect(plan).toMatchObject({ buckets: 4096, from: 16, to: 17, moved: 242, fraction: 242 / 4096 });
    expect(plan.moves.map((m) => [m.from, m.to])).toEqual(Array.from({ length: 16 }, (_, i) => [i, 16]));
    expect(plan.moves.reduce((n, m) => n + m.buckets, 0)).toBe(242);
  });

  it('plans a shrink by moving only the buckets of the removed shards, the mirror of the growth', () => {
    const shrink = reshardPlan(17, 16);
    expect(shrink.moved).toBe(242);
    expect(shrink.moves.map((m) => ({ from: m.to, to: m.from, buckets: m.buckets }))).toEqual(reshardPlan(16, 17).moves);
    expect(reshardPlan(100, 10).moves.every((m) => m.from >= 10 && m.to < 10)).toBe(true);
  });

  it('sorts the moves of a plan by old shard, then by new shard', () => {
    const keys = reshardPlan(100, 10).moves.map((m) => m.from * 4096 + m.to);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('moves nothing when the shard count does not change', () => {
    expect(reshardPlan(16, 16)).toEqual({ buckets: 4096, from: 16, to: 16, moved: 0, fraction: 0, moves: [] });
  });

  it('moves every bucket but bucket 0 when going from 1 to 4096 shards (bucket 0 is always on shard 0)', () => {
    expect(reshardPlan(1, 4096).moved).toBe(4095);
    expect(maps.get(129)![0]).toBe(0);
  });
});

describe('validation', () => {
  const error = (...problems: string[]) =>
    [`Invalid shard map input (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, ...problems.map((p) => `  - ${p}`)].join('\n');

  it.each([
    ['shardOf with 0 shards', () => shardOf('alice', 0), error('shards: must be an integer in 1..4096, got 0')],
    ['shardOf with 4097 shards', () => shardOf('alice', 4097), error('shards: must be an integer in 1..4096, got 4097')],
    ['shardOf with 1.5 shards', () => shardOf('alice', 1.5), error('shards: must be an integer in 1..4096, got 1.5')],
    ['shardOf with NaN shards', () => shardOf('alice', NaN), error('shards: must be an integer in 1..4096, got NaN')],
    [
      'shardOfBucket with bucket 4096 and -1 shards',
      () => shardOfBucket(4096, -1),
      error('bucket: must be an integer in 0..4095, got 4096', 'shards: must be an integer in 1..4096, got -1'),
    ],
    ['jumpHash with 0 buckets', () => jumpHash(1, 0), error('buckets: must be an integer in 1..2147483647, got 0')],
    ['jumpHash with 2^31 buckets', () => jumpHash(1, 2 ** 31), error('buckets: must be an integer in 1..2147483647, got 2147483648')],
    ['jumpHash with key -1', () => jumpHash(-1, 16), error('key: must be an integer in 0..2^53-1 (a bigint up to 2^64-1), got -1')],
    ['jumpHash with key 2^53', () => jumpHash(2 ** 53, 16), error('key: must be an integer in 0..2^53-1 (a bigint up to 2^64-1), got 9007199254740992')],
    ['jumpHash with key 2^64n', () => jumpHash(2n ** 64n, 16), error('key: must be an integer in 0..2^64-1, got 18446744073709551616')],
    ['jumpHash with key -1n', () => jumpHash(-1n, 16), error('key: must be an integer in 0..2^64-1, got -1')],
    [
      'reshardPlan from 0 to 5000',
      () => reshardPlan(0, 5000),
      error('from: must be an integer in 1..4096, got 0', 'to: must be an integer in 1..4096, got 5000'),
    ],
    ['bucketOf with a lone surrogate', () => bucketOf('a\uD800'), error('userId: must be well-formed Unicode, got "a\\ud800" (a lone surrogate)')],
  ])('refuses %s and names the argument, the value and the range', (_case, call, message) => {
    expect(call).toThrow(expect.objectContaining({ name: 'GigascaleError', message, exitCode: 2 }));
  });
});
