/**
 * ws.connect: a full WebSocket handshake per request (TCP, TLS for wss, HTTP upgrade), then a close.
 * ws.ping: an RFC 6455 ping carrying the request's own payload, answered by the pong that echoes it, on a
 * connection opened during setup, so requests can overlap on it and a late pong is never taken for another's.
 */
import WebSocket from 'ws';
import { openConnectionCheck } from '../connection-check';
import { PendingReplies } from '../pending-replies';
import type { WebSocketRequest } from '../probe-identity';
import type { CheckContext, OpenedCheck, VirtualUser } from '../session';

/** Opens ws.connect on the `ws://` or `wss://` URL `target` (with the headers its upgrade carries). */
export function openWsConnectCheck(target: string | WebSocketRequest, context: CheckContext): Promise<OpenedCheck> {
  const sockets = new Set<WebSocket>();
  const open = (): Promise<WebSocket> => handshake(target, context.timeoutMs, sockets);
  const user = (): VirtualUser => {
    // Each user holds the connection it opened last, so the users are concurrently connected as real ones would be,
    // and its next request replaces it.
    let current: WebSocket | undefined;
    const reconnect = async (): Promise<void> => {
      current?.close(1000);
      current = undefined;
      current = await open();
    };
    return {
      connect: () => reconnect().catch(() => undefined),
      request: reconnect,
      close: () => current?.terminate(),
    };
  };
  return Promise.resolve({
    session: {
      request: async () => (await open()).close(1000),
      user,
      close: () => terminateAll(sockets),
    },
  });
}

/** Opens ws.ping on the `ws://` or `wss://` URL `target`; its shared connection is opened first (within the setup time). */
export function openWsPingCheck(target: string | WebSocketRequest, context: CheckContext): Promise<OpenedCheck> {
  const sockets = new Set<WebSocket>();
  return openConnectionCheck(
    async () => new Pinger(await handshake(target, context.timeoutMs, sockets), context.timeoutMs),
    (pinger) => pinger.ping(),
    context,
    () => terminateAll(sockets),
  );
}

/** One connection's pings, matched to their pongs by payload. */
class Pinger {
  private readonly replies: PendingReplies;
  private sequence = 0;

  constructor(
    private readonly socket: WebSocket,
    timeoutMs: number,
  ) {
    this.replies = new PendingReplies(timeoutMs, 'no pong');
    socket.on('pong', (data: Buffer) => this.replies.answered(data.toString('latin1')));
    socket.on('close', () => this.replies.failAll(new Error('the WebSocket connection closed')));
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  ping(): Promise<void> {
    const key = `probe-${++this.sequence}`;
    return this.replies.wait(key, (failed) => this.socket.ping(key, undefined, (e) => (e === undefined || e === null ? undefined : failed(e))));
  }

  destroy(): void {
    this.socket.terminate();
  }
}

/** A WebSocket opening `target`: a URL as given, or with the headers its upgrade carries (the probe's identity). */
export function newWebSocket(target: string | WebSocketRequest, timeoutMs: number): WebSocket {
  const { url, headers } = typeof target === 'string' ? { url: target, headers: {} } : target;
  return new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false, followRedirects: false, headers });
}

/** A connected WebSocket (tracked in `sockets` until it closes), or the reason there is none within `timeoutMs`. */
function handshake(target: string | WebSocketRequest, timeoutMs: number, sockets: Set<WebSocket>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = newWebSocket(target, timeoutMs);
    sockets.add(socket);
    socket.once('open', () => resolve(socket));
    // Errors after the handshake (a reset during close) reach the pings through 'close'; here they only settle the handshake.
    socket.on('error', (e) => reject(e));
    socket.on('close', () => {
      sockets.delete(socket);
      reject(new Error('the WebSocket connection closed during the handshake'));
    });
    socket.once('unexpected-response', (req, res) => {
      res.resume();
      reject(new Error(`HTTP ${res.statusCode ?? '?'} instead of the WebSocket upgrade`));
      req.destroy();
    });
  });
}

function terminateAll(sockets: Set<WebSocket>): void {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
}
