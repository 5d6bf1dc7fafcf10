/**
 * redis-server on this machine: installing it when it is missing, reading its version, and a plain (non-cluster)
 * server for the probe (`npm run probe:local`) and its tests. The cache tests' cluster-mode server with ElastiCache's
 * users is test/support/redis.ts, built on the helpers here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LOOPBACK } from './ports';
import { run, sleep, stopProcess, type RunResult } from './process';
import { PROBE_CACHE_ACCESS } from '../lib/facts/cache-acl';
import { cacheProbeUserName } from '../lib/facts/names/cache';

const START_TIMEOUT_MS = 15_000;
/** The probe's cache user on the local server, named as in an environment called `local`. */
const LOCAL_PROBE_USER = cacheProbeUserName('local');
/** Its password: the server listens on loopback only, and ElastiCache's user takes an IAM token instead. */
const LOCAL_PROBE_PASSWORD = 'local-probe-password';
const INSTALL_TIMEOUT_MS = 150_000;

/**
 * Installs redis-server from Debian packages when it is not on PATH (test machines run as root), waiting for a
 * dpkg lock another installer holds. Runs `apt-get update` only when the install fails for lack of package lists.
 * Returns the install time, or undefined when redis-server was already there. The package also brings
 * redis-benchmark and redis-cli (through redis-tools).
 */
export async function ensureRedisServer(): Promise<number | undefined> {
  if ((await run('redis-server', ['--version'])).code === 0) return undefined;
  const began = performance.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): Promise<RunResult> => run('apt-get', ['-o', 'DPkg::Lock::Timeout=60', 'install', '-y', 'redis-server'], env, INSTALL_TIMEOUT_MS);
  let result = await install();
  if (result.code !== 0 && /Unable to locate package|has no installation candidate/.test(result.output)) {
    const update = await run('apt-get', ['update'], env, INSTALL_TIMEOUT_MS);
    if (update.code !== 0) throw new Error(`apt-get update failed (exit ${update.code}), so redis-server cannot be installed:\n${update.output}`);
    result = await install();
  }
  if (result.code !== 0) {
    throw new Error(`redis-server is not on PATH and \`apt-get install -y redis-server\` failed (exit ${result.code}); install Redis >= 7.0 by hand:\n${result.output}`);
  }
  return Math.round(performance.now() - began);
}

/** A lower bound on the redis-server version, and what needs it (for the error message). */
export interface MinimumRedisVersion {
  /** [major, minor], e.g. [7, 0]. */
  readonly version: readonly [number, number];
  /** Who needs that version and for what, e.g. `the cache tests need >= 7.0 (ADDSLOTSRANGE, sharded pub/sub)`. */
  readonly reason: string;
}

