/**
 * A command vitest's global setup starts when the run starts, at the lowest CPU priority (`nice -n 19`, which its
 * children inherit), so it takes only the CPU the tests leave idle; its result is written to a file once it exits,
 * and test files await that file (`backgroundResult`). The default synth and the static checks run this way.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProcess, type ProcessRun } from './process';

export interface BackgroundOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILL after this many milliseconds; the tests that await it then fail with what it printed. */
  readonly limitMs: number;
}

/** Runs `command args` under `nice -n 19`; resolves once its ProcessRun is written, as JSON, to `resultFile`. */
export function startInBackground(resultFile: string, command: string, args: readonly string[], options: BackgroundOptions): Promise<void> {
  const written = (run: ProcessRun): void => {
    // Whole or not at all: a reader never sees half a file.
    writeFileSync(`${resultFile}.partial`, JSON.stringify(run));
    renameSync(`${resultFile}.partial`, resultFile);
  };
  return runProcess('nice', ['-n', '19', command, ...args], { cwd: options.cwd, env: options.env, killAfterMs: options.limitMs }).then(written, (e: unknown) =>
    written({ code: null, stdout: '', stderr: `could not run nice -n 19 ${command} ${args.join(' ')}: ${(e as Error).message}`, elapsedMs: 0 }),
  );
}

/**
 * The run written to `resultFile` once the command has exited; throws if none is written within `limitMs` (plus
 * the time the commands before it in the same chain may take, which the caller adds).
 */
export async function backgroundResult(resultFile: string, limitMs: number): Promise<ProcessRun> {
  const deadline = Date.now() + limitMs + 10_000;
  while (!existsSync(resultFile)) {
    if (Date.now() > deadline) throw new Error(`no result was written to ${resultFile} within ${limitMs / 1000} s`);
    await sleep(200);
  }
  return JSON.parse(readFileSync(resultFile, 'utf8')) as ProcessRun;
}
