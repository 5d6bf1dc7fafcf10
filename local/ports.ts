/** Loopback addresses and ports for the local services: nothing here listens beyond 127.0.0.1. */
import { createServer } from 'node:net';

/** The only address the local services bind to and the tests connect to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Ports the OS reports free on the loopback interface (bound to port 0, then released). For programs that must be
 * told a port (redis-server, postgres); another process could take one in between, which on a test machine is
 * rare enough that the program's own "address in use" error is the right answer.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, LOOPBACK, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** One free loopback port (see freePorts). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}
