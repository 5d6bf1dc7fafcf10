/** Child-process helpers shared by the local services. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  /** Exit code; -1 when the program is missing or was killed at the timeout. */
  readonly code: number;
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: string;
}

/** Runs `command` to completion (SIGKILLed after `timeoutMs`) and returns its exit code and output; never rejects. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    // Our own timer rather than spawn's `timeout` option, whose timer is cleared on 'exit' only, which a program
    // that failed to spawn (ENOENT) never emits: it would keep the caller's process alive for the whole timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = (result: RunResult): void => {
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (e) => finish({ code: -1, output: `${output}${e.message}` }));
    child.once('close', (code, signal) => finish({ code: code ?? -1, output: signal ? `${output}\nkilled by ${signal} after ${timeoutMs} ms` : output }));
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within 5 s; `exited` settles when it has. */
export async function stopProcess(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
