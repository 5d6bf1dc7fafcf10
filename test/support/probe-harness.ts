/**
 * bin/probe.ts as the measurement tests run it: a child process (`node --import tsx`, as in the CronJob) against real
 * local services behind the fault proxies of local/fault-proxy.ts, with every process on the measured path at a raised
 * scheduling priority. Everything listens on 127.0.0.1 only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import type { ProbeTarget } from '../../lib/facts/probe-checks';
import type { CheckJson, ProbeJson } from '../../probe/report';
import { runTsx, type ProcessRun } from './process';
import { startFaultProxy, type FaultProxy, type ProxyMode } from '../../local/fault-proxy';

/** No probe run may outlive this, whatever it does; the tests' own bounds are tighter. */
const KILL_AFTER_MS = 120_000;
/**
 * Scheduling priority (nice value) of every process on the measured path: the test's worker (the proxies and the
 * HTTP server), redis-server and each probe. Other processes may run on the same 2 cores, and their run-queue waits
 * would otherwise be added to every hop, milliseconds that are the machine's, not the probe's. Needs root (as tests
 * here run); without it the priorities stay as they are.
 */
const MEASURED_NICE = -10;

/** A line of a V8 stack trace (`    at fn (file.ts:12:5)`): what a crash, or an error printed raw, leaves on stderr. */
export const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

export interface ProbeHarness {
  /** Gives `pid` the measured priority if this process may; says so once when it may not. */
  favour(pid: number): void;
  /** A proxy in front of `targetPort`, stopped by stop(). */
  proxy(targetPort: number, mode: ProxyMode, delayMs?: number): Promise<FaultProxy>;
  /** Writes `target` to a file and runs bin/probe.ts on it with `args`, at the measured priority; bounded in time. */
  probe(target: ProbeTarget, args: readonly string[]): Promise<ProcessRun>;
  /** Stops the proxies, removes the target files and gives this process its priority back. */
  stop(): Promise<void>;
}

/** A harness for one test file; this process (the proxies' and the servers' worker) gets the measured priority. */
export function probeHarness(): ProbeHarness {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-measurement-'));
  const proxies: FaultProxy[] = [];
  const workerNice = getPriority();
  let refused = false;
  let runs = 0;
  const favour = (pid: number): void => {
    try {
      setPriority(pid, MEASURED_NICE);
    } catch (e) {
      if (!refused) console.log(`cannot raise the priority of the measured processes (${(e as Error).message}); measuring at normal priority`);
      refused = true;
    }
  };
  favour(process.pid);
  return {
    favour,
    async proxy(targetPort, mode, delayMs) {
      const p = await startFaultProxy({ targetPort, mode, delayMs });
      proxies.push(p);
      return p;
    },
    probe(target, args) {
      const file = join(dir, `target-${++runs}.json`);
      writeFileSync(file, JSON.stringify(target));
      return runTsx(['bin/probe.ts', '--target', file, ...args], {
        cwd: PROJECT_ROOT,
        killAfterMs: KILL_AFTER_MS,
        onSpawn: (child) => {
          if (child.pid !== undefined) favour(child.pid);
        },
      });
    },
    async stop() {
      await Promise.allSettled(proxies.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
      if (!refused) setPriority(process.pid, workerNice);
    },
  };
}

/** The probe's JSON report, or an error with what it printed instead. */
export function reportOf(result: ProcessRun): ProbeJson {
  try {
    return JSON.parse(result.stdout) as ProbeJson;
  } catch {
    throw new Error(`the probe's stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/** The check `name` of a report, or an error with the report. */
export function checkOf(r: ProbeJson, name: string): CheckJson {
  const found = r.checks.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no ${name} in the report: ${JSON.stringify(r)}`);
  return found;
}
