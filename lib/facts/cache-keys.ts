/**
 * The key layout every service uses in the regional Valkey cluster, and the L2 lifetime of each key.
 *
 * The cluster runs in cluster mode (ElastiCache), where a command or MULTI/EXEC touching several keys fails with
 * CROSSSLOT unless every key hashes to one slot. So each key carries a hash tag `{...}` around the id that groups
 * it: a user's entity lists share `{<ownerId>}` and can be read with one MGET. Prefixes come from
 * CACHE_KEY_PREFIX (lib/facts/services.ts), the same source the ACL grants `~<prefix>:*` from (lib/facts/cache-acl.ts), so a
 * key built here is always one its service's cache user may touch. Lifetimes come from the plan's CacheTtls, never
 * from literals.
 */
import { CACHE_KEY_PREFIX, type ServiceName } from './services';
import type { CacheTtls } from './cache-tiers';

/** The kinds of entity the entity service caches, one by id or as lists. */
export const ENTITY_KINDS = ['profile', 'business', 'horse'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Longest id (or memory key) accepted: far above a UUID, far below Valkey's limits, and keeps keys cheap. */
export const MAX_KEY_PART_LENGTH = 256;

/** Redis Cluster's slot count (the cluster spec: HASH_SLOT = CRC16(key) mod 16384). */
export const HASH_SLOTS = 16_384;

/** A key and the L2 lifetime a writer must set on it (`SET key value EX ttlSeconds`). */
export interface CacheKey {
  readonly key: string;
  /** Seconds, from the plan's CacheTtls.l2. */
  readonly ttlSeconds: number;
}

/** The builders of one environment's keys, bound to its lifetimes. */
export interface CacheKeyLayout {
  /** `session:{<sessionId>}`, living CacheTtls.l2.sessionSeconds (the auth service's). */
  session(sessionId: string): CacheKey;
  /** `entity:<kind>:{<id>}`, living CacheTtls.l2.entitySeconds. */
  entity(kind: EntityKind, id: string): CacheKey;
  /** `entity:list:{<ownerId>}:<kind>`, living CacheTtls.l2.entityListSeconds (the seed's 5 minutes). */
  entityList(ownerId: string, kind: EntityKind): CacheKey;
  /** `chat:presence:{<userId>}`, living CacheTtls.l2.presenceSeconds (refreshed by heartbeats). */
  presence(userId: string): CacheKey;
  /** `memory:{<userId>}:<key>`, living CacheTtls.l2.memorySeconds. */
  memory(userId: string, key: string): CacheKey;
}

/** The key layout for one environment's lifetimes (`plan.environments[i].caching`). */
export function cacheKeyLayout(ttls: CacheTtls): CacheKeyLayout {
  const l2 = ttls.l2;
  return {
    session: (sessionId) => ({ key: `${prefix('auth')}:{${part('sessionId', sessionId)}}`, ttlSeconds: l2.sessionSeconds }),
    entity: (kind, id) => ({ key: `${prefix('entity')}:${entityKind(kind)}:{${part('id', id)}}`, ttlSeconds: l2.entitySeconds }),
    entityList: (ownerId, kind) => ({
      key: `${prefix('entity')}:list:{${part('ownerId', ownerId)}}:${entityKind(kind)}`,
      ttlSeconds: l2.entityListSeconds,
    }),
    presence: (userId) => ({ key: `${prefix('chat')}:presence:{${part('userId', userId)}}`, ttlSeconds: l2.presenceSeconds }),
    memory: (userId, key) => ({ key: `${prefix('memory')}:{${part('userId', userId)}}:${part('key', key)}`, ttlSeconds: l2.memorySeconds }),
  };
}

/**
 * The cluster slot of a key, as Redis Cluster and Valkey compute it: CRC16/XMODEM of the key's UTF-8 bytes, or of
 * its hash tag (the bytes between the first `{` and the next `}`, when that is non-empty), mod 16384.
 */
export function hashSlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b); // '{'
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // '}'
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % HASH_SLOTS;
  }
  return crc16(bytes) % HASH_SLOTS;
}

/** CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection): the CRC of the Redis cluster spec. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function prefix(service: ServiceName): string {
  const p = CACHE_KEY_PREFIX[service];
  if (p === undefined) throw new Error(`${service} has no cache key prefix (lib/facts/services.ts CACHE_KEY_PREFIX)`);
  return p;
}

/** Checks one id or key part; a brace would move or break the hash tag, and so the slot. */
function part(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_PART_LENGTH || /[{}]/.test(value)) {
    throw new Error(`${name} must be a string of 1..${MAX_KEY_PART_LENGTH} characters without "{" or "}", got ${describe(value)}`);
  }
  return value;
}

function entityKind(kind: EntityKind): EntityKind {
  if (!ENTITY_KINDS.includes(kind)) throw new Error(`kind must be one of ${ENTITY_KINDS.join(', ')}, got ${describe(kind)}`);
  return kind;
}

/** A received value for an error message; long strings are cut so the message stays readable. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}... (${value.length} characters)` : JSON.stringify(value);
}
