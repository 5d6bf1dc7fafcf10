/** Child processes of the review: run to completion, output captured, without credentials. */
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * The environment without AWS or CDK settings: the synths must work offline with no credentials, and a CDK_OUTDIR
 * or CDK_CONTEXT_JSON of an enclosing CDK process must not leak into them.
 */
export function offlineEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_)/.test(k)));
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/** Thrown by `run` when its signal aborts it. */
export class Aborted extends Error {
  constructor(command: string) {
    super(`${command}: stopped, the other side of the review failed`);
    this.name = 'Aborted';
  }
}

/**
 * Runs `command` in `cwd`; resolves with its exit code and output, never rejects on a non-zero exit. When `signal`
 * aborts, the command's whole process group is stopped (`cdk synth` runs the app in a child of its own) and the
 * promise rejects with Aborted.
 */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = offlineEnv(), signal?: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Aborted(command));
      return;
    }
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    signal?.addEventListener('abort', stop, { once: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(new Aborted(command));
      else resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
    });
  });
}

/** The last `n` lines of a process's output, for an error message. */
export const tail = (text: string, n = 30): string => text.trimEnd().split('\n').slice(-n).join('\n');
