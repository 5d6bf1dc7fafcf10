/**
 * What each service may do in the regional cache, as Valkey ACL rules: the access string of its RBAC user. A
 * service reaches only its own key prefix (lib/facts/services.ts CACHE_KEY_PREFIX); chat also its Socket.io channels.
 * Dangerous commands (FLUSHALL, KEYS, CONFIG, DEBUG, ...) are refused to all. The same strings configure the
 * ElastiCache users (stacks/cache) and the local Valkey/Redis the tests run, so the tests exercise what deploys.
 */
import { CACHE_KEY_PREFIX, cacheServices, type ServiceName } from './services';

/** Channel prefix of the Socket.io Redis adapter (its `channelPrefix` default, `socket.io`). */
export const SOCKET_IO_CHANNEL_PREFIX = 'socket.io';

/**
 * Commands a cluster-mode client needs besides data commands: topology discovery (CLUSTER SLOTS / SHARDS / NODES),
 * the ready check (CLUSTER INFO: ioredis's Cluster sends it after every topology load and drops the connection when
 * it is refused), reads from replicas (READONLY / READWRITE), and PING / HELLO / CLIENT (the @connection category).
 */
const CLUSTER_CLIENT = ['+@connection', '+cluster|slots', '+cluster|shards', '+cluster|nodes', '+cluster|info', '+readonly', '+readwrite'];

/**
 * Granted by the categories above but not -@dangerous, and each reaches past the user's key prefix: SCAN and
 * RANDOMKEY return key names of every prefix (session keys name their session ids), CLIENT TRACKING in BCAST mode
 * pushes invalidations for any prefix the client asks for, and the FUNCTION subcommands of @write replace or flush
 * the server-wide function libraries. test/cache-layout.test.ts checks on a real server that each is refused.
 */
const BEYOND_OWN_KEYS = ['-scan', '-randomkey', '-client|tracking', '-@scripting'];

/** The access string of a service's cache user; throws for a service without a cache prefix. */
export function cacheAccessString(service: ServiceName): string {
  const prefix = CACHE_KEY_PREFIX[service];
  if (prefix === undefined) throw new Error(`${service} has no cache key prefix (lib/facts/services.ts CACHE_KEY_PREFIX)`);
  const channels = service === 'chat' ? [`&${SOCKET_IO_CHANNEL_PREFIX}*`] : ['resetchannels'];
  const pubsub = service === 'chat' ? ['+@pubsub'] : [];
  return ['on', `~${prefix}:*`, ...channels, '-@all', '+@read', '+@write', '+@transaction', ...pubsub, ...CLUSTER_CLIENT, '-@dangerous', ...BEYOND_OWN_KEYS].join(' ');
}

/**
 * The synthetic probe's keys (probe/checks/redis.ts): a prefix no service has (CACHE_KEY_PREFIX), each key written
 * with a TTL, so a probe never touches or outlives a service's data.
 */
export const PROBE_CACHE_KEY_PREFIX = 'probe';

/**
 * Access string of the probe's cache user: its own prefix, GET and SET and nothing else. AUTH is always allowed, and
 * the probe follows a MOVED redirect instead of asking for the cluster's slots, so it needs no other command.
 */
export const PROBE_CACHE_ACCESS = `on ~${PROBE_CACHE_KEY_PREFIX}:* resetchannels -@all +get +set`;

/** Access string of the `default` user every RBAC group must hold: switched off, no keys, no commands. */
export const DISABLED_DEFAULT_ACCESS = 'off resetkeys resetchannels -@all';

/** Every service with a cache user and its access string, in SERVICES order. */
export function cacheUsers(): { service: ServiceName; accessString: string }[] {
  return cacheServices().map((service) => ({ service, accessString: cacheAccessString(service) }));
}