/** `redis-server --version`'s version, e.g. `7.0.15`; throws when it cannot be read or is below `minimum`. */
export async function redisServerVersion(minimum?: MinimumRedisVersion): Promise<string> {
  const { code, output } = await run('redis-server', ['--version']);
  const match = /v=(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (code !== 0 || match === null) throw new Error(`cannot read the version of redis-server (exit ${code}): ${output}`);
  const version = match.slice(1).join('.');
  if (minimum !== undefined) {
    const [major, minor] = [Number(match[1]), Number(match[2])];
    const [wantMajor, wantMinor] = minimum.version;
    if (major < wantMajor || (major === wantMajor && minor < wantMinor)) throw new Error(`redis-server ${version} is too old: ${minimum.reason}`);
  }
  return version;
}

/** A running standalone redis-server. */
export interface PlainRedis {
  /** `redis://127.0.0.1:<port>`: no user, no password, database 0. */
  readonly url: string;
  /** The same server as the probe's cache user, whose ACL allows GET and SET on `probe:` keys only. */
  readonly probeUrl: string;
  readonly port: number;
  /** The server's process id (e.g. to raise its scheduling priority for a latency measurement); a new one after startServer(). */
  readonly pid: number;
  /** `redis-server --version`'s version, e.g. `7.0.15`. */
  readonly version: string;
  /** Milliseconds from spawning the server to its first PONG. */
  readonly startMs: number;
  /** Milliseconds spent installing redis-server, or undefined when it was already on PATH. */
  readonly installMs: number | undefined;
  /** The log of the server running now (or of the last one) so far. */
  log(): string;
  /** Stops the server process (SIGTERM, then SIGKILL after 5 s), keeping its port and directory for startServer(). */
  stopServer(): Promise<void>;
  /**
   * Starts the server again on the same port, with the same users, once stopServer() has stopped it; resolves at
   * its first PONG. Nothing is persisted, so it starts empty. Does nothing while the server runs.
   */
  startServer(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a standalone (non-cluster) redis-server on a free 127.0.0.1 port, in a fresh temp dir, with no persistence
 * and no authentication for the default user, and the probe's cache user beside it: a stand-in for the regional
 * cache that the probe can SET and GET. Installs redis-server
 * first when it is missing. The server is SIGKILLed and its directory removed if this process exits without stop().
 */
export async function startPlainRedis(): Promise<PlainRedis> {
  const installMs = await ensureRedisServer();
  const version = await redisServerVersion();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-plain-redis-'));
  const args = [
    '--bind', LOOPBACK,
    '--port', String(port),
    '--dir', dir,
    '--daemonize', 'no',
    // No persistence: nothing is written to disk, so nothing outlives the temp dir.
    '--save', '',
    '--appendonly', 'no',
    // The probe's cache user with the ACL it has in ElastiCache (there an IAM user; here a password on loopback).
    '--user', LOCAL_PROBE_USER, `>${LOCAL_PROBE_PASSWORD}`, ...PROBE_CACHE_ACCESS.split(' '),
  ];

  // 'exit' handlers run synchronously only: SIGKILL cannot be ignored, and the directory goes with it.
  let server: Launched | undefined;
  const killOnExit = (): void => {
    server?.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stopServer = async (): Promise<void> => {
    if (server !== undefined) await stopProcess(server.process, server.exited);
  };
  const stop = async (): Promise<void> => {
    await stopServer();
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const began = performance.now();
  try {
    server = await launch(args, dir, port, version);
  } catch (e) {
    await stop();
    throw e;
  }
  const startMs = Math.round(performance.now() - began);
  return {
    url: `redis://${LOOPBACK}:${port}`,
    probeUrl: `redis://${LOCAL_PROBE_USER}:${LOCAL_PROBE_PASSWORD}@${LOOPBACK}:${port}`,
    port,
    get pid() {
      return server!.process.pid!;
    },
    version,
    startMs,
    installMs,
    log: () => server!.output(),
    stopServer,
    async startServer() {
      if (server !== undefined && server.process.exitCode === null && server.process.signalCode === null) return;
      server = await launch(args, dir, port, version);
    },
    stop,
  };
}

/** A redis-server process. */
interface Launched {
  readonly process: ChildProcess;
  /** Settles when the process has exited and closed its output. */
  readonly exited: Promise<unknown>;
  /** Its log so far. */
  output(): string;
}

/** Spawns redis-server with `args` and waits for its PONG; kills it and rejects with its log when it does not answer. */
async function launch(args: readonly string[], dir: string, port: number, version: string): Promise<Launched> {
  const began = performance.now();
  const server = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.once('error', (e) => (output += `spawn failed: ${e.message}\n`));
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<unknown>((resolve) => server.once('close', resolve));
  const deadline = began + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null || output.startsWith('spawn failed')) {
      await stopProcess(server, exited);
      throw new Error(`redis-server ${version} on ${LOOPBACK}:${port} exited (${server.exitCode ?? server.signalCode}) before answering PING\n--- server log ---\n${output}`);
    }
    if (await answersPing(port)) return { process: server, exited, output: () => output };
    if (performance.now() > deadline) {
      await stopProcess(server, exited);
      throw new Error(`redis-server ${version} on ${LOOPBACK}:${port} did not answer PING within ${START_TIMEOUT_MS} ms\n--- server log ---\n${output}`);
    }
    await sleep(20);
  }
}

/** Whether a server on `port` answers an inline PING with +PONG within 1 s; a refused connection is a no. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket(port, LOOPBACK, () => socket.write('PING\r\n'));
    let received = '';
    const finish = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), 1_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n')) finish(received.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
  });
}
