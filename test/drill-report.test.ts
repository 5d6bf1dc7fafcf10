/**
 * The failure drill's verdicts (lib/views/drill-report.ts) on hand-built timelines: requests every 20 ms per check,
 * a fault from 3 s to 5 s, and the outcomes a refused connection (fails at once) or a stall (times out 250 ms after
 * its intended start) would give.
 */
import { describe, expect, it } from 'vitest';
import {
  drillReport,
  drillTable,
  faultNotRun,
  judgeFault,
  recoveredAfterMs,
  type DrillCheck,
  type DrillOutcome,
  type InjectedFault,
} from '../lib/views/drill-report';

const PERIOD_MS = 20;
const REDIS: readonly DrillCheck[] = ['redis.set', 'redis.get'];

/**
 * Requests of `checks` every 20 ms from 0 to `untilMs` (exclusive); those whose intended start `fails` are failures
 * seen `failAfterMs` later, the others answer 1 ms after their start.
 */
function timeline(checks: readonly DrillCheck[], untilMs: number, fails: (ms: number) => boolean, failAfterMs: number): DrillOutcome[] {
  const outcomes: DrillOutcome[] = [];
  for (let t = 0; t < untilMs; t += PERIOD_MS) {
    for (const check of checks) {
      const ok = !fails(t);
      outcomes.push({ check, intendedMs: t, settledMs: t + (ok ? 1 : failAfterMs), ok });
    }
  }
  return outcomes;
}

const fault = (over: Partial<InjectedFault> = {}): InjectedFault => ({ name: 'redis.stop-start', affects: REDIS, startMs: 3_000, endMs: 5_000, observedUntilMs: 10_000, ...over });

describe('judgeFault', () => {
  it('times a refused server: detected at its first failure, errors until the first clean second, recovered at its start', () => {
    // Refused from the fault's start until 400 ms after its end (the client's reconnect): 120 requests per check.
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 3_000 && t < 5_400, 5);
    expect(judgeFault(outcomes, fault(), 15_000)).toEqual({
      fault: 'redis.stop-start',
      affects: ['redis.set', 'redis.get'],
      fault_ms: 2_000,
      detected_after_ms: 5,
      errors: 240,
      recovered_after_ms: 400,
      bound_ms: 15_000,
      verdict: 'recovered',
    });
  });

  it('counts a stall from the first timeout seen after its start, including requests sent just before it', () => {
    // Requests due from 2,980 ms on hang: the one due 20 ms before the stall is caught by it too, and its timeout at
    // 3,230 ms is the first the drill sees of the fault.
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 2_980 && t < 5_000, 250);
    expect(judgeFault(outcomes, fault(), 15_000)).toMatchObject({ detected_after_ms: 230, errors: 2 * 101, recovered_after_ms: 0, verdict: 'recovered' });
  });

  it('fails a stalled recovery: never a clean second before the observation ends', () => {
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 3_000, 250);
    expect(judgeFault(outcomes, fault(), 15_000)).toEqual({
      fault: 'redis.stop-start',
      affects: ['redis.set', 'redis.get'],
      fault_ms: 2_000,
      detected_after_ms: 250,
      errors: 2 * 350,
      recovered_after_ms: null,
      bound_ms: 15_000,
      verdict: 'not recovered',
    });
  });

  it('rounds the detection up, so a fault is never reported seen sooner than it was', () => {
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 3_000 && t < 5_000, 5);
    expect(judgeFault(outcomes, fault({ startMs: 2_999.7 }), 15_000)).toMatchObject({ detected_after_ms: 6, fault_ms: 2_000 });
  });

  it('fails a recovery slower than the bound, with the time it took', () => {
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 3_000 && t < 7_000, 5);
    expect(judgeFault(outcomes, fault(), 1_500)).toMatchObject({ recovered_after_ms: 2_000, bound_ms: 1_500, verdict: 'not recovered' });
  });

  it('fails a fault that caused no error as not detected', () => {
    const outcomes = timeline(REDIS, 10_000, () => false, 5);
    expect(judgeFault(outcomes, fault(), 15_000)).toEqual({
      fault: 'redis.stop-start',
      affects: ['redis.set', 'redis.get'],
      fault_ms: 2_000,
      detected_after_ms: null,
      errors: 0,
      recovered_after_ms: 0,
      bound_ms: 15_000,
      verdict: 'not detected',
    });
  });

  it('ignores the failures of checks the fault does not affect', () => {
    const outcomes = [...timeline(REDIS, 10_000, (t) => t >= 3_000 && t < 5_000, 5), ...timeline(['postgres.select1'], 10_000, (t) => t >= 3_000, 5)];
    expect(judgeFault(outcomes, fault(), 15_000)).toMatchObject({ errors: 200, recovered_after_ms: 0, verdict: 'recovered' });
  });
});

