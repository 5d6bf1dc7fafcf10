/**
 * The fault proxy (local/fault-proxy.ts) in front of an echo server: its mode switched on the live proxy, as
 * `npm run chaos:local` starts and ends faults. What a client sees: echoes in pass, silence in stall, a close in
 * drop, and a close of the connections a stall held when the stall ends.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../local/fault-proxy';

/** How long a client waits for an echo before it counts as none: ample on loopback. */
const SILENCE_MS = 300;

/** A connection whose echoes and close can be awaited. */
interface Client {
  readonly socket: Socket;
  /** Sends `text` and resolves with the echo, or `silence` after SILENCE_MS, or `closed`. */
  echo(text: string): Promise<string>;
  /** Resolves true once the socket has closed, false after SILENCE_MS. */
  closes(): Promise<boolean>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.once('close', () => (closed = true));
    const until = async (done: () => boolean): Promise<boolean> => {
      const deadline = performance.now() + SILENCE_MS;
      while (!done() && performance.now() < deadline) await sleep(5);
      return done();
    };
    socket.once('connect', () =>
      resolve({
        socket,
        async echo(text) {
          received = '';
          if (!closed) socket.write(text);
          if (await until(() => received === text || closed)) return received === text ? received : 'closed';
          return 'silence';
        },
        closes: () => until(() => closed),
      }),
    );
    socket.once('error', reject);
  });
}

describe('the fault proxy', () => {
  let echo: Server;
  let echoPort: number;
  let proxy: FaultProxy | undefined;
  const sockets: Socket[] = [];
  const served: Socket[] = [];

  beforeAll(async () => {
    echo = createServer((s) => {
      served.push(s);
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await proxy?.stop();
  });

  afterAll(async () => {
    for (const s of served) s.destroy();
    await new Promise((resolve) => echo.close(resolve));
  });

  const open = async (): Promise<Client> => {
    const c = await client(proxy!.port);
    sockets.push(c.socket);
    return c;
  };

  it('forwards in pass, holds every connection silent in stall, and closes the held ones when the stall ends', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort, mode: 'pass' });
    const before = await open();
    expect(await before.echo('one')).toBe('one');

    proxy.setMode('stall');
    const during = await open();
    expect([await before.echo('two'), await during.echo('three')]).toEqual(['silence', 'silence']);

    proxy.setMode('pass');
    expect([await before.closes(), await during.closes()]).toEqual([true, true]);
    const after = await open();
    expect(await after.echo('four')).toBe('four');
    expect([proxy.mode(), proxy.accepted()]).toEqual(['pass', 3]);
  });

  it('closes the connections it holds and every new one in drop, and forwards new ones again in pass', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort, mode: 'pass' });
    const before = await open();
    expect(await before.echo('one')).toBe('one');

    proxy.setMode('drop');
    expect(await before.closes()).toBe(true);
    const during = await open();
    expect(await during.closes()).toBe(true);

    proxy.setMode('pass');
    const after = await open();
    expect(await after.echo('two')).toBe('two');
  });

  it('delays what the client sends by delayMs', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort, mode: 'delay', delayMs: 50 });
    const c = await open();
    const began = performance.now();
    expect(await c.echo('late')).toBe('late');
    expect(performance.now() - began).toBeGreaterThanOrEqual(49);
  });
});
