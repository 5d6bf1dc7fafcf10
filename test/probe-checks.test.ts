/**
 * The http, ws and chat checks against real servers on loopback: an in-test node:http server and an in-test `ws` server
 * (the postgres checks: test/probe-postgres.test.ts). Each check is driven by the load models as the probe drives it, and
 * each failure mode (error status, refused upgrade, missing pong, dropped or stalled connection, missing table)
 * must come out as counted errors or a skip, on time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openHttpCheck } from '../probe/checks/http';
import { openWsConnectCheck, openWsPingCheck } from '../probe/checks/ws';
import { ChatConnection, openChatCheck } from '../probe/checks/chat';
import { startHttpWsServer } from '../local/http-ws-server';
import { runClosedModel } from '../probe/closed-model';
import { LazyConnection, RETRY_AFTER_MS } from '../probe/lazy-connection';
import { runOpenModel, type OpenModelOptions } from '../probe/open-model';
import type { CheckSession, OpenedCheck } from '../probe/session';
import { freePort } from '../local/ports';

const HOST = '127.0.0.1';
const CONTEXT = { timeoutMs: 300, setupMs: 300 };
const SHORT: OpenModelOptions = { ratePerSecond: 200, warmupMs: 0, durationMs: 200, timeoutMs: 300 };

function sessionOf(opened: OpenedCheck): CheckSession {
  if (!('session' in opened)) throw new Error(`skipped: ${opened.skipped}`);
  return opened.session;
}

async function measure(opened: Promise<OpenedCheck>, options = SHORT) {
  const session = sessionOf(await opened);
  try {
    return await runOpenModel(session.request, options);
  } finally {
    session.close();
  }
}

/** An HTTP server (with WebSocket upgrades when `ws` options are given) that counts the TCP connections it accepts. */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('http.get', () => {
  it('GETs over a few kept-alive connections', async () => {
    const http = await httpServer((_, res) => res.end('ok'));
    try {
      const m = await measure(openHttpCheck(`http://${HOST}:${http.port}/health`, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 0 });
      expect(http.connections()).toBeLessThanOrEqual(16);
    } finally {
      await http.close();
    }
  });

  it('counts a status outside 2xx as an error', async () => {
    const http = await httpServer((_, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    try {
      const m = await measure(openHttpCheck(`http://${HOST}:${http.port}/`, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 40, errorCounts: [{ message: 'HTTP 503', count: 40 }] });
    } finally {
      await http.close();
    }
  });

  it('ends on time against a server that never answers, and frees its connections', async () => {
    const http = await httpServer(() => undefined);
    try {
      const began = performance.now();
      const m = await measure(openHttpCheck(`http://${HOST}:${http.port}/`, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 40, latency: null });
      expect(performance.now() - began).toBeLessThan(200 + 300 + 400);
    } finally {
      await http.close();
    }
  });

  it('counts a refused connection as an error', async () => {
    const port = await freePort();
    const m = await measure(openHttpCheck(`http://${HOST}:${port}/`, CONTEXT));
    expect(m).toMatchObject({ count: 40, errors: 40, errorCounts: [{ message: `connect ECONNREFUSED ${HOST}:${port}`, count: 40 }] });
  });

  it('gives each closed-model user its own kept-alive connection', async () => {
    const http = await httpServer((_, res) => res.end('ok'));
    try {
      const session = sessionOf(await openHttpCheck(`http://${HOST}:${http.port}/`, CONTEXT));
      const m = await runClosedModel(() => session.user(), { concurrency: 5, warmupMs: 0, durationMs: 200, timeoutMs: 300 });
      session.close();
      expect(m.errors).toBe(0);
      expect(m.count).toBeGreaterThan(5);
      expect(http.connections()).toBe(5);
    } finally {
      await http.close();
    }
  });
});

describe('ws.connect and ws.ping', () => {
  let http: Awaited<ReturnType<typeof httpServer>>;
  let wss: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    http = await httpServer((_, res) => res.end('not a websocket'));
    wss = new WebSocketServer({ server: http.server, path: '/ws' });
    wss.on('connection', (ws) => ws.on('error', () => undefined));
    url = `ws://${HOST}:${http.port}/ws`;
  });

  afterAll(async () => {
    wss?.close();
    await http?.close();
  });

  it('ws.connect makes a full handshake per request', async () => {
    const before = http.connections();
    const m = await measure(openWsConnectCheck(url, CONTEXT));
    expect(m).toMatchObject({ count: 40, errors: 0 });
    expect(http.connections() - before).toBe(40);
  });

  it('ws.connect counts a refused upgrade as an error with its status', async () => {
    const refusing = await httpServer((_, res) => {
      res.statusCode = 401;
      res.end();
    });
    try {
      const m = await measure(openWsConnectCheck(`ws://${HOST}:${refusing.port}/ws`, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 40, errorCounts: [{ message: 'HTTP 401 instead of the WebSocket upgrade', count: 40 }] });
    } finally {
      await refusing.close();
    }
  });

  it('ws.connect and chat.roundtrip carry the headers of their request in the upgrade (the probe\'s identity)', async () => {
    const seen: (string | undefined)[] = [];
    const watch = (_: unknown, request: IncomingMessage) => seen.push(request.headers.authorization);
    wss.on('connection', watch);
    try {
      const m = await measure(openWsConnectCheck({ url, headers: { authorization: 'gigascale-probe-sts abc' } }, CONTEXT), { ...SHORT, durationMs: 50 });
      expect(m.errors).toBe(0);
      expect(new Set(seen)).toEqual(new Set(['gigascale-probe-sts abc']));
    } finally {
      wss.off('connection', watch);
    }
  });

  it('ws.ping matches each pong to its ping on the one connection opened in setup', async () => {
    const before = http.connections();
    const m = await measure(openWsPingCheck(url, CONTEXT), { ...SHORT, ratePerSecond: 1_000 });
    expect(m).toMatchObject({ count: 200, errors: 0 });
    expect(http.connections() - before).toBe(1);
  });

  it('ws.ping counts pongs that never come as timeouts and ends on time', async () => {
    const silent = await httpServer(() => undefined);
    const mute = new WebSocketServer({ server: silent.server, autoPong: false });
    try {
      const began = performance.now();
      const m = await measure(openWsPingCheck(`ws://${HOST}:${silent.port}/`, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 40, errorCounts: [{ message: 'no answer within 300 ms of the intended start', count: 40 }] });
      expect(performance.now() - began).toBeLessThan(300 + 200 + 300 + 400);
    } finally {
      mute.close();
      await silent.close();
    }
  });

  it('ws.ping reconnects after the server drops the connection', async () => {
    const session = sessionOf(await openWsPingCheck(url, CONTEXT));
    const drop = setTimeout(() => wss.clients.forEach((c) => c.terminate()), 100);
    try {
      const m = await runOpenModel(session.request, { ratePerSecond: 200, warmupMs: 0, durationMs: 400, timeoutMs: 300 });
      expect(m.count).toBe(80);
      // Only the requests around the drop fail.
      expect(m.errors).toBeLessThan(10);
    } finally {
      clearTimeout(drop);
      session.close();
    }
  });

  it('gives each closed-model user its own WebSocket', async () => {
    for (const open of [openWsPingCheck, openWsConnectCheck]) {
      const session = sessionOf(await open(url, CONTEXT));
      // The most connections open at once, read as each one opens (a timer sampling every few ms can miss the moment
      // all 20 are open when a loaded machine opens them slowly).
      let most = 0;
      const watch = () => (most = Math.max(most, wss.clients.size));
      wss.on('connection', watch);
      const m = await runClosedModel(() => session.user(), { concurrency: 20, warmupMs: 0, durationMs: 200, timeoutMs: 300 });
      wss.off('connection', watch);
      session.close();
      expect(m.errors).toBe(0);
      expect(m.count).toBeGreaterThanOrEqual(20);
      // ws.connect replaces each user's connection per request: momentarily a closing one and its successor.
      expect(most).toBeGreaterThanOrEqual(20);
      expect(most).toBeLessThanOrEqual(40);
    }
  });
});