describe('recoveredAfterMs', () => {
  it('starts the clean second after the last failure, even a single one after a clean stretch', () => {
    const outcomes = timeline(REDIS, 10_000, (t) => (t >= 3_000 && t < 5_000) || t === 5_600, 5);
    expect(recoveredAfterMs(outcomes, fault())).toBe(620);
  });

  it('needs each affected check in the clean second: a check that stopped running does not count as clean', () => {
    const outcomes = [...timeline(['redis.set'], 10_000, (t) => t >= 3_000 && t < 5_000, 5), ...timeline(['redis.get'], 5_000, (t) => t >= 3_000, 5)];
    expect(recoveredAfterMs(outcomes, fault())).toBeUndefined();
  });

  it('needs the whole second observed: a clean stretch shorter than a second at the end is not yet recovered', () => {
    const outcomes = timeline(REDIS, 10_000, (t) => t >= 3_000 && t < 9_200, 5);
    expect(recoveredAfterMs(outcomes, fault())).toBeUndefined();
    expect(recoveredAfterMs(timeline(REDIS, 10_200, (t) => t >= 3_000 && t < 9_200, 5), fault({ observedUntilMs: 10_200 }))).toBe(4_200);
  });
});

describe('the drill report', () => {
  const rows = [
    { fault: 'redis.stop-start', affects: ['redis.set', 'redis.get'], fault_ms: 3_012, detected_after_ms: 4, errors: 310, recovered_after_ms: 96, bound_ms: 15_000, verdict: 'recovered' },
    { fault: 'proxy.stall', affects: ['postgres.select1', 'postgres.memory_read', 'redis.set', 'redis.get'], fault_ms: 3_000, detected_after_ms: 250, errors: 612, recovered_after_ms: null, bound_ms: 15_000, verdict: 'not recovered' },
    faultNotRun('proxy.drop', 15_000),
  ] as const;

  it('is ok only when every fault recovered, and prints exact JSON with its keys in a fixed order', () => {
    const report = drillReport(rows, { ratePerSecond: 50, timeoutMs: 250 });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(drillReport(rows.slice(0, 1), { ratePerSecond: 50, timeoutMs: 250 }))).toBe(
      '{"ok":true,"checks":["postgres.select1","postgres.memory_read","redis.set","redis.get"],"rate_per_second":50,"timeout_ms":250,' +
        '"faults":[{"fault":"redis.stop-start","affects":["redis.set","redis.get"],"fault_ms":3012,"detected_after_ms":4,"errors":310,"recovered_after_ms":96,"bound_ms":15000,"verdict":"recovered"}]}',
    );
  });

  it('prints one row per fault, dashes for what was not measured, and names every fault that did not recover', () => {
    expect(drillTable(drillReport(rows, { ratePerSecond: 50, timeoutMs: 250 }))).toBe(
      [
        'fault             affects                                                       fault s  detected after ms  errors  recovered after ms  bound ms  verdict',
        'redis.stop-start  redis.set, redis.get                                              3.0                  4     310                  96     15000  recovered',
        'proxy.stall       postgres.select1, postgres.memory_read, redis.set, redis.get      3.0                250     612                   -     15000  not recovered',
        'proxy.drop        postgres.select1, postgres.memory_read, redis.set, redis.get        -                  -       0                   -     15000  not run',
        'FAILED: proxy.stall not recovered, proxy.drop not run',
      ].join('\n'),
    );
  });
});
