/**
 * A real redis-server for cache tests, shaped like the regional ElastiCache cluster as far as one process can be:
 * cluster mode (one node holding all 16384 slots, so CROSSSLOT and hash tags behave as in production), the RBAC
 * users of lib/facts/cache-acl.ts with the exact access strings ElastiCache gets, and the `default` user switched off.
 *
 * ElastiCache's users authenticate with IAM tokens (elasticache:Connect); a local server has no IAM, so each user
 * gets a fixed test password instead. The access strings, which are what the tests exercise, are unchanged.
 *
 * Redis 7.0 (Debian bookworm ships 7.0.x) is the oldest version with everything used here: CLUSTER ADDSLOTSRANGE,
 * CLUSTER SHARDS, sharded pub/sub (SPUBLISH/SSUBSCRIBE), `cluster-port` and ACL subcommand rules (`+cluster|slots`).
 * Valkey 8, which ElastiCache runs, descends from Redis 7.2 and keeps all of them.
 *
 * Installing redis-server, reading its version, ports and process handling are shared with the plain server of
 * `npm run probe:local` (local/redis-server.ts, local/ports.ts, local/process.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { cacheUsers, DISABLED_DEFAULT_ACCESS, PROBE_CACHE_ACCESS } from '../../lib/facts/cache-acl';
import { cacheProbeUserName, cacheUserName } from '../../lib/facts/names/cache';
import type { ServiceName } from '../../lib/facts/services';
import { freePorts, LOOPBACK as HOST } from '../../local/ports';
import { sleep, stopProcess } from '../../local/process';
import { ensureRedisServer, redisServerVersion } from '../../local/redis-server';

/** The oldest redis-server this harness supports (see the file comment). */
const MIN_VERSION: readonly [number, number] = [7, 0];
/** The user the harness itself uses to set the server up and inspect it; no service has such a user. */
const ADMIN_USER = 'gigascale-test-admin';
const ADMIN_PASSWORD = 'local-test-admin-password';
const PROBE_PASSWORD = 'local-test-password-probe';
const START_TIMEOUT_MS = 15_000;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface LocalRedis {
  readonly host: string;
  readonly port: number;
  /** `redis-server --version`'s version, e.g. `7.0.15`. */
  readonly version: string;
  /** Milliseconds from spawning the server to cluster_state:ok. */
  readonly startMs: number;
  /** Milliseconds spent installing redis-server, or undefined when it was already on PATH. */
  readonly installMs: number | undefined;
  /** The cache user of a service, named as in ElastiCache (`gigascale-<env>-<service>`), with its test password. */
  credentials(service: ServiceName): Credentials;
  /** The probe's user, with lib/facts/cache-acl.ts PROBE_CACHE_ACCESS (a password here; IAM in ElastiCache). */
  probeCredentials(): Credentials;
  /** The harness's own all-powerful connection, for setup and inspection only. */
  readonly admin: Redis;
  /** A new single-node connection (closed by stop()); pass no credentials to connect as nobody. */
  connect(credentials?: Credentials): Promise<Redis>;
  /**
   * Sends `commands` on a fresh connection that has not authenticated and returns each reply's first line, raw
   * (`+OK`, `-NOAUTH ...`): what any client sees before logging in, without a client library's handshake in between.
   */
  raw(...commands: readonly string[][]): Promise<string[]>;
  /**
   * A new ioredis Cluster client logged in as `credentials`, once it is ready (closed by stop()). Rejects after
   * `timeoutMs` with what the user gets for the commands the client's start-up sends, since ioredis itself only
   * stops trying.
   */
  connectCluster(credentials: Credentials, options?: ClusterOptions, timeoutMs?: number): Promise<Cluster>;
  /** The server's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts redis-server in cluster mode on a free loopback port, in a fresh temp dir, without persistence, with the
 * cache users of environment `env`; installs redis-server from Debian packages first when it is missing.
 */
export async function startRedis(env: string): Promise<LocalRedis> {
  const installMs = await ensureRedisServer();
  const version = await redisServerVersion({ version: MIN_VERSION, reason: `the cache tests need >= ${MIN_VERSION.join('.')} (ADDSLOTSRANGE, sharded pub/sub)` });
  const [port, busPort] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-redis-'));
  const users = new Map(cacheUsers().map(({ service, accessString }) => [service, { username: cacheUserName(env, service), accessString }]));
  const password = (service: ServiceName): string => `local-test-password-${service}`;
  const config = [
    `bind ${HOST}`,
    `port ${port}`,
    `dir ${dir}`,
    'daemonize no',
    'logfile ""',
    // No persistence: the cache is disposable, as in ElastiCache without backups.
    'save ""',
    'appendonly no',
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    // The bus port defaults to port + 10000, which may be taken or above 65535; ask for a free one instead.
    `cluster-port ${busPort}`,
    // A lone node does not know its own address and would report "" in CLUSTER SLOTS, which cluster clients skip.
    `cluster-announce-ip ${HOST}`,
    `user default ${DISABLED_DEFAULT_ACCESS}`,
    `user ${ADMIN_USER} on >${ADMIN_PASSWORD} ~* &* +@all`,
    ...[...users].map(([service, u]) => `user ${u.username} ${u.accessString} >${password(service)}`),
    `user ${cacheProbeUserName(env)} ${PROBE_CACHE_ACCESS} >${PROBE_PASSWORD}`,
  ];
  writeFileSync(join(dir, 'redis.conf'), `${config.join('\n')}\n`);

  const began = performance.now();
  const server = spawn('redis-server', [join(dir, 'redis.conf')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.once('error', (e) => (output += `spawn failed: ${e.message}\n`));
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  // Never leave the server or its directory behind if the test process goes away without calling stop().
  const killOnExit = (): void => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const clients: (Redis | Cluster)[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(clients.map((c) => c.quit()));
    for (const c of clients) c.disconnect();
    await stopProcess(server, exited);
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const fail = async (what: string, cause?: unknown): Promise<never> => {
    const log = output;
    await stop();
    const reason = cause instanceof Error ? `: ${cause.message}` : '';
    throw new Error(`redis-server ${version} on ${HOST}:${port} ${what}${reason}\n--- server log ---\n${log}`);
  };

  const connect = async (credentials?: Credentials): Promise<Redis> => {
    // No ready check: it runs INFO, which -@dangerous refuses to service users (ioredis then only logs a warning).
    const options: RedisOptions = { host: HOST, port, lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0, ...credentials };
    const client = new Redis(options);
    // Tests assert on rejected commands; an unhandled 'error' event would only add noise to their output.
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  };

  let admin: Redis | undefined;
  const deadline = began + START_TIMEOUT_MS;
  while (admin === undefined) {
    if (server.exitCode !== null || server.signalCode !== null) return fail(`exited (${server.exitCode ?? server.signalCode}) before accepting connections`);
    try {
      admin = await connect({ username: ADMIN_USER, password: ADMIN_PASSWORD });
    } catch (e) {
      if (performance.now() > deadline) return fail(`did not accept connections within ${START_TIMEOUT_MS} ms`, e);
      clients.pop()?.disconnect();
      await sleep(25);
    }
  }
  try {
    // One node owns every slot, so the server answers as a (small) healthy cluster. A master waits 2 s after its
    // start before it reports cluster_state:ok (Redis's CLUSTER_WRITABLE_DELAY): most of the start time.
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', String(16_383));
    while (!/^cluster_state:ok\r?$/m.test(String(await admin.call('CLUSTER', 'INFO')))) {
      if (performance.now() > deadline) return fail(`did not reach cluster_state:ok within ${START_TIMEOUT_MS} ms`);
      await sleep(25);
    }
  } catch (e) {
    return fail('could not be set up as a one-node cluster', e);
  }
  const startMs = Math.round(performance.now() - began);

  return {
    host: HOST,
    port,
    version,
    startMs,
    installMs,
    admin,
    probeCredentials: () => ({ username: cacheProbeUserName(env), password: PROBE_PASSWORD }),
    credentials(service) {
      const user = users.get(service);
      if (user === undefined) throw new Error(`${service} has no cache user (lib/facts/cache-acl.ts cacheUsers)`);
      return { username: user.username, password: password(service) };
    },
    connect,
    raw: (...commands) => rawReplies(port, commands),
    async connectCluster(credentials, options = {}, timeoutMs = 5_000) {
      const cluster = new Cluster([{ host: HOST, port }], {
        clusterRetryStrategy: () => null,
        ...options,
        lazyConnect: true,
        // Each node connection's own ready check runs INFO, refused by -@dangerous; ioredis skips it with a warning
        // per connection, so it is off here (services should do the same). The Cluster's check (CLUSTER INFO) stays.
        redisOptions: { enableReadyCheck: false, ...credentials, ...options.redisOptions },
      });
      cluster.on('error', () => undefined);
      clients.push(cluster);
      // connect() settles on 'ready', or never when the ready check is refused (ioredis then just disconnects).
      const ready = new Promise<void>((resolve, reject) => {
        cluster.once('ready', () => resolve());
        cluster.once('end', () => reject(new Error('the connection ended')));
        cluster.connect().catch(reject);
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ready within ${timeoutMs} ms`)), timeoutMs)));
      try {
        await Promise.race([ready, timeout]);
        return cluster;
      } catch (e) {
        const probe = await connect(credentials);
        const startup = await Promise.all(
          [['CLUSTER', 'SLOTS'], ['CLUSTER', 'INFO']].map(([c, sub]) => probe.call(c, sub).then(() => `${c} ${sub}: ok`, (err: Error) => `${c} ${sub}: ${err.message}`)),
        );
        throw new Error(`ioredis Cluster as ${credentials.username} did not become ready (${(e as Error).message}, status ${cluster.status}); ${startup.join('; ')}`);
      } finally {
        clearTimeout(timer);
      }
    },
    log: () => output,
    stop,
  };
}

/** One-line replies (simple strings, errors, integers) of `commands`, sent in one write; 2 s at most. */
function rawReplies(port: number, commands: readonly (readonly string[])[]): Promise<string[]> {
  const encode = (args: readonly string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connectSocket(port, HOST, () => socket.write(commands.map(encode).join('')));
    let received = '';
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(received.split('\r\n').slice(0, commands.length));
    };
    const timer = setTimeout(() => finish(new Error(`no ${commands.length} replies within 2000 ms, got ${JSON.stringify(received)}`)), 2_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      const lines = received.split('\r\n').slice(0, -1);
      if (lines.some((l) => !/^[-+:]/.test(l))) finish(new Error(`raw() handles one-line replies only, got ${JSON.stringify(received)}`));
      else if (lines.length >= commands.length) finish();
    });
    socket.once('error', (e) => finish(e));
  });
}
