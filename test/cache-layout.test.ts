/**
 * The cache assumptions services are given, checked on a real redis-server in cluster mode carrying the ElastiCache
 * users' exact access strings (test/support/redis.ts): the lifetimes the key layout hands out are the ones the
 * server applies and expires, one user's keys share a slot so multi-key commands work, and each service user
 * reaches its own prefix and nothing else, nor does the probe's user.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_CACHE_KEY_PREFIX, SOCKET_IO_CHANNEL_PREFIX } from '../lib/facts/cache-acl';
import { runProbe } from '../probe/run';
import { cacheKeyLayout, ENTITY_KINDS, hashSlot } from '../lib/facts/cache-keys';
import type { CacheTtls } from '../lib/facts/cache-tiers';
import { CACHE_KEY_PREFIX, cacheServices, type ServiceName } from '../lib/facts/services';
import { startRedis, type LocalRedis } from './support/redis';
import { planOf } from './support/synth';

const environment = planOf().environments[0];
const caching = environment.caching;
const layout = cacheKeyLayout(caching);
/** The Socket.io sharded adapter's channel for namespace `/` (`<channelPrefix>#<nsp>#`). */
const SOCKET_IO_CHANNEL = `${SOCKET_IO_CHANNEL_PREFIX}#/#`;

/** The error message a command is refused with; fails if the command succeeds. */
async function refusal(command: Promise<unknown>): Promise<string> {
  try {
    await command;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the server to refuse the command');
}

/** `promise`, or a rejection naming `what` after `ms` milliseconds. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Messages differ between Redis 7.0 and Valkey 8 ("this user has no permissions to access one of the keys" vs
// "No permissions to access a key"), so these match the part both share.
const NOPERM_KEY = /^NOPERM .*key/;
const NOPERM_CHANNEL = /^NOPERM .*channel/;
const nopermCommand = (command: string): RegExp => new RegExp(`^NOPERM .*'${command}' command`);

describe(`the ${environment.name} cache layout on redis-server in cluster mode with the ElastiCache users`, () => {
  let redis: LocalRedis;
  const as = {} as Record<ServiceName, Redis>;

  beforeAll(async () => {
    redis = await startRedis(environment.name);
    for (const service of cacheServices()) as[service] = await redis.connect(redis.credentials(service));
  }, 180_000);

  afterAll(async () => {
    await redis?.stop();
  }, 20_000);

  describe('lifetimes', () => {
    it.each([
      ['a session', 'auth', layout.session('s-ttl'), caching.l2.sessionSeconds],
      ['an entity', 'entity', layout.entity('horse', 'h-ttl'), caching.l2.entitySeconds],
      ['an entity list', 'entity', layout.entityList('owner-ttl', 'horse'), caching.l2.entityListSeconds],
      ['a presence', 'chat', layout.presence('u-ttl'), caching.l2.presenceSeconds],
      ['a memory entry', 'memory', layout.memory('u-ttl', 'fav'), caching.l2.memorySeconds],
    ] as const)('gives %s written by %s the lifetime of the plan', async (_what, service, { key, ttlSeconds }, planned) => {
      expect(ttlSeconds).toBe(planned);
      expect(await as[service].set(key, 'v', 'EX', ttlSeconds)).toBe('OK');
      const pttl = await as[service].pttl(key);
      expect(pttl).toBeGreaterThan(ttlSeconds * 1000 - 5_000);
      expect(pttl).toBeLessThanOrEqual(ttlSeconds * 1000);
    }, 10_000);

    it("keeps an entity list at most the seed's 5 minutes", async () => {
      const { key, ttlSeconds } = layout.entityList('owner-seed', 'business');
      await as.entity.set(key, '[]', 'EX', ttlSeconds);
      const pttl = await as.entity.pttl(key);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(300_000);
    }, 10_000);

    it('expires an entity list once its lifetime has passed', async () => {
      const ttls: CacheTtls = { ...caching, l2: { ...caching.l2, entityListSeconds: 1 } };
      const { key, ttlSeconds } = cacheKeyLayout(ttls).entityList('owner-expiry', 'horse');
      await as.entity.set(key, '[]', 'EX', ttlSeconds);
      const written = performance.now();
      expect(await as.entity.pttl(key)).toBeGreaterThan(0);
      while ((await as.entity.exists(key)) === 1 && performance.now() - written < 1_200) await new Promise((r) => setTimeout(r, 20));
      const gone = performance.now() - written;
      expect(await as.entity.exists(key)).toBe(0);
      expect(gone).toBeGreaterThanOrEqual(900);
    }, 5_000);
  });

  describe('hash slots', () => {
    it('computes the slot the server computes for every kind of key', async () => {
      const keys = [
        layout.session('s-1').key,
        ...ENTITY_KINDS.map((kind) => layout.entity(kind, 'e-1').key),
        ...ENTITY_KINDS.map((kind) => layout.entityList('owner-1', kind).key),
        layout.presence('u-1').key,
        layout.memory('u-1', 'fav').key,
        'foo{}{bar}',
        'foo{{bar}}zap',
        '\u00fcn\u00efc\u00f8d\u00e9',
      ];
      const server = await Promise.all(keys.map((key) => redis.admin.call('CLUSTER', 'KEYSLOT', key)));
      expect(server).toEqual(keys.map(hashSlot));
    }, 10_000);

    it("writes one owner's lists in one MULTI/EXEC and reads them with one MGET", async () => {
      const lists = ENTITY_KINDS.map((kind) => layout.entityList('owner-multi', kind));
      const multi = as.entity.multi();
      for (const { key, ttlSeconds } of lists) multi.set(key, `[${key}]`, 'EX', ttlSeconds);
      expect(await multi.exec()).toEqual(lists.map(() => [null, 'OK']));
      expect(await as.entity.mget(lists.map((l) => l.key))).toEqual(lists.map((l) => `[${l.key}]`));
    }, 10_000);

    it("refuses an MGET across two owners' lists with CROSSSLOT", async () => {
      const a = layout.entityList('owner-a', 'horse').key;
      const b = layout.entityList('owner-b', 'horse').key;
      expect(hashSlot(a)).not.toBe(hashSlot(b));
      expect(await refusal(as.entity.mget(a, b))).toMatch(/^CROSSSLOT /);
    }, 10_000);
  });

  describe('ACL', () => {
    it('lets the entity user read and write entity keys', async () => {
      const one = layout.entity('profile', 'p-acl').key;
      const list = layout.entityList('owner-acl', 'profile').key;
      expect(await as.entity.set(one, 'p', 'EX', 60)).toBe('OK');
      expect(await as.entity.set(list, '[p]', 'EX', 60)).toBe('OK');
      expect(await as.entity.mget(list)).toEqual(['[p]']);
      expect(await as.entity.get(one)).toBe('p');
      expect(await as.entity.del(one)).toBe(1);
    }, 10_000);

    it('refuses session keys to the entity user', async () => {
      const session = layout.session('s-acl').key;
      await as.auth.set(session, 'user-1', 'EX', 60);
      expect(await refusal(as.entity.get(session))).toMatch(NOPERM_KEY);
      expect(await refusal(as.entity.set(session, 'forged'))).toMatch(NOPERM_KEY);
      expect(await as.auth.get(session)).toBe('user-1');
    }, 10_000);

    it('refuses entity keys to the auth user', async () => {
      const key = layout.entity('business', 'b-acl').key;
      expect(await refusal(as.auth.get(key))).toMatch(NOPERM_KEY);
      expect(await refusal(as.auth.set(key, 'x'))).toMatch(NOPERM_KEY);
    }, 10_000);

    it.each(cacheServices())('refuses FLUSHALL, KEYS and CONFIG to %s', async (service) => {
      const probe = layout.session(`s-flush-${service}`).key;
      await as.auth.set(probe, 'still here', 'EX', 60);
      expect(await refusal(as[service].flushall())).toMatch(nopermCommand('flushall'));
      expect(await refusal(as[service].keys('*'))).toMatch(nopermCommand('keys'));
      expect(await refusal(as[service].call('CONFIG', 'GET', 'maxmemory'))).toMatch(nopermCommand('config\\|get'));
      expect(await refusal(as[service].call('CONFIG', 'SET', 'maxmemory', '1'))).toMatch(nopermCommand('config\\|set'));
      expect(await as.auth.get(probe)).toBe('still here');
    }, 10_000);

    // Each of these reaches past the user's prefix (lib/facts/cache-acl.ts BEYOND_OWN_KEYS, and CLUSTER GETKEYSINSLOT,
    // never granted): they reveal other services' key names (a session key names its session id), or, for FUNCTION
    // FLUSH, change server-wide state.
    it.each(cacheServices())('refuses SCAN, RANDOMKEY, CLUSTER GETKEYSINSLOT, CLIENT TRACKING and FUNCTION FLUSH to %s', async (service) => {
      const secret = layout.session('s-secret').key;
      await as.auth.set(secret, 'user-1', 'EX', 60);
      expect(await refusal(as[service].scan('0'))).toMatch(nopermCommand('scan'));
      expect(await refusal(as[service].randomkey())).toMatch(nopermCommand('randomkey'));
      expect(await refusal(as[service].call('CLUSTER', 'GETKEYSINSLOT', String(hashSlot(secret)), '10'))).toMatch(nopermCommand('cluster\\|getkeysinslot'));
      expect(await refusal(as[service].call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'session:'))).toMatch(nopermCommand('client\\|tracking'));
      expect(await refusal(as[service].call('FUNCTION', 'FLUSH'))).toMatch(nopermCommand('function\\|flush'));
    }, 10_000);

    // Raw RESP, because ioredis 6 opens with HELLO 3 and gives up on its NOAUTH before a test could send anything.
    it('refuses every command to a client that has not authenticated (the default user is off)', async () => {
      const replies = await redis.raw(['PING'], ['GET', layout.session('s-1').key], ['HELLO', '3']);
      expect(replies.map((r) => r.split(' ')[0])).toEqual(['-NOAUTH', '-NOAUTH', '-NOAUTH']);
    }, 10_000);

    it('refuses to authenticate the default user, with or without a password', async () => {
      const replies = await redis.raw(['AUTH', 'default', ''], ['AUTH', 'default', 'anything'], ['AUTH', 'anything'], ['HELLO', '3', 'AUTH', 'default', 'anything']);
      expect(replies.map((r) => r.split(' ')[0])).toEqual(['-WRONGPASS', '-WRONGPASS', '-WRONGPASS', '-WRONGPASS']);
    }, 10_000);

    it('lets the chat user publish and subscribe on Socket.io shard channels', async () => {
      const subscriber = await redis.connect(redis.credentials('chat'));
      const received = new Promise<[string, string]>((resolve) => subscriber.on('smessage', (channel: string, message: string) => resolve([channel, message])));
      await subscriber.ssubscribe(SOCKET_IO_CHANNEL);
      expect(await as.chat.spublish(SOCKET_IO_CHANNEL, 'hello')).toBe(1);
      expect(await within(2_000, 'the shard message', received)).toEqual([SOCKET_IO_CHANNEL, 'hello']);
    }, 10_000);

    it('refuses the chat user channels outside the Socket.io prefix', async () => {
      expect(await refusal(as.chat.spublish('other#/#', 'x'))).toMatch(NOPERM_CHANNEL);
    }, 10_000);

    it.each(cacheServices().filter((s) => s !== 'chat'))('refuses sharded pub/sub to %s', async (service) => {
      expect(await refusal(as[service].spublish(SOCKET_IO_CHANNEL, 'x'))).toMatch(nopermCommand('spublish'));
      const subscriber = await redis.connect(redis.credentials(service));
      expect(await refusal(subscriber.ssubscribe(SOCKET_IO_CHANNEL))).toMatch(nopermCommand('ssubscribe'));
    }, 10_000);
  });

  describe("the probe's user", () => {
    let probe: Redis;
    beforeAll(async () => {
      probe = await redis.connect(redis.probeCredentials());
    });

    it('may SET with a lifetime and GET its own probe: keys', async () => {
      expect(await probe.set(`${PROBE_CACHE_KEY_PREFIX}:acl`, 'v', 'PX', 60_000)).toBe('OK');
      expect(await probe.get(`${PROBE_CACHE_KEY_PREFIX}:acl`)).toBe('v');
    }, 10_000);

    it("may not read a service's keys, delete, or run anything else", async () => {
      const session = layout.session('s-probe').key;
      await as.auth.set(session, 'user-1', 'EX', 60);
      expect(await refusal(probe.get(session))).toMatch(NOPERM_KEY);
      expect(await refusal(probe.set(session, 'forged'))).toMatch(NOPERM_KEY);
      expect(await refusal(probe.del(`${PROBE_CACHE_KEY_PREFIX}:acl`))).toMatch(nopermCommand('del'));
      expect(await refusal(probe.flushall())).toMatch(nopermCommand('flushall'));
      expect(await refusal(probe.scan('0'))).toMatch(nopermCommand('scan'));
      expect(await refusal(probe.call('CLUSTER', 'SLOTS'))).toMatch(nopermCommand('cluster\\|slots'));
      expect(await as.auth.get(session)).toBe('user-1');
    }, 10_000);

    it("runs the probe's redis.set and redis.get as that user without an error", async () => {
      const { username, password } = redis.probeCredentials();
      const target = { region: 'local', redis: `redis://${username}:${password}@${redis.host}:${redis.port}` };
      const report = await runProbe({ target, environments: [], durationMs: 500, warmupMs: 100, ratePerSecond: 100, timeoutMs: 1_000 });
      expect(report.checks.map((c) => [c.name, c.count, c.errors])).toEqual([
        ['redis.set', 50, 0],
        ['redis.get', 50, 0],
      ]);
    }, 20_000);
  });

  describe('ioredis Cluster client', () => {
    // ioredis's defaults, ready check included: it loads the topology with CLUSTER SLOTS, then sends CLUSTER INFO.
    it.each(cacheServices())('connects as %s and reads back its own key', async (service) => {
      const cluster = await redis.connectCluster(redis.credentials(service));
      const key = `${CACHE_KEY_PREFIX[service]}:{cluster-probe}`;
      expect(await cluster.set(key, service, 'EX', 60)).toBe('OK');
      expect(await cluster.get(key)).toBe(service);
    }, 10_000);

    it("runs a MULTI/EXEC over one owner's lists as the entity user", async () => {
      const cluster = await redis.connectCluster(redis.credentials('entity'));
      const lists = ENTITY_KINDS.map((kind) => layout.entityList('owner-cluster', kind));
      const multi = cluster.multi();
      for (const { key, ttlSeconds } of lists) multi.set(key, kind(key), 'EX', ttlSeconds);
      expect(await multi.exec()).toEqual(lists.map(() => [null, 'OK']));
      expect(await cluster.mget(lists.map((l) => l.key))).toEqual(lists.map((l) => kind(l.key)));
    }, 10_000);
  });
});

/** The kind at the end of an entity list key. */
function kind(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}
