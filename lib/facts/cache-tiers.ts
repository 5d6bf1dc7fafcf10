/**
 * The seed's multi-tier cache as config every service receives: L1 in the process, L2 the regional Valkey cluster,
 * L3 the edge (Cloudflare). Times are seconds. The seed fixes one number: entity lists live 5 minutes in Redis.
 */

export interface L2Ttls {
  /** A login session; refreshed on use (sliding), so this is the idle timeout. */
  readonly sessionSeconds: number;
  /** Lists of entities (a user's horses, a business's profiles): the seed's 5 minutes. */
  readonly entityListSeconds: number;
  /** One entity (profile, business, horse) by id. */
  readonly entitySeconds: number;
  /** Chat presence (who is online, on which socket node); refreshed by heartbeats. */
  readonly presenceSeconds: number;
  /** A user's AI memory entry by key (the row of `ai_user_memory`); the memory service deletes it on write. */
  readonly memorySeconds: number;
}

export interface L3Ttls {
  /** Public profile pages and their JSON at the edge: the seed's 5 minutes. */
  readonly publicProfileSeconds: number;
  /**
   * Public profiles in the browser: short, because the edge can be purged on a profile change and browsers cannot.
   * At most `publicProfileSeconds`.
   */
  readonly publicProfileBrowserSeconds: number;
  /** Static assets (content-hashed file names, so they never change under one URL). */
  readonly staticAssetSeconds: number;
}

export interface CacheTtls {
  /** In-process (L1) entries of every service: short, so a write is visible everywhere within this time. */
  readonly l1Seconds: number;
  readonly l2: L2Ttls;
  readonly l3: L3Ttls;
}

export const DEFAULT_CACHE_TTLS: CacheTtls = {
  l1Seconds: 30,
  l2: { sessionSeconds: 86_400, entityListSeconds: 300, entitySeconds: 300, presenceSeconds: 60, memorySeconds: 600 },
  l3: { publicProfileSeconds: 300, publicProfileBrowserSeconds: 60, staticAssetSeconds: 31_536_000 },
};
