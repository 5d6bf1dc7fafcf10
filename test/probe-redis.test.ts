/**
 * The probe's RESP2 client and its redis checks against a real redis-server on loopback (plain, and with an ACL
 * user), against a fake node that answers -MOVED, and against servers that refuse, drop or stall connections.
 * rediss:// runs end to end through bin/probe.ts behind a TLS proxy, trusting its certificate with
 * NODE_EXTRA_CA_CERTS (the only way to add a CA to a Node process without code for it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movedTo, openRedisCheck, PROBE_GET_KEY, PROBE_SET_KEY } from '../probe/checks/redis';
import { runOpenModel } from '../probe/open-model';
import { encodeCommand, parseReply, RespConnection, RespError, respEndpoint } from '../probe/resp';
import type { CheckSession, OpenedCheck } from '../probe/session';

const HOST = '127.0.0.1';
const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** redis-server on PATH, installed from Debian packages when missing (CI machines run as root, as test/support/redis.ts does). */
async function ensureRedisServer(): Promise<void> {
  try {
    await run('redis-server', ['--version']);
  } catch {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { env, timeout: 150_000 });
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=60', 'install', '-y', 'redis-server'], { env, timeout: 150_000 });
  }
}

interface LocalRedis {
  readonly port: number;
  stop(): Promise<void>;
}

