/** Runs a program the way the CLI tests need: asynchronously (servers in this process keep serving), bounded in time. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessRun {
  /** Exit code; null when a signal ended it (the kill after `killAfterMs` among them). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

export interface ProcessOptions {
  readonly cwd: string;
  /** @default - this process's environment */
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILL after this many milliseconds, so the test ends whatever the child does. @default - never */
  readonly killAfterMs?: number;
  /** Called once the child exists (to raise its priority, say). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** Runs `command` with `args`; resolves when it has exited and closed its output. */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: Math.round(performance.now() - began) });
    });
  });
}

/** `node --import tsx <args>`: a TypeScript program of this project, as npm's scripts run them. */
export function runTsx(args: readonly string[], options: ProcessOptions): Promise<ProcessRun> {
  return runProcess(process.execPath, ['--import', 'tsx', ...args], options);
}
