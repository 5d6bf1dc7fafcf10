/**
 * A TCP proxy on a free 127.0.0.1 port in front of a local server, to give the probe a target with known faults:
 * - `delay`: every chunk from the client reaches the server `delayMs` later, in order; replies pass straight back,
 *   so a request/response round trip takes the server's time plus `delayMs`;
 * - `drop`: accepts each connection and destroys it at once (the client sees ECONNRESET or an early close);
 * - `stall`: accepts each connection and then neither forwards nor answers anything, until stop().
 */
import { connect, createServer, type Socket } from 'node:net';
import { LOOPBACK } from '../../local/ports';

/** How much earlier than due a delayed chunk's timer is set, to wait out the rest precisely (see the delay mode). */
const SPIN_MS = 2;

export type ProxyMode = 'delay' | 'drop' | 'stall';

/** The one timer a delaying connection has pending: a timeout, or the setImmediate turns of its last stretch. */
type PendingFlush = { readonly kind: 'timeout'; readonly handle: NodeJS.Timeout } | { readonly kind: 'immediate'; readonly handle: NodeJS.Immediate };

export interface TcpProxyOptions {
  /** The server behind the proxy, on 127.0.0.1. */
  readonly targetPort: number;
  readonly mode: ProxyMode;
  /** Added to every client-to-server chunk in `delay` mode. @default 0 */
  readonly delayMs?: number;
}

export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Destroys every socket the proxy holds, cancels pending delayed chunks and stops listening; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a proxy on a free loopback port. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const { targetPort, mode } = options;
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`delayMs must be a number >= 0, got ${delayMs}`);
  const sockets = new Set<Socket>();
  // What stop() must cancel: each delaying connection's pending timer.
  const cancellers = new Set<() => void>();
  let accepted = 0;
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    // No Nagle: a small write (a Redis command) goes out at once rather than waiting for the previous one's ACK.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    // Resets are expected here (drop, stop); the peer sees them, the proxy has nothing to add.
    socket.on('error', () => socket.destroy());
    return socket;
  };

  const server = createServer((client) => {
    accepted++;
    track(client);
    if (mode === 'drop') {
      client.destroy();
      return;
    }
    if (mode === 'stall') {
      // Reading nothing keeps the client's bytes in the kernel buffers; the connection stays open until stop().
      client.pause();
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
    client.on('data', (chunk: Buffer) => {
      queue.push({ due: performance.now() + delayMs, chunk });
      schedule();
    });
    client.on('end', () => {
      clientEnded = true;
      if (queue.length === 0) upstream.end();
    });
    upstream.pipe(client);
    client.once('close', () => {
      cancel();
      cancellers.delete(cancel);
      upstream.destroy();
    });
    cancellers.add(cancel);
    upstream.once('close', () => client.destroy());
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
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const cancel of cancellers) cancel();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopping;
    },
  };
}
