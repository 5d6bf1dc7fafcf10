/**
 * The probe's command line as a function, so bin/probe.ts and bin/probe-local.ts (which starts local servers and
 * probes them in-process) share it: parse, read the target, run, print, and return the exit code.
 */
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/util/errors';
import { parseProbeArgs, PROBE_USAGE, type ProbeArgs } from './args';
import { emfLines } from './emf';
import { formatEmfEndpoint, sendEmfLines } from './emf-endpoint';
import { formatProbeReport, probeJson } from './report';
import { runProbe } from './run';
import { errorMessage } from './session';
import { readTarget } from './target';

/** Where main() writes; each call is one or more whole lines. */
export interface ProbeIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether to print progress on stderr (a person is watching). @default - stderr is a terminal */
  readonly progress?: boolean;
}

const PROCESS_IO: ProbeIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs `npm run -s probe -- <argv>` and returns its exit code: 0 every check holds, 1 one broke its budget or
 * error rate, 2 bad arguments or target (the message on stderr names the flag or field and the fix). stdout gets
 * only the report: the table, the --json document, or the --emf lines.
 */
export async function main(argv: readonly string[], io: ProbeIo = PROCESS_IO): Promise<number> {
  try {
    const args = parseProbeArgs(argv);
    if (args.help) {
      io.stdout(`${PROBE_USAGE}\n`);
      return EXIT_OK;
    }
    const target = readTarget(args.target);
    const progress = io.progress ?? (io === PROCESS_IO && process.stderr.isTTY === true);
    const report = await runProbe({
      ...optionsOf(args),
      target,
      onCheck: progress ? (check, index, of) => io.stderr(`probe: ${check} (${index + 1}/${of})\n`) : undefined,
    });
    if (args.output === 'json') io.stdout(`${JSON.stringify(probeJson(report), null, 2)}\n`);
    else if (args.output === 'table') io.stdout(`${formatProbeReport(report).join('\n')}\n`);
    else {
      const lines = emfLines(report, Date.now());
      io.stdout(lines.map((l) => `${l}\n`).join(''));
      if (args.emfEndpoint !== undefined) {
        try {
          await sendEmfLines(args.emfEndpoint, lines);
        } catch (e) {
          // Undelivered metrics are missing datapoints, which the alarms treat as breaching: the run failed.
          io.stderr(`gigascale probe: could not send the EMF lines to ${formatEmfEndpoint(args.emfEndpoint)} (--emf-endpoint): ${errorMessage(e)}\n`);
          return EXIT_CHECK_FAILED;
        }
      }
    }
    return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    io.stderr(`gigascale probe: ${e.message}\n`);
    return e.exitCode === EXIT_OK ? EXIT_BAD_INPUT : e.exitCode;
  }
}

function optionsOf(args: ProbeArgs) {
  return {
    env: args.env,
    config: args.config,
    durationMs: args.durationMs,
    ratePerSecond: args.ratePerSecond,
    warmupMs: args.warmupMs,
    timeoutMs: args.timeoutMs,
    budgetsMs: args.budgetsMs,
    maxErrorRate: args.maxErrorRate,
    milestone: args.milestone,
    scale: args.scale,
  };
}