async function startRedisServer(...extra: string[]): Promise<LocalRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = performance.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, HOST, () => resolve(true));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (performance.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A TCP server whose every connection is handed to `onConnection`; all are destroyed by close(). */
async function fakeServer(onConnection: (socket: Socket) => void): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function sessionOf(opened: OpenedCheck): CheckSession {
  if (!('session' in opened)) throw new Error(`skipped: ${opened.skipped}`);
  return opened.session;
}

const CONTEXT = { timeoutMs: 200, setupMs: 200 };

describe('parseReply', () => {
  it.each([
    ['+OK\r\n', 'OK'],
    [':42\r\n', 42],
    ['$5\r\nhello\r\n', 'hello'],
    ['$0\r\n\r\n', ''],
    ['$-1\r\n', null],
    ['*-1\r\n', null],
    ['*2\r\n$1\r\na\r\n:1\r\n', ['a', 1]],
  ])('reads %j', (wire, reply) => {
    expect(parseReply(Buffer.from(wire), 0)).toEqual({ reply, next: Buffer.byteLength(wire) });
  });

  it.each(['+OK', '$5\r\nhel', '*2\r\n$1\r\na\r\n'])('waits for the rest of %j', (wire) => {
    expect(parseReply(Buffer.from(wire), 0)).toBeUndefined();
  });

  it('reads an error reply as a RespError', () => {
    expect(parseReply(Buffer.from('-ERR unknown command\r\n'), 0)?.reply).toEqual(new RespError('ERR unknown command'));
  });

  it('refuses what is not RESP2', () => {
    expect(() => parseReply(Buffer.from('HTTP/1.1 400\r\n'), 0)).toThrow('the redis server sent something that is not RESP2 (first byte 0x48)');
  });
});

describe('movedTo', () => {
  const from = { host: 'cfg.cache.amazonaws.com', port: 6379, tls: true, username: 'u', password: 'p' };

  it('redirects to the node a MOVED names, keeping credentials and TLS, verifying the configuration name for an IP', () => {
    expect(movedTo('MOVED 3999 10.0.1.7:6380', from)).toEqual({ ...from, host: '10.0.1.7', port: 6380, servername: 'cfg.cache.amazonaws.com' });
  });

  it('verifies a node named by host name under its own name', () => {
    expect(movedTo('MOVED 1 node-2.cache.amazonaws.com:6379', from)).toMatchObject({ host: 'node-2.cache.amazonaws.com', servername: 'node-2.cache.amazonaws.com' });
  });

  it('ignores other errors', () => {
    expect(movedTo('ERR wrong number of arguments', from)).toBeUndefined();
  });
});

describe('RespConnection and the redis checks against redis-server', () => {
  let plain: LocalRedis;
  let acl: LocalRedis;

  beforeAll(async () => {
    await ensureRedisServer();
    [plain, acl] = await Promise.all([startRedisServer(), startRedisServer('--user', 'probe', 'on', '>probe-pw', '~probe:*', '+@all', '--user', 'default', 'off')]);
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), acl?.stop()]);
  });

  it('answers commands, pipelined, in order, with nil, integers and errors', async () => {
    const c = await RespConnection.open(respEndpoint(`redis://${HOST}:${plain.port}`), 1_000);
    try {
      expect(await c.send(encodeCommand(['SET', 'probe:t', 'v']))).toBe('OK');
      expect(await c.send(encodeCommand(['GET', 'probe:missing']))).toBeNull();
      const replies = await Promise.all(Array.from({ length: 500 }, () => c.send(encodeCommand(['INCR', 'probe:n']))));
      expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      await expect(c.send(encodeCommand(['NOSUCHCOMMAND']))).rejects.toThrow(/^ERR unknown command/);
      expect(await c.send(encodeCommand(['GET', 'probe:t']))).toBe('v');
    } finally {
      c.destroy();
    }
  });

  it('logs in as an ACL user from the URL and runs redis.set and redis.get under probe:', async () => {
    const url = `redis://probe:probe-pw@${HOST}:${acl.port}`;
    for (const check of ['redis.set', 'redis.get'] as const) {
      const session = sessionOf(await openRedisCheck(check, url, CONTEXT));
      try {
        const m = await runOpenModel(session.request, { ratePerSecond: 500, warmupMs: 0, durationMs: 200, timeoutMs: 200 });
        expect(m).toMatchObject({ count: 100, errors: 0 });
      } finally {
        session.close();
      }
    }
    const c = await RespConnection.open(respEndpoint(url), 1_000);
    expect(await c.send(encodeCommand(['GET', PROBE_SET_KEY]))).toBe('gigascale-probe-value-0123456789');
    expect(await c.send(encodeCommand(['PTTL', PROBE_GET_KEY]))).toBeGreaterThan(14 * 60_000);
    c.destroy();
  });

  it('counts a wrong password as errors with the server\'s reason', async () => {
    const session = sessionOf(await openRedisCheck('redis.get', `redis://probe:wrong@${HOST}:${acl.port}`, CONTEXT));
    try {
      const m = await runOpenModel(session.request, { ratePerSecond: 100, warmupMs: 0, durationMs: 100, timeoutMs: 200 });
      expect(m).toMatchObject({ count: 10, errors: 10 });
      expect(m.errorCounts[0].message).toMatch(/^WRONGPASS/);
    } finally {
      session.close();
    }
  });

  it('follows one MOVED from a cluster endpoint during setup and sends every request to the node it names', async () => {
    const moved = await fakeServer((socket) => socket.on('data', () => socket.write(`-MOVED 12345 ${HOST}:${plain.port}\r\n`)));
    try {
      const session = sessionOf(await openRedisCheck('redis.set', `redis://${HOST}:${moved.port}`, CONTEXT));
      try {
        const m = await runOpenModel(session.request, { ratePerSecond: 200, warmupMs: 0, durationMs: 100, timeoutMs: 200 });
        expect(m).toMatchObject({ count: 20, errors: 0 });
      } finally {
        session.close();
      }
      expect(moved.connections()).toBe(1);
    } finally {
      await moved.close();
    }
  });

  it('counts a refused connection as errors', async () => {
    const port = await freePort();
    const session = sessionOf(await openRedisCheck('redis.get', `redis://${HOST}:${port}`, CONTEXT));
    try {
      const m = await runOpenModel(session.request, { ratePerSecond: 100, warmupMs: 0, durationMs: 100, timeoutMs: 200 });
      expect(m).toMatchObject({ count: 10, errors: 10, latency: null });
      expect(m.errorCounts[0].message).toBe(`connect ECONNREFUSED ${HOST}:${port}`);
    } finally {
      session.close();
    }
  });

  it('survives a server that drops every connection, counting errors and reconnecting', async () => {
    const dropping = await fakeServer((socket) => socket.on('data', () => socket.destroy()));
    try {
      const session = sessionOf(await openRedisCheck('redis.get', `redis://${HOST}:${dropping.port}`, CONTEXT));
      try {
        const m = await runOpenModel(session.request, { ratePerSecond: 100, warmupMs: 0, durationMs: 300, timeoutMs: 200 });
        expect(m).toMatchObject({ count: 30, errors: 30 });
        // Each request after a drop opens a new connection (setup's, then one per request): never more.
        expect(dropping.connections()).toBeGreaterThan(20);
        expect(dropping.connections()).toBeLessThanOrEqual(31);
      } finally {
        session.close();
      }
    } finally {
      await dropping.close();
    }
  });

  it('ends on time against a server that accepts and never answers', async () => {
    const stalled = await fakeServer(() => undefined);
    try {
      const began = performance.now();
      const session = sessionOf(await openRedisCheck('redis.get', `redis://${HOST}:${stalled.port}`, CONTEXT));
      const m = await runOpenModel(session.request, { ratePerSecond: 100, warmupMs: 0, durationMs: 300, timeoutMs: 200 });
      session.close();
      expect(m).toMatchObject({ count: 30, errors: 30 });
      expect(m.errorCounts).toEqual([{ message: 'no answer within 200 ms of the intended start', count: 30 }]);
      // Setup (200 ms) + window (300 ms) + timeout (200 ms), and some slack for a busy machine.
      expect(performance.now() - began).toBeLessThan(700 + 400);
    } finally {
      await stalled.close();
    }
  });

  it('speaks TLS for rediss://, end to end through bin/probe.ts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-tls-'));
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
      const proxy = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (tls) => {
        const upstream = connect(plain.port, HOST);
        tls.pipe(upstream).pipe(tls);
        tls.on('error', () => upstream.destroy());
        upstream.on('error', () => tls.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, HOST, resolve));
      const port = (proxy.address() as { port: number }).port;
      writeFileSync(join(dir, 't.json'), JSON.stringify({ region: 'local', redis: `rediss://${HOST}:${port}` }));
      const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', 'bin/probe.ts', '--target', join(dir, 't.json'), '--duration', '300ms', '--warmup', '0s', '--budget', 'redis.set=1000', '--budget', 'redis.get=1000', '--json'], {
          cwd: ROOT,
          env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
        });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
        p.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
      proxy.close();
      expect(child.stderr).toBe('');
      expect(child.code).toBe(0);
      expect(JSON.parse(child.stdout).checks).toEqual([
        expect.objectContaining({ name: 'redis.set', count: 30, errors: 0, budget_p95_ms: 1000, ok: true }),
        expect.objectContaining({ name: 'redis.get', count: 30, errors: 0, budget_p95_ms: 1000, ok: true }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
