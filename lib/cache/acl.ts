/**
 * What each service may do in the regional cache, as Valkey ACL rules: the access string of its RBAC user. A
 * service reaches only its own key prefix (lib/services.ts CACHE_KEY_PREFIX); chat also its Socket.io channels.
 * Dangerous commands (FLUSHALL, KEYS, CONFIG, DEBUG, ...) are refused to all. The same strings configure the
 * ElastiCache users (stacks/cache) and the local Valkey/Redis the tests run, so the tests exercise what deploys.
 */
import { CACHE_KEY_PREFIX, cacheServices, type ServiceName } from '../services';

/** Channel prefix of the Socket.io Redis adapter (its `channelPrefix` default, `socket.io`). */
export const SOCKET_IO_CHANNEL_PREFIX = 'socket.io';

/**
 * Commands a cluster-mode client needs besides data commands: topology discovery (CLUSTER SLOTS / SHARDS / NODES),
 * reads from replicas (READONLY / READWRITE), and PING / HELLO / CLIENT (the @connection category).
 */
const CLUSTER_CLIENT = ['+@connection', '+cluster|slots', '+cluster|shards', '+cluster|nodes', '+readonly', '+readwrite'];

/** The access string of a service's cache user; throws for a service without a cache prefix. */
export function cacheAccessString(service: ServiceName): string {
  const prefix = CACHE_KEY_PREFIX[service];
  if (prefix === undefined) throw new Error(`${service} has no cache key prefix (lib/services.ts CACHE_KEY_PREFIX)`);
  const channels = service === 'chat' ? [`&${SOCKET_IO_CHANNEL_PREFIX}*`] : ['resetchannels'];
  const pubsub = service === 'chat' ? ['+@pubsub'] : [];
  return ['on', `~${prefix}:*`, ...channels, '-@all', '+@read', '+@write', '+@transaction', ...pubsub, ...CLUSTER_CLIENT, '-@dangerous'].join(' ');
}

/** Access string of the `default` user every RBAC group must hold: switched off, no keys, no commands. */
export const DISABLED_DEFAULT_ACCESS = 'off resetkeys resetchannels -@all';

/** Every service with a cache user and its access string, in SERVICES order. */
export function cacheUsers(): { service: ServiceName; accessString: string }[] {
  return cacheServices().map((service) => ({ service, accessString: cacheAccessString(service) }));
}