describe('chat.roundtrip', () => {
  /**
   * A Socket.IO server on `path` that opens sessions like chat (Engine.IO open packet, connect acknowledgement) and
   * treats each probe event as `onEvent` says; it pings every new connection at once, as Engine.IO does on its
   * interval, and records what it receives.
   */
  async function chatServer(onEvent: (send: (text: string) => void, text: string) => void, opening: 'accept' | 'refuse' | 'silent' = 'accept') {
    const http = await httpServer((_, res) => res.end());
    const wss = new WebSocketServer({ server: http.server, path: '/socket.io/' });
    const received: string[] = [];
    wss.on('connection', (ws) => {
      ws.on('error', () => undefined);
      ws.send('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
      ws.send('2');
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        received.push(text);
        if (text === '40' && opening === 'accept') ws.send('40{"sid":"n1"}');
        else if (text === '40' && opening === 'refuse') ws.send('44{"message":"unauthorized"}');
        else if (text.startsWith('42')) onEvent((t) => ws.send(t), text);
      });
    });
    return {
      url: `ws://${HOST}:${http.port}/socket.io/?EIO=4&transport=websocket`,
      received,
      sessions: () => wss.clients.size,
      async close() {
        wss.close();
        await http.close();
      },
    };
  }

  it('sends each message on the one Socket.IO session opened in setup, answers pings, and waits for its own answer', async () => {
    // Answers come back in the wrong order, with an unrelated event in between: each is matched by its id.
    let held: string | undefined;
    const server = await chatServer((send, text) => {
      if (held === undefined) {
        held = text;
        return;
      }
      send(text);
      send('42["message",{"id":"probe-1"}]');
      send(held);
      held = undefined;
    });
    try {
      const m = await measure(openChatCheck(server.url, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 0 });
      expect(server.received.slice(0, 4)).toEqual(['40', '3', '42["probe:roundtrip",{"id":"probe-1"}]', '42["probe:roundtrip",{"id":"probe-2"}]']);
      expect(server.received.filter((t) => t === '40')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('counts messages that never come back as timeouts and ends on time', async () => {
    const server = await chatServer(() => undefined);
    try {
      const began = performance.now();
      const m = await measure(openChatCheck(server.url, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 40, errorCounts: [{ message: 'no answer within 300 ms of the intended start', count: 40 }] });
      expect(performance.now() - began).toBeLessThan(300 + 200 + 300 + 400);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['refuse', 'Socket.IO refused the connection: {"message":"unauthorized"}'],
    ['silent', 'no Socket.IO session within 300 ms'],
  ] as const)('fails to open when the server does not accept the session (%s)', async (opening, message) => {
    const server = await chatServer(() => undefined, opening);
    try {
      await expect(ChatConnection.open(server.url, 300)).rejects.toThrow(message);
    } finally {
      await server.close();
    }
  });

  it("counts the gateway's refused upgrade (no session) as an error with its status", async () => {
    const refusing = await httpServer((_, res) => {
      res.statusCode = 403;
      res.end();
    });
    try {
      const m = await measure(openChatCheck(`ws://${HOST}:${refusing.port}/socket.io/?EIO=4&transport=websocket`, CONTEXT));
      expect(m.count).toBe(40);
      expect(m.errors).toBe(40);
      expect(m.errorCounts.map((e) => e.message)).toContain('HTTP 403 instead of the WebSocket upgrade');
    } finally {
      await refusing.close();
    }
  });

  it("round-trips on probe:local's stand-in, which sends the message back without a broker", async () => {
    const local = await startHttpWsServer();
    try {
      expect(local.chatUrl).toBe(`ws://127.0.0.1:${local.port}/socket.io/?EIO=4&transport=websocket`);
      const m = await measure(openChatCheck(local.chatUrl, CONTEXT));
      expect(m).toMatchObject({ count: 40, errors: 0 });
    } finally {
      await local.stop();
    }
  });
});

describe('LazyConnection', () => {
  it('opens once for every request waiting, and after a failure waits before opening again', async () => {
    let opens = 0;
    const lazy = new LazyConnection<{ open: boolean }>({
      open: async () => {
        opens++;
        throw new Error(`refused ${opens}`);
      },
      isOpen: (c) => c.open,
      destroy: (c) => (c.open = false),
    });
    const first = await Promise.allSettled([lazy.get(), lazy.get(), lazy.get()]);
    expect(first.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'opened'))).toEqual(['refused 1', 'refused 1', 'refused 1']);
    await expect(lazy.get()).rejects.toThrow('refused 1');
    expect(opens).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS + 10));
    await expect(lazy.get()).rejects.toThrow('refused 2');
  });

  it('drops a connection that opens after close()', async () => {
    let release: () => void = () => undefined;
    const connection = { open: true };
    const lazy = new LazyConnection({
      open: () => new Promise<typeof connection>((resolve) => (release = () => resolve(connection))),
      isOpen: (c) => c.open,
      destroy: (c) => (c.open = false),
    });
    const pending = lazy.get();
    lazy.close();
    release();
    await expect(pending).rejects.toThrow('the probe has closed this connection');
    expect(connection.open).toBe(false);
  });
});
