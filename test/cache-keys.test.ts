/**
 * The cache key layout (lib/facts/cache-keys.ts) without a server: exact keys and lifetimes, the hash-slot function
 * against published vectors, and the argument checks. test/cache-layout.test.ts runs the same layout against a real
 * cluster-mode Redis and its ACL.
 */
import { describe, expect, it } from 'vitest';
import { cacheAccessString } from '../lib/facts/cache-acl';
import { cacheKeyLayout, crc16, ENTITY_KINDS, hashSlot, type EntityKind } from '../lib/facts/cache-keys';
import { DEFAULT_CACHE_TTLS, type CacheTtls } from '../lib/facts/cache-tiers';
import type { ServiceName } from '../lib/facts/services';
import { planOf } from './support/synth';

const layout = cacheKeyLayout(DEFAULT_CACHE_TTLS);

describe('crc16 and hashSlot', () => {
  // CRC-16/XMODEM check value (the CRC catalogue's "123456789"); the others are CLUSTER KEYSLOT examples of the
  // Redis documentation, cross-checked with Python's binascii.crc_hqx(data, 0).
  it('computes the CRC-16/XMODEM check value 0x31C3 for "123456789"', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it.each([
    ['123456789', 12739],
    ['somekey', 11058],
    ['foo{hash_tag}', 2515],
    ['bar{hash_tag}', 2515],
    ['foo', 12182],
    ['', 0],
    ['\u00fcn\u00efc\u00f8d\u00e9', 1067],
  ])('puts %j in slot %i', (key, slot) => {
    expect(hashSlot(key)).toBe(slot);
  });

  // The hash tag rules of the cluster spec, with its own examples.
  it.each([
    ['{user1000}.following', 'user1000'],
    ['{user1000}.followers', 'user1000'],
    ['foo{}{bar}', 'foo{}{bar}'],
    ['foo{{bar}}zap', '{bar'],
    ['foo{bar}{zap}', 'bar'],
    ['foo{bar', 'foo{bar'],
  ])('hashes %j by %j', (key, hashed) => {
    expect(hashSlot(key)).toBe(crc16(Buffer.from(hashed)) % 16384);
  });
});

describe('cacheKeyLayout', () => {
  it('builds a session key tagged by the session id, living sessionSeconds', () => {
    expect(layout.session('s-1')).toEqual({ key: 'session:{s-1}', ttlSeconds: 86_400 });
  });

  it.each(ENTITY_KINDS)('builds a %s key tagged by its id, living entitySeconds', (kind) => {
    expect(layout.entity(kind, 'e-1')).toEqual({ key: `entity:${kind}:{e-1}`, ttlSeconds: 300 });
  });

  it("builds an entity list key tagged by the owner, living the seed's 300 s", () => {
    expect(layout.entityList('u-1', 'horse')).toEqual({ key: 'entity:list:{u-1}:horse', ttlSeconds: 300 });
  });

  it('builds a presence key tagged by the user, living presenceSeconds', () => {
    expect(layout.presence('u-1')).toEqual({ key: 'chat:presence:{u-1}', ttlSeconds: 60 });
  });

  it('builds a memory key tagged by the user', () => {
    expect(layout.memory('u-1', 'fav:colour')).toEqual({ key: 'memory:{u-1}:fav:colour', ttlSeconds: DEFAULT_CACHE_TTLS.l2.memorySeconds });
  });

  it("takes every lifetime from the plan's CacheTtls", () => {
    const caching = planOf().environments[0].caching;
    const ttls: CacheTtls = { ...caching, l2: { sessionSeconds: 11, entitySeconds: 22, entityListSeconds: 33, presenceSeconds: 44, memorySeconds: 55 } };
    const custom = cacheKeyLayout(ttls);
    expect([custom.session('s').ttlSeconds, custom.entity('horse', 'e').ttlSeconds, custom.entityList('u', 'horse').ttlSeconds, custom.presence('u').ttlSeconds]).toEqual([
      11, 22, 33, 44,
    ]);
    expect(cacheKeyLayout(caching).entityList('u', 'horse').ttlSeconds).toBe(caching.l2.entityListSeconds);
  });

  it("gives every key a prefix its service's cache user is granted", () => {
    const keys: [ServiceName, string][] = [
      ['auth', layout.session('s').key],
      ['entity', layout.entity('profile', 'e').key],
      ['entity', layout.entityList('u', 'business').key],
      ['chat', layout.presence('u').key],
      ['memory', layout.memory('u', 'k').key],
    ];
    for (const [service, key] of keys) {
      const patterns = cacheAccessString(service)
        .split(' ')
        .filter((rule) => rule.startsWith('~'))
        .map((rule) => rule.slice(1));
      expect(patterns, `${service} ${key}`).toHaveLength(1);
      expect(key.startsWith(patterns[0].replace(/\*$/, '')), `${service} ${key} vs ${patterns[0]}`).toBe(true);
    }
  });

  it("puts one owner's entity lists of every kind in one slot", () => {
    const slots = ENTITY_KINDS.map((kind) => hashSlot(layout.entityList('owner-7', kind).key));
    expect(new Set(slots)).toEqual(new Set([hashSlot('owner-7')]));
  });

  it("puts one user's presence and memory keys in one slot", () => {
    expect(hashSlot(layout.presence('u-9').key)).toBe(hashSlot(layout.memory('u-9', 'a').key));
    expect(hashSlot(layout.memory('u-9', 'a').key)).toBe(hashSlot(layout.memory('u-9', 'b').key));
  });
});

describe('cacheKeyLayout argument checks', () => {
  const long = 'x'.repeat(257);
  it.each([
    ['an empty session id', () => layout.session(''), 'sessionId must be a string of 1..256 characters without "{" or "}", got ""'],
    ['a brace in an entity id', () => layout.entity('horse', 'a{b'), 'id must be a string of 1..256 characters without "{" or "}", got "a{b"'],
    ['a closing brace in an owner id', () => layout.entityList('a}', 'horse'), 'ownerId must be a string of 1..256 characters without "{" or "}", got "a}"'],
    [
      'a 257-character user id',
      () => layout.presence(long),
      `userId must be a string of 1..256 characters without "{" or "}", got "${'x'.repeat(40)}"... (257 characters)`,
    ],
    ['an empty memory key', () => layout.memory('u', ''), 'key must be a string of 1..256 characters without "{" or "}", got ""'],
    ['a non-string id', () => layout.session(undefined as unknown as string), 'sessionId must be a string of 1..256 characters without "{" or "}", got undefined'],
    ['an unknown entity kind', () => layout.entity('cat' as EntityKind, 'e'), 'kind must be one of profile, business, horse, got "cat"'],
  ])('refuses %s and names the argument', (_what, build, message) => {
    expect(build).toThrow(new Error(message));
  });

  it('accepts a 256-character id', () => {
    expect(layout.session('y'.repeat(256)).key).toHaveLength('session:{}'.length + 256);
  });
});
