/**
 * The services of the platform, as the data, cache and bus tiers see them: who keeps which keys in the regional cache,
 * and (lib/facts/topics.ts) who produces and consumes which topic. The workloads (lib/facts/workloads.ts) derive from
 * the same list. `analytics` and `push` are the seed's event consumers besides memory: workers without an HTTP route.
 */

/** Every service, in a fixed order (names are API: they name cache users, IAM policies and consumer groups). */
export const SERVICES = ['auth', 'entity', 'chat', 'voice', 'memory', 'analytics', 'push'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * Key prefix each service owns in the regional cache; a service's cache user may touch only `<prefix>:*` (and chat
 * its Socket.io channels). Services without a prefix get no cache user.
 */
export const CACHE_KEY_PREFIX: Readonly<Partial<Record<ServiceName, string>>> = {
  auth: 'session',
  entity: 'entity',
  chat: 'chat',
  voice: 'voice',
  memory: 'memory',
};

/** Services that have a cache user, in SERVICES order. */
export function cacheServices(): ServiceName[] {
  return SERVICES.filter((s) => CACHE_KEY_PREFIX[s] !== undefined);
}
