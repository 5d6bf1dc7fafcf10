/**
 * A minimal RESP2 client over one TCP or TLS socket, for the probe's redis checks. A client library adds its own
 * cost to every request: on a 2-core machine ioredis measured 2.4× redis-benchmark's p50 for a GET, a raw socket
 * 1.1×, and the probe must stay within 2× of `redis-benchmark -c 1`. Commands are pipelined: each is written at
 * once and replies are matched to them in order.
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** A reply: simple and bulk strings as strings, integers, arrays, and null for a nil bulk string or array. */
export type RespReply = string | number | null | readonly RespReply[];

/** An error reply of the server (`-ERR ...`, `-MOVED 3999 10.0.0.1:6379`, `-WRONGPASS ...`). */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

export interface RespEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** TLS server name to verify. @default - the host, unless it is an IP address */
  readonly servername?: string;
  /** ACL user; AUTH sends `AUTH username password` with one, `AUTH password` without. @default - none */
  readonly username?: string;
  /** @default - no AUTH */
  readonly password?: string;
}

/** The endpoint of a `redis://` or `rediss://` URL (already checked by probe/target.ts). */
export function respEndpoint(url: string): RespEndpoint {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: u.port === '' ? 6379 : Number(u.port),
    tls: u.protocol === 'rediss:',
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
  };
}

/** A command as the wire carries it; encode fixed commands once and send the buffer. */
export function encodeCommand(args: readonly string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

interface Waiter {
  resolve(reply: RespReply): void;
  reject(error: Error): void;
}

/** One connection. Every outstanding command fails when the connection is lost. */
export class RespConnection {
  /** Commands sent and not yet answered, oldest first: RESP answers in order. */
  private readonly waiting: Waiter[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the redis connection closed')));
  }

  /** Connects (TLS for `rediss`), with Nagle off, and authenticates; rejects after `timeoutMs`. */
  static async open(endpoint: RespEndpoint, timeoutMs: number): Promise<RespConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const options = { host: endpoint.host, port: endpoint.port };
      const s = endpoint.tls
        ? connectTls({ ...options, servername: endpoint.servername ?? (isIP(endpoint.host) === 0 ? endpoint.host : undefined) }, () => done())
        : connectTcp(options, () => done());
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) return resolve(s);
        s.destroy();
        reject(error);
      };
      const done = (): void => settle();
      const timer = setTimeout(() => settle(new Error(`no redis connection to ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`)), timeoutMs);
      // Stays attached after the connect: an error emitted before RespConnection listens must not go unhandled.
      s.on('error', (e) => settle(e));
    });
    socket.setNoDelay(true);
    const connection = new RespConnection(socket);
    if (endpoint.password !== undefined) {
      const auth = endpoint.username === undefined ? ['AUTH', endpoint.password] : ['AUTH', endpoint.username, endpoint.password];
      try {
        await connection.within(connection.send(encodeCommand(auth)), timeoutMs, 'AUTH');
      } catch (e) {
        connection.destroy();
        throw e;
      }
    }
    return connection;
  }

  /** Sends an encoded command (encodeCommand) and resolves with its reply; an error reply rejects with RespError. */
  send(command: Buffer): Promise<RespReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(command);
    });
  }

  /** `promise`, or a rejection naming `what` after `ms`. */
  within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no reply to ${what} within ${ms} ms`)), ms)));
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Drops the connection at once; outstanding commands fail. */
  destroy(): void {
    this.fail(new Error('the probe closed the redis connection'));
  }

  private fail(error: Error): void {
    if (this.failure === undefined) this.failure = error;
    this.socket.destroy();
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      let parsed: Parsed | undefined;
      try {
        parsed = parseReply(this.buffer, offset);
      } catch (e) {
        this.fail(e as Error);
        return;
      }
      if (parsed === undefined) break;
      offset = parsed.next;
      const waiter = this.waiting.shift();
      if (waiter === undefined) {
        this.fail(new Error('the redis server sent a reply to no command'));
        return;
      }
      if (parsed.reply instanceof RespError) waiter.reject(parsed.reply);
      else waiter.resolve(parsed.reply);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }
}

interface Parsed {
  readonly reply: RespReply | RespError;
  readonly next: number;
}

/** The reply starting at `offset` of `buffer`, or undefined when it has not fully arrived. */
export function parseReply(buffer: Buffer, offset: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const type = buffer[offset];
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // '+'
      return { reply: line, next };
    case 0x2d: // '-'
      return { reply: new RespError(line), next };
    case 0x3a: // ':'
      return { reply: Number(line), next };
    case 0x24: {
      // '$': a bulk string of `length` bytes, or nil.
      const length = Number(line);
      if (length < 0) return { reply: null, next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case 0x2a: {
      // '*': an array of `length` replies, or nil.
      const length = Number(line);
      if (length < 0) return { reply: null, next };
      const items: RespReply[] = [];
      let at = next;
      for (let i = 0; i < length; i++) {
        const item = parseReply(buffer, at);
        if (item === undefined) return undefined;
        // An error inside an array (EXEC) is kept as its message; the probe sends no such command.
        items.push(item.reply instanceof RespError ? item.reply.message : item.reply);
        at = item.next;
      }
      return { reply: items, next: at };
    }
    default:
      throw new Error(`the redis server sent something that is not RESP2 (first byte 0x${type.toString(16)})`);
  }
}
