/**
 * What the commands that run against local services share (bin/probe-local.ts, bin/chaos-local.ts): starting
 * Postgres, redis-server and optionally the HTTP/WebSocket server side by side with their start-up logged, stopping
 * whatever started exactly once (the normal end, a signal, a failed start), and ending the process with its code
 * even if a handle was left open.
 */
import { EXIT_CHECK_FAILED } from '../lib/util/errors';
import { startHttpWsServer, type LocalHttpWsServer } from './http-ws-server';
import { startLocalPostgres, type LocalPostgres } from './postgres';
import { startPlainRedis, type PlainRedis } from './redis-server';

/** How long the process may linger after its result before it is ended: handles left open must not hang it. */
const EXIT_GRACE_MS = 2_000;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

/** Writes a line of start-up, stop or error to stderr (stdout carries only the command's report). */
export type Log = (line: string) => void;

/** A log of `name: line` lines on stderr. */
export function stderrLog(name: string): Log {
  return (line) => process.stderr.write(`${name}: ${line}\n`);
}

/** The services that started; `http` only when asked for. */
export type Services<WithHttp extends boolean> = { readonly postgres: LocalPostgres; readonly redis: PlainRedis } & (WithHttp extends true
  ? { readonly http: LocalHttpWsServer }
  : unknown);

/** Resolves to how long `promise` took alongside its value, so parallel starts can be timed one by one. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const began = performance.now();
  const value = await promise;
  return { value, ms: Math.round(performance.now() - began) };
}

interface Stoppable {
  stop(): Promise<void>;
}

/** Starts the services once and stops them once, whoever asks first (the normal end, a signal, a failed start). */
export class LocalServices<WithHttp extends boolean> {
  private readonly began = performance.now();
  private readonly starts: Readonly<Record<string, Promise<{ value: Stoppable; ms: number }>>>;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly log: Log,
    private readonly withHttp: WithHttp,
  ) {
    this.starts = {
      postgres: timed(startLocalPostgres()),
      redis: timed(startPlainRedis()),
      ...(withHttp ? { 'http/ws server': timed(startHttpWsServer()) } : {}),
    };
  }

  /** Every service, or undefined after logging why each failed one failed (the others are stopped by stop()). */
  async started(): Promise<Services<WithHttp> | undefined> {
    const names = Object.keys(this.starts);
    const results = await Promise.allSettled(Object.values(this.starts));
    if (results.some((r) => r.status === 'rejected')) {
      results.forEach((r, i) => r.status === 'rejected' && this.log(`${names[i]} did not start: ${messageOf(r.reason)}`));
      return undefined;
    }
    const [postgres, redis, http] = results.map((r) => (r as PromiseFulfilledResult<{ value: Stoppable; ms: number }>).value);
    const pg = postgres.value as LocalPostgres;
    const skipped = pg.skippedMigrations.map((s) => `; skipped ${s.name}: ${s.reason}`).join('');
    const applied = pg.migrations.files.map((f) => f.name).join(', ');
    this.log(`postgres ready on 127.0.0.1:${pg.port} in ${postgres.ms} ms (initdb+start ${pg.startMs} ms, migrations+seed ${pg.migrateMs} ms: ${applied}${skipped})`);
    const rd = redis.value as PlainRedis;
    this.log(`redis ${rd.version} ready on 127.0.0.1:${rd.port} in ${redis.ms} ms${rd.installMs === undefined ? '' : ` (installed in ${rd.installMs} ms)`}`);
    if (http !== undefined) this.log(`http/ws server ready on 127.0.0.1:${(http.value as LocalHttpWsServer).port} in ${http.ms} ms`);
    this.log(`all services up in ${Math.round(performance.now() - this.began)} ms (started side by side)`);
    return { postgres: pg, redis: rd, ...(this.withHttp ? { http: http.value } : {}) } as Services<WithHttp>;
  }

  /** Stops every service that started, waiting for those still starting; failures are logged, never thrown. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const began = performance.now();
      await Promise.allSettled(
        Object.entries(this.starts).map(async ([name, start]) => {
          const service = await start.then(
            (s) => s.value,
            () => undefined, // it cleaned up after itself when it failed
          );
          await service?.stop().catch((e: unknown) => this.log(`stopping ${name} failed: ${messageOf(e)}`));
        }),
      );
      this.log(`services stopped in ${Math.round(performance.now() - began)} ms`);
    })();
    return this.stopping;
  }
}

/** What stopOnSignals returns: whether a signal came, and how to stop listening for them. */
export interface SignalWatch {
  interrupted(): boolean;
  /** Stops listening, unless a signal came (its handler then owns the exit). */
  dispose(): void;
}

/**
 * On SIGINT or SIGTERM: logs it, runs `stop` and exits with 128 + the signal's number; a second signal exits at once
 * (exit() still runs every service's 'exit' handler: SIGKILL, remove dir).
 */
export function stopOnSignals(stop: () => Promise<void>, log: Log): SignalWatch {
  let interrupted = false;
  const onSignal = (signal: keyof typeof SIGNAL_NUMBERS): void => {
    const code = 128 + SIGNAL_NUMBERS[signal];
    if (interrupted) {
      log(`${signal} again: exiting now`);
      process.exit(code);
    }
    interrupted = true;
    log(`${signal}: stopping the local services`);
    void stop().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    interrupted: () => interrupted,
    dispose() {
      if (interrupted) return;
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/**
 * Sets the exit code `run` resolves to; everything the command started is stopped by then, so if a handle left
 * open keeps the process alive, it is ended EXIT_GRACE_MS later. A rejection is logged and exits 1.
 */
export function exitWith(run: Promise<number>, log: Log): void {
  run.then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => {
        log(`still running ${EXIT_GRACE_MS} ms after the end (a handle left open); exiting with ${code}`);
        process.exit(code);
      }, EXIT_GRACE_MS).unref();
    },
    (e: unknown) => {
      log(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(EXIT_CHECK_FAILED);
    },
  );
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
