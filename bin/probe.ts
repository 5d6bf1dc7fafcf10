/**
 * Synthetic latency probe: measures a region's endpoints against the latency model's budgets.
 *   npm run -s probe -- --target <file.json> [--env <name>] [--duration 10s] [--rate 100] [--json | --emf] ...
 * `--milestone phaseN [--scale F]` runs a seed load milestone as a closed-model test instead. `--help` lists every
 * flag. Exit 0 every check holds, 1 a check broke its budget or error rate, 2 bad arguments or target.
 */
import { EXIT_CHECK_FAILED } from '../lib/util/errors';
import { main } from '../probe/main';

/** After the report, the process gets this long to end on its own before it is ended: a CronJob must never hang. */
const EXIT_GRACE_MS = 2_000;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Unref'd: it does not keep the process alive, it only ends it if a connection the probe lost track of would.
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (e: unknown) => {
    console.error('gigascale probe: unexpected failure:', e);
    process.exit(EXIT_CHECK_FAILED);
  },
);
