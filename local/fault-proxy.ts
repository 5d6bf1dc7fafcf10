/**
 * A TCP proxy on a free 127.0.0.1 port in front of a local server, to give the probe a target with known faults. Its
 * mode can be switched on the live proxy (setMode), which is how `npm run chaos:local` starts and ends a fault:
 * - `pass`: bytes go both ways as they arrive;
 * - `delay`: every chunk from the client reaches the server `delayMs` later, in order; replies pass straight back,
 *   so a request/response round trip takes the server's time plus `delayMs`;
 * - `drop`: destroys every connection it holds and each new one at once (the client sees ECONNRESET or an early
 *   close);
 * - `stall`: stops forwarding on every connection it holds, and accepts new ones only to hold them: nothing is
 *   forwarded or answered until the mode changes or stop().
 */
import { connect, createServer, type Socket } from 'node:net';
import { LOOPBACK } from './ports';

/** How much earlier than due a delayed chunk's timer is set, to wait out the rest precisely (see the delay mode). */
const SPIN_MS = 2;

export type ProxyMode = 'pass' | 'delay' | 'drop' | 'stall';

/** The one timer a delaying connection has pending: a timeout, or the setImmediate turns of its last stretch. */
type PendingFlush = { readonly kind: 'timeout'; readonly handle: NodeJS.Timeout } | { readonly kind: 'immediate'; readonly handle: NodeJS.Immediate };

export interface FaultProxyOptions {
  /** The server behind the proxy, on 127.0.0.1. */
  readonly targetPort: number;
  readonly mode: ProxyMode;
  /** Added to every client-to-server chunk in `delay` mode. @default 0 */
  readonly delayMs?: number;
}

export interface FaultProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** The mode now. */
  mode(): ProxyMode;
  /**
   * Switches the mode of the live proxy, for the connections it holds and the new ones. Leaving `stall` destroys
   * the connections the stall held instead of resuming them: a real stall ends in a reset as often as in a resume
   * (a failed-over node, a NAT that forgot the flow), and the probe's clients, like most, give up on a request at
   * its timeout but keep the connection, so only a reset tells them to open a new one. A stall held by the proxy
   * for ever would otherwise be measured as a server that never recovers.
   */
  setMode(mode: ProxyMode): void;
  /** Destroys every socket the proxy holds, cancels pending delayed chunks and stops listening; safe to call twice. */
  stop(): Promise<void>;
}

/** A client connection and what the proxy keeps for it. */
interface Held {
  readonly client: Socket;
  /** The server side; undefined for a connection accepted while stalled or dropping. */
  readonly upstream?: Socket;
  /** Cancels the connection's pending delayed chunks. */
  readonly cancel: () => void;
  /** Set when a stall froze it: it is destroyed when the stall ends. */
  stalled: boolean;
}

/** Starts a proxy on a free loopback port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { targetPort } = options;
  let mode = options.mode;
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`delayMs must be a number >= 0, got ${delayMs}`);
  const connections = new Set<Held>();
  let accepted = 0;
  const track = (socket: Socket): Socket => {
    // No Nagle: a small write (a Redis command) goes out at once rather than waiting for the previous one's ACK.
    socket.setNoDelay(true);
    // Resets are expected here (drop, stop); the peer sees them, the proxy has nothing to add.
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const destroy = (held: Held): void => {
    held.cancel();
    held.client.destroy();
    held.upstream?.destroy();
    connections.delete(held);
  };
  const freeze = (held: Held): void => {
    // Reading nothing keeps each side's bytes in the kernel buffers; the connection stays open.
    held.stalled = true;
    held.cancel();
    held.client.pause();
    held.upstream?.pause();
  };

  const server = createServer((client) => {
    accepted++;
    track(client);
    if (mode === 'drop' || mode === 'stall') {
      const held: Held = { client, cancel: () => undefined, stalled: false };
      connections.add(held);
      client.once('close', () => connections.delete(held));
      if (mode === 'drop') destroy(held);
      else freeze(held);
      return;
    }
    const upstream = track(connect(targetPort, LOOPBACK));
    // Chunks are queued with the time each is due, and one timer at a time sends those due, so a constant delay
    // keeps them in arrival order. Node's timers have whole-millisecond resolution and usually fire up to ~1.5 ms
    // late, 7 % of a 20 ms delay: the timer is set SPIN_MS early and the last stretch is waited out with
    // setImmediate, which yields to I/O between turns.
    const queue: { due: number; chunk: Buffer }[] = [];
    let timer: PendingFlush | undefined;
    let clientEnded = false;
    const flush = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0].due <= now) upstream.write(queue.shift()!.chunk);
      if (queue.length > 0) schedule();
      else if (clientEnded) upstream.end();
    };
    const schedule = (): void => {
      if (timer !== undefined || queue.length === 0) return;
      const wait = queue[0].due - performance.now();
      timer = wait > SPIN_MS ? { kind: 'timeout', handle: setTimeout(flush, wait - SPIN_MS) } : { kind: 'immediate', handle: setImmediate(flush) };
    };
    const cancel = (): void => {
      if (timer?.kind === 'timeout') clearTimeout(timer.handle);
      if (timer?.kind === 'immediate') clearImmediate(timer.handle);
      timer = undefined;
    };
    const held: Held = { client, upstream, cancel, stalled: false };
    connections.add(held);
    client.on('data', (chunk: Buffer) => {
      if (held.stalled) return;
      if (mode !== 'delay') {
        upstream.write(chunk);
        return;
      }
      queue.push({ due: performance.now() + delayMs, chunk });
      schedule();
    });
    client.on('end', () => {
      clientEnded = true;
      if (queue.length === 0) upstream.end();
    });
    // Not pipe(): a pipe resumes its source on 'drain', which would undo a stall's pause.
    upstream.on('data', (chunk: Buffer) => {
      if (!held.stalled) client.write(chunk);
    });
    upstream.on('end', () => client.end());
    client.once('close', () => destroy(held));
    upstream.once('close', () => destroy(held));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected proxy address ${String(address)}`);

  let stopping: Promise<void> | undefined;
  return {
    port: address.port,
    accepted: () => accepted,
    mode: () => mode,
    setMode(next) {
      mode = next;
      for (const held of [...connections]) {
        if (next === 'drop' || (held.stalled && next !== 'stall')) destroy(held);
        else if (next === 'stall') freeze(held);
      }
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const held of [...connections]) destroy(held);
      });
      return stopping;
    },
  };
}
