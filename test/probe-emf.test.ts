/**
 * `--emf --emf-endpoint`: the EMF lines handed to a CloudWatch agent's listener (k8s/probe-chart.ts sends them to
 * the node's agent on tcp 25888), over TCP and UDP, and what a run does when the agent is not there.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { parseProbeArgs } from '../probe/args';
import { parseEmfEndpoint, sendEmfLines } from '../probe/emf-endpoint';
import { main } from '../probe/main';
import { freePort } from '../local/ports';

const HOST = '127.0.0.1';

/** A TCP listener that collects what each connection sends. */
async function agent(): Promise<{ port: number; received: () => Promise<string>; close(): Promise<void> }> {
  let data = '';
  let closed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const server = createTcpServer((socket) => {
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('end', () => closed());
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as { port: number }).port,
    received: async () => {
      await done;
      return data;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('parseEmfEndpoint', () => {
  it.each([
    ['tcp://10.0.3.7:25888', { protocol: 'tcp', host: '10.0.3.7', port: 25888 }],
    ['udp://localhost:25888', { protocol: 'udp', host: 'localhost', port: 25888 }],
    ['tcp://[::1]:25888', { protocol: 'tcp', host: '::1', port: 25888 }],
  ])('reads %s', (text, endpoint) => {
    expect(parseEmfEndpoint(text)).toEqual(endpoint);
  });

  it.each(['http://h:25888', 'tcp://h', 'tcp://h:1/path', 'tcp://h:1?x=1', '10.0.0.1:25888'])('refuses %s', (text) => {
    expect(parseEmfEndpoint(text)).toBeUndefined();
  });

  it('is refused without --emf, or written another way, with the fix', () => {
    const refusal = (argv: string[]): string => {
      try {
        parseProbeArgs(['--target', 't.json', ...argv]);
      } catch (e) {
        if (e instanceof GigascaleError) return e.message;
      }
      throw new Error('accepted');
    };
    expect(refusal(['--emf-endpoint', 'tcp://h:25888'])).toBe('Bad arguments (1 problem):\n  - --emf-endpoint: sends the EMF lines: pass --emf with it');
    expect(refusal(['--emf', '--emf-endpoint', 'h:25888'])).toBe(
      'Bad arguments (1 problem):\n  - --emf-endpoint: must be tcp://host:port or udp://host:port (a CloudWatch agent\'s EMF listener, e.g. tcp://127.0.0.1:25888), got "h:25888"',
    );
  });
});

describe('sendEmfLines', () => {
  it('writes the lines, newline-terminated, on one TCP connection', async () => {
    const listener = await agent();
    try {
      await sendEmfLines({ protocol: 'tcp', host: HOST, port: listener.port }, ['{"a":1}', '{"b":2}']);
      expect(await listener.received()).toBe('{"a":1}\n{"b":2}\n');
    } finally {
      await listener.close();
    }
  });

  it('sends one datagram per line over UDP', async () => {
    const socket = createSocket('udp4');
    const datagrams: string[] = [];
    const two = new Promise<void>((resolve) =>
      socket.on('message', (m) => {
        datagrams.push(m.toString());
        if (datagrams.length === 2) resolve();
      }),
    );
    await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
    try {
      await sendEmfLines({ protocol: 'udp', host: HOST, port: socket.address().port }, ['{"a":1}', '{"b":2}']);
      await two;
      expect(datagrams.sort()).toEqual(['{"a":1}\n', '{"b":2}\n']);
    } finally {
      socket.close();
    }
  });

  it('rejects when no agent listens', async () => {
    const port = await freePort();
    await expect(sendEmfLines({ protocol: 'tcp', host: HOST, port }, ['{}'])).rejects.toThrow(`connect ECONNREFUSED ${HOST}:${port}`);
  });
});

describe('main --emf --emf-endpoint', () => {
  let server: Server;
  let dir: string;
  let target: string;

  beforeAll(async () => {
    server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-emf-'));
    target = join(dir, 't.json');
    writeFileSync(target, JSON.stringify({ region: 'local', http: `http://${HOST}:${(server.address() as { port: number }).port}/` }));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--target', target, '--duration', '200ms', '--warmup', '0s', '--emf', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  it('prints the lines and hands the same lines to the agent', async () => {
    const listener = await agent();
    try {
      const result = await run(['--emf-endpoint', `tcp://${HOST}:${listener.port}`]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(await listener.received()).toBe(result.stdout);
      expect(JSON.parse(result.stdout)).toMatchObject({ Region: 'local', Check: 'http.get', Count: 20 });
    } finally {
      await listener.close();
    }
  });

  it('fails the run (exit 1) when the agent cannot be reached, saying where', async () => {
    const port = await freePort();
    const result = await run(['--emf-endpoint', `tcp://${HOST}:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gigascale probe: could not send the EMF lines to tcp://${HOST}:${port} (--emf-endpoint): connect ECONNREFUSED ${HOST}:${port}\n`);
  });
});
