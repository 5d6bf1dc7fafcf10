/**
 * `npm run chaos:local` end to end: bin/chaos-local.ts as a child process starts Postgres and redis-server, runs the
 * failure drill against them with short faults, and stops them; once with every fault ending, once with a stall
 * that never ends (--stuck), which must fail the drill as `not recovered`. Its command line is checked in process.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../lib/plan/cdk-json';
import type { DrillJson } from '../lib/views/drill-report';
import { parseDrillArgs } from '../local/drill-args';
import { runTsx, type ProcessRun } from './support/process';
import { STACK_LINE } from './support/probe-harness';

const ALL_CHECKS = ['postgres.select1', 'postgres.memory_read', 'redis.set', 'redis.get'];
const FAULT_MS = 1_000;

/** Runs bin/chaos-local.ts with `args`; killed after 90 s, so the test ends whatever the child does. */
function chaosLocal(args: readonly string[]): Promise<ProcessRun> {
  return runTsx(['bin/chaos-local.ts', ...args], { cwd: PROJECT_ROOT, killAfterMs: 90_000 });
}

function reportOf(result: ProcessRun): DrillJson {
  try {
    return JSON.parse(result.stdout) as DrillJson;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

describe('npm run chaos:local', () => {
  let clean: ProcessRun;
  let stuck: ProcessRun;

  beforeAll(async () => {
    // One after the other: both time requests to the millisecond on a 2-core machine.
    clean = await chaosLocal(['--fault-duration', '1s', '--json']);
    console.log(`chaos:local exit ${clean.code} after ${clean.elapsedMs} ms\n${clean.stderr}`);
    stuck = await chaosLocal(['--faults', 'proxy.stall,proxy.drop', '--stuck', 'proxy.stall', '--fault-duration', '1s', '--max-recovery', '1s', '--json']);
    console.log(`chaos:local --stuck exit ${stuck.code} after ${stuck.elapsedMs} ms\n${stuck.stderr}`);
  });

  it('detects every fault within its duration, counts its errors, sees it recover within the bound, and exits 0', () => {
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).not.toMatch(STACK_LINE);
    const report = reportOf(clean);
    expect(Object.keys(report)).toEqual(['ok', 'checks', 'rate_per_second', 'timeout_ms', 'faults']);
    expect({ ...report, faults: undefined }).toEqual({ ok: true, checks: ALL_CHECKS, rate_per_second: 50, timeout_ms: 250, faults: undefined });
    expect(report.faults.map((f) => [f.fault, f.affects, f.bound_ms, f.verdict])).toEqual([
      ['redis.stop-start', ['redis.set', 'redis.get'], 15_000, 'recovered'],
      ['postgres.restart', ['postgres.select1', 'postgres.memory_read'], 15_000, 'recovered'],
      ['proxy.stall', ALL_CHECKS, 15_000, 'recovered'],
      ['proxy.drop', ALL_CHECKS, 15_000, 'recovered'],
    ]);
    for (const f of report.faults) {
      expect(Object.keys(f), f.fault).toEqual(['fault', 'affects', 'fault_ms', 'detected_after_ms', 'errors', 'recovered_after_ms', 'bound_ms', 'verdict']);
      // A restart lasts as long as it takes; the timed faults last --fault-duration, and a server's start on top
      // (under a second here, more on a loaded machine).
      expect(f.fault_ms, f.fault).toBeGreaterThanOrEqual(f.fault === 'postgres.restart' ? 1 : FAULT_MS);
      expect(f.fault_ms, f.fault).toBeLessThan(FAULT_MS + 5_000);
      expect(f.detected_after_ms, f.fault).toBeGreaterThan(0);
      expect(f.detected_after_ms, f.fault).toBeLessThan(f.fault_ms!);
      expect(f.errors, f.fault).toBeGreaterThan(0);
      expect(f.recovered_after_ms, f.fault).toBeGreaterThanOrEqual(0);
      expect(f.recovered_after_ms, f.fault).toBeLessThanOrEqual(f.bound_ms);
    }
  });

  it('fails a stall that never ends as not recovered, runs no later fault, and exits 1', () => {
    expect(stuck.code, stuck.stderr).toBe(1);
    expect(stuck.stderr).not.toMatch(STACK_LINE);
    const report = reportOf(stuck);
    expect(report.ok).toBe(false);
    const [stall, drop] = report.faults;
    expect({ ...stall, fault_ms: 'measured', detected_after_ms: 'measured', errors: 'measured' }).toEqual({
      fault: 'proxy.stall',
      affects: ALL_CHECKS,
      fault_ms: 'measured',
      detected_after_ms: 'measured',
      errors: 'measured',
      recovered_after_ms: null,
      bound_ms: 1_000,
      verdict: 'not recovered',
    });
    // Seen at the first request's timeout (250 ms after a start within 20 ms of the stall's), and failing from then
    // on: every check, 50 a second, for the stall and the whole observation after it.
    expect(stall.detected_after_ms).toBeGreaterThanOrEqual(230);
    expect(stall.detected_after_ms).toBeLessThan(FAULT_MS);
    expect(stall.errors).toBeGreaterThan(4 * 50 * 2);
    expect(drop).toEqual({ fault: 'proxy.drop', affects: ALL_CHECKS, fault_ms: null, detected_after_ms: null, errors: 0, recovered_after_ms: null, bound_ms: 1_000, verdict: 'not run' });
    expect(stuck.stderr).toContain('chaos:local: proxy.stall: injected (--stuck: it will not be ended)');
    expect(stuck.stderr).toContain('chaos:local: services stopped in');
  });

  it('refuses bad arguments with exit 2, naming each and the fix, before starting anything', async () => {
    const bad = await chaosLocal(['--max-recovery', 'soon', '--faults', 'redis.restart', '--json']);
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toBe(
      [
        'chaos:local: Invalid arguments (2 problems):',
        '  - --max-recovery: must be a duration in 1s..10m written like 500ms, 3s or 1m, got "soon"',
        '  - --faults: names no fault: "redis.restart"; the faults are redis.stop-start, postgres.restart, proxy.stall, proxy.drop',
        '',
      ].join('\n'),
    );
  });
});

describe("chaos:local's arguments", () => {
  it('defaults to every fault in the drill order, 3 s faults, a 15 s bound, 50 requests/s and 250 ms timeouts', () => {
    expect(parseDrillArgs([])).toEqual({
      faults: ['redis.stop-start', 'postgres.restart', 'proxy.stall', 'proxy.drop'],
      faultMs: 3_000,
      maxRecoveryMs: 15_000,
      ratePerSecond: 50,
      timeoutMs: 250,
      stuck: undefined,
      json: false,
      help: false,
    });
  });

  it('keeps the drill order of the faults named', () => {
    expect(parseDrillArgs(['--faults', 'proxy.drop,redis.stop-start']).faults).toEqual(['redis.stop-start', 'proxy.drop']);
  });

  it.each([
    [['--rate', '2000'], '--rate: must be a whole number of requests per second in 1..1000, got "2000"'],
    [['--timeout'], '--timeout: needs a value (--help shows the usage)'],
    [['--stuck', 'proxy.stall', '--faults', 'proxy.drop'], '--stuck: proxy.stall is not among the faults to inject (proxy.drop); add it to --faults'],
    [['--faults', 'proxy.drop,proxy.drop'], '--faults: names a fault twice: "proxy.drop,proxy.drop"; name each once'],
    [['--fault-duration', '2m'], '--fault-duration: must be a duration in 100ms..1m written like 500ms, 3s or 1m, got "2m"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseDrillArgs(argv)).toThrow(`Invalid arguments (1 problem):\n  - ${message}`);
  });
});
