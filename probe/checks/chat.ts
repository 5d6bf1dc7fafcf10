/**
 * chat.roundtrip: a chat message from the probe to itself and back, the seed's chat path. The message goes through
 * the gateway to chat, which produces it to Kafka and pushes it to its recipient's socket when it reads it back; the
 * probe is its own recipient (lib/facts/workloads.ts PROBE_CHAT_EVENT is chat's part of the contract). Socket.IO 5
 * over Engine.IO 4's WebSocket transport, spoken directly on a connection opened during setup:
 * - opening: the server's Engine.IO open packet (`0{...}`), the probe's connect to the main namespace (`40`), the
 *   server's acknowledgement (`40{...}`);
 * - each request: `42["<event>",{"id":"<n>"}]`, answered when the same event with the same id comes back, so requests
 *   overlap on the connection and a late answer is never taken for another's;
 * - the server's Engine.IO pings (`2`) are answered with pongs (`3`), or it would close the connection.
 */
import WebSocket from 'ws';
import { PROBE_CHAT_EVENT } from '../../lib/facts/workloads';
import { openConnectionCheck } from '../connection-check';
import { PendingReplies } from '../pending-replies';
import type { WebSocketRequest } from '../probe-identity';
import type { CheckContext, OpenedCheck } from '../session';
import { newWebSocket } from './ws';

/** Engine.IO 4 packet types (the first character of a text frame) and Socket.IO 5's, inside a `4` message. */
const ENGINE_OPEN = '0';
const ENGINE_PING = '2';
const ENGINE_PONG = '3';
const SOCKET_CONNECT = '40';
const SOCKET_EVENT = '42';
const SOCKET_CONNECT_ERROR = '44';

/** Opens chat.roundtrip on the Socket.IO WebSocket URL `target`; its shared connection is opened first (within the setup time). */
export function openChatCheck(target: string | WebSocketRequest, context: CheckContext): Promise<OpenedCheck> {
  return openConnectionCheck(
    () => ChatConnection.open(target, context.timeoutMs),
    (connection) => connection.roundtrip(),
    context,
  );
}

/** One Socket.IO connection's round trips, matched to their answers by id. */
export class ChatConnection {
  private readonly replies: PendingReplies;
  private sequence = 0;

  private constructor(
    private readonly socket: WebSocket,
    timeoutMs: number,
  ) {
    this.replies = new PendingReplies(timeoutMs, 'no answer');
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) return;
      const text = data.toString('utf8');
      if (text === ENGINE_PING) socket.send(ENGINE_PONG);
      else if (text.startsWith(SOCKET_EVENT)) this.answered(text.slice(SOCKET_EVENT.length));
    });
    socket.on('close', () => this.replies.failAll(new Error('the chat connection closed')));
  }

  /** A connection that has opened the Socket.IO session, or the reason there is none within `timeoutMs`. */
  static open(target: string | WebSocketRequest, timeoutMs: number): Promise<ChatConnection> {
    return new Promise((resolve, reject) => {
      const socket = newWebSocket(target, timeoutMs);
      const fail = (e: Error): void => {
        clearTimeout(timer);
        socket.terminate();
        reject(e);
      };
      const timer = setTimeout(() => fail(new Error(`no Socket.IO session within ${timeoutMs} ms`)), timeoutMs);
      const opening = (data: Buffer): void => {
        const text = data.toString('utf8');
        if (text.startsWith(ENGINE_OPEN)) socket.send(SOCKET_CONNECT);
        else if (text === ENGINE_PING) socket.send(ENGINE_PONG);
        else if (text.startsWith(SOCKET_CONNECT)) {
          clearTimeout(timer);
          socket.removeListener('message', opening);
          resolve(new ChatConnection(socket, timeoutMs));
        } else if (text.startsWith(SOCKET_CONNECT_ERROR)) fail(new Error(`Socket.IO refused the connection: ${text.slice(SOCKET_CONNECT_ERROR.length)}`));
      };
      socket.on('message', opening);
      // Errors after the session is open reach the round trips through 'close'; here they only settle the opening.
      socket.on('error', (e) => fail(e));
      socket.once('close', () => fail(new Error('the chat connection closed while opening')));
      socket.once('unexpected-response', (req, res) => {
        res.resume();
        req.destroy();
        fail(new Error(`HTTP ${res.statusCode ?? '?'} instead of the WebSocket upgrade`));
      });
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends one message to the probe itself; resolves when chat has pushed it back. */
  roundtrip(): Promise<void> {
    const id = `probe-${++this.sequence}`;
    return this.replies.wait(id, (failed) => this.socket.send(`${SOCKET_EVENT}${JSON.stringify([PROBE_CHAT_EVENT, { id }])}`, (e) => (e === undefined || e === null ? undefined : failed(e))));
  }

  destroy(): void {
    this.socket.terminate();
  }

  /** Settles the round trip an event answers; anything else on the connection is not the probe's. */
  private answered(payload: string): void {
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    if (!Array.isArray(event) || event[0] !== PROBE_CHAT_EVENT) return;
    const id = (event[1] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') this.replies.answered(id);
  }
}
