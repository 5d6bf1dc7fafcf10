/**
 * redis.set and redis.get: one SET or GET of a key under `probe:` per request, on one pipelined connection (one is
 * what a service's client uses per node, and Redis answers a pipeline in order without queueing it behind others).
 */
import { isIP } from 'node:net';
import type { ProbeCheck } from '../../lib/facts/probe-checks';
import { PROBE_CACHE_KEY_PREFIX } from '../../lib/facts/cache-acl';
import { LazyConnection } from '../lazy-connection';
import { encodeCommand, RespConnection, RespError, type RespEndpoint } from '../resp';
import { respEndpointFor } from '../elasticache-iam';
import { sharedUser, waitAtMost, type CheckContext, type OpenedCheck } from '../session';

/** Every key the probe writes starts with this, so the probe's keys can be told apart (and ACLs scoped) on a shared cluster. */
export const PROBE_KEY_PREFIX = `${PROBE_CACHE_KEY_PREFIX}:`;
export const PROBE_SET_KEY = `${PROBE_KEY_PREFIX}set`;
export const PROBE_GET_KEY = `${PROBE_KEY_PREFIX}get`;
/** The value written: small, as a session or cache entry would be. */
const VALUE = 'gigascale-probe-value-0123456789';
/** Probe keys expire on their own, well after any run (10 min at most, plus warm-up and timeout). */
const KEY_TTL_MS = 15 * 60_000;

/** Opens redis.set or redis.get on the `redis://` / `rediss://` URL `url`. */
export async function openRedisCheck(check: Extract<ProbeCheck, 'redis.set' | 'redis.get'>, url: string, context: CheckContext): Promise<OpenedCheck> {
  const { timeoutMs } = context;
  const key = check === 'redis.set' ? PROBE_SET_KEY : PROBE_GET_KEY;
  const write = encodeCommand(['SET', key, VALUE, 'PX', String(KEY_TTL_MS)]);
  const command = check === 'redis.set' ? write : encodeCommand(['GET', key]);

  // Never rejects: an endpoint that cannot be had (a token that cannot be signed) fails each connection attempt,
  // which the requests count as errors.
  const prepared: Promise<Prepared | { readonly error: unknown }> = respEndpointFor(url, context.region).then(
    (endpoint) => prepare(endpoint, write, timeoutMs),
    (error: unknown) => ({ error }),
  );
  let handedOver = false;
  const connection = new LazyConnection<RespConnection>({
    open: async () => {
      const ready = await prepared;
      if ('error' in ready) throw ready.error;
      const { endpoint, connection: first } = ready;
      if (!handedOver) {
        handedOver = true;
        if (first?.isOpen) return first;
      }
      return RespConnection.open(endpoint, timeoutMs);
    },
    isOpen: (c) => c.isOpen,
    destroy: (c) => c.destroy(),
  });
  await waitAtMost(connection.get(), context.setupMs);

  const request = async (): Promise<void> => {
    const c = connection.ready() ?? (await connection.get());
    await c.send(command);
  };
  return {
    session: {
      request,
      user: () => sharedUser(request),
      close: () => {
        connection.close();
        void prepared.then((p) => (handedOver || 'error' in p ? undefined : p.connection?.destroy()));
      },
    },
  };
}

/** The node that owns the probe's key, with its first connection when it could be opened. */
interface Prepared {
  readonly endpoint: RespEndpoint;
  readonly connection?: RespConnection;
}

/**
 * Finds the node that owns the probe's key (a cluster-mode endpoint answers `-MOVED` for a key it does not hold;
 * one redirect is followed) and writes the key, which GET then reads; requests go straight to that node. Never
 * rejects: what fails here fails again in the requests, which count it.
 */
async function prepare(endpoint: RespEndpoint, write: Buffer, timeoutMs: number): Promise<Prepared> {
  for (let redirects = 0; ; redirects++) {
    let connection: RespConnection | undefined;
    try {
      connection = await RespConnection.open(endpoint, timeoutMs);
      await connection.within(connection.send(write), timeoutMs, 'SET');
      return { endpoint, connection };
    } catch (e) {
      connection?.destroy();
      const moved = e instanceof RespError && redirects === 0 ? movedTo(e.message, endpoint) : undefined;
      if (moved === undefined) return { endpoint };
      endpoint = moved;
    }
  }
}

/** The node a `MOVED <slot> <host>:<port>` error names, with `from`'s credentials and TLS; undefined for other errors. */
export function movedTo(message: string, from: RespEndpoint): RespEndpoint | undefined {
  const match = /^MOVED \d+ (.*):(\d+)$/.exec(message);
  if (match === null) return undefined;
  const host = match[1].replace(/^\[(.*)\]$/, '$1');
  // An IP is not on the server's certificate; the configuration endpoint's name (which is, e.g. *.cache.amazonaws.com) is.
  const servername = isIP(host) === 0 ? host : (from.servername ?? (isIP(from.host) === 0 ? from.host : undefined));
  // `MOVED 3999 :6380`: an empty host means the node that answered.
  return { ...from, host: host === '' ? from.host : host, port: Number(match[2]), servername };
}
