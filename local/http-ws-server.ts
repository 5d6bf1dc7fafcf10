/**
 * A stand-in for a region's front door, for the probe's http.get, profile.read.origin, ws.* and chat.roundtrip checks:
 * - `GET /gateway/health` answers 200 `ok` (Envoy answers that path itself in the cluster: lib/facts/probe-checks.ts);
 * - `GET` of the probe's reserved public profile (PROBE_PROFILE_PATH) answers a small JSON profile from memory, as
 *   entity would from its cache but with no cache or service behind it;
 * - `/ws` accepts WebSocket upgrades and holds them open, as the chat service does; the `ws` package answers every
 *   ping with a pong itself (RFC 6455 requires it);
 * - `/socket.io/` speaks enough Socket.IO to send the probe's chat messages back without a broker (serveChat).
 * Everything else is 404. One free 127.0.0.1 port serves them all.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { LOOPBACK } from './ports';
import { CHAT_SOCKET_PATH, PROBE_CHAT_EVENT, PROBE_PROFILE_PATH, PUBLIC_PROFILE_PREFIX, SOCKET_IO_WEBSOCKET_QUERY } from '../lib/facts/workloads';

/** The health path Envoy serves at the gateway. */
export const HEALTH_PATH = '/gateway/health';
/** The path that accepts WebSocket upgrades. */
export const WS_PATH = '/ws';
/** What the stand-in answers for the reserved profile: the shape of a public profile. */
const PROFILE_BODY = Buffer.from(JSON.stringify({ id: PROBE_PROFILE_PATH.slice(PUBLIC_PROFILE_PREFIX.length), displayName: 'gigascale probe', public: true }));
/**
 * Pending connections the kernel may queue before accept(): the probe and the load tests open 1,000+ WebSockets at
 * once, more than Node's default of 511. Linux caps it at net.core.somaxconn (4096 here).
 */
const LISTEN_BACKLOG = 4_096;

/** A running local HTTP + WebSocket server. */
export interface LocalHttpWsServer {
  /** `http://127.0.0.1:<port>/gateway/health`: the URL http.get probes. */
  readonly httpUrl: string;
  /** `http://127.0.0.1:<port>` + PROBE_PROFILE_PATH: the URL profile.read.origin probes. */
  readonly profileUrl: string;
  /** `ws://127.0.0.1:<port>/ws`: the URL ws.connect and ws.ping probe. */
  readonly wsUrl: string;
  /** `ws://127.0.0.1:<port>/socket.io/?EIO=4&transport=websocket`: the URL chat.roundtrip probes. */
  readonly chatUrl: string;
  readonly port: number;
  /** WebSockets open right now. */
  openWebSockets(): number;
  /** Closes every WebSocket and HTTP connection and the listening socket; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the server on a free loopback port (port 0: the OS picks one, so there is no race for it). */
export async function startHttpWsServer(): Promise<LocalHttpWsServer> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && pathOf(request) === HEALTH_PATH) {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    } else if (request.method === 'GET' && pathOf(request) === PROBE_PROFILE_PATH) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(PROFILE_BODY.length) }).end(PROFILE_BODY);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' }).end('not found');
    }
  });
  // No compression (the default, said here because it matters): deflate costs CPU per frame and would be measured.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true });
  // An abrupt client close surfaces as an error on its socket; it is the client's business, not the server's.
  wss.on('connection', (socket) => socket.on('error', () => undefined));
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = pathOf(request);
    if (path !== WS_PATH && path !== CHAT_SOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
      if (path === CHAT_SOCKET_PATH) serveChat(ws);
    });
  });
  server.on('clientError', (_error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: LOOPBACK, backlog: LISTEN_BACKLOG }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
  const { port } = address;

  let stopping: Promise<void> | undefined;
  return {
    httpUrl: `http://${LOOPBACK}:${port}${HEALTH_PATH}`,
    profileUrl: `http://${LOOPBACK}:${port}${PROBE_PROFILE_PATH}`,
    wsUrl: `ws://${LOOPBACK}:${port}${WS_PATH}`,
    chatUrl: `ws://${LOOPBACK}:${port}${CHAT_SOCKET_PATH}?${SOCKET_IO_WEBSOCKET_QUERY}`,
    port,
    openWebSockets: () => wss.clients.size,
    stop() {
      stopping ??= (async () => {
        // Upgraded sockets are no longer the HTTP server's: terminate them here, or close() would wait for them.
        for (const ws of wss.clients) ws.terminate();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return stopping;
    },
  };
}

/**
 * Chat's side of chat.roundtrip without Kafka: the Engine.IO open packet, the Socket.IO connect acknowledgement, and
 * each PROBE_CHAT_EVENT sent back to its socket on the next turn of the event loop, in place of the produce, consume
 * and push through the broker the service does. Everything else is ignored, as an unknown event would be.
 */
function serveChat(ws: WebSocket): void {
  ws.send(`0${JSON.stringify({ sid: 'local', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`);
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) return;
    const text = data.toString('utf8');
    if (text.startsWith('40')) ws.send('40{"sid":"local"}');
    else if (text.startsWith(`42["${PROBE_CHAT_EVENT}",`)) setImmediate(() => ws.send(text));
  });
}

/** The path of a request, without its query string. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
