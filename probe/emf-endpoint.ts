/**
 * Delivery of the EMF lines to a CloudWatch agent listening for them (`--emf-endpoint tcp://host:25888`): in EKS the
 * container's stdout reaches CloudWatch wrapped in Kubernetes metadata by Fluent Bit, which CloudWatch does not read
 * as EMF, so k8s/probe-chart.ts has the probe send its lines to the agent on the node instead.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

export interface EmfEndpoint {
  /** The agent takes newline-separated lines over TCP, and one line per datagram over UDP. */
  readonly protocol: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
}

/** How long delivering the lines may take before the run counts as failed. */
export const EMF_SEND_TIMEOUT_MS = 5_000;

/** The endpoint of `tcp://host:port` or `udp://host:port`, or undefined when `text` is not written that way. */
export function parseEmfEndpoint(text: string): EmfEndpoint | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const protocol = url.protocol === 'tcp:' ? 'tcp' : url.protocol === 'udp:' ? 'udp' : undefined;
  if (protocol === undefined || url.hostname === '' || url.port === '' || !['', '/'].includes(url.pathname) || url.search !== '') return undefined;
  return { protocol, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

/** `protocol://host:port`, for messages. */
export function formatEmfEndpoint(endpoint: EmfEndpoint): string {
  return `${endpoint.protocol}://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** Sends `lines` to the agent at `endpoint`; rejects when they cannot be handed over within `timeoutMs`. */
export function sendEmfLines(endpoint: EmfEndpoint, lines: readonly string[], timeoutMs: number = EMF_SEND_TIMEOUT_MS): Promise<void> {
  return endpoint.protocol === 'tcp' ? sendTcp(endpoint, lines, timeoutMs) : sendUdp(endpoint, lines, timeoutMs);
}

function sendTcp(endpoint: EmfEndpoint, lines: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint.port, endpoint.host);
    const timer = setTimeout(() => socket.destroy(new Error(`no delivery within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // end()'s callback: every byte was handed to the kernel and our side of the connection is closed.
    socket.end(lines.map((l) => `${l}\n`).join(''), () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function sendUdp(endpoint: EmfEndpoint, lines: readonly string[], timeoutMs: number): Promise<void> {
  const socket = createSocket(endpoint.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', () => undefined);
  const sends = lines.map(
    (line) => new Promise<void>((resolve, reject) => socket.send(`${line}\n`, endpoint.port, endpoint.host, (e) => (e ? reject(e) : resolve()))),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no delivery within ${timeoutMs} ms`)), timeoutMs)));
  try {
    await Promise.race([Promise.all(sends), timeout]);
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
