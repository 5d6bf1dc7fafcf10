/**
 * The load models with fake operations: the open model keeps its schedule whatever the operation does and measures
 * from each request's intended start (no coordinated omission); timeouts, failures and refusals are errors counted
 * in the window; the closed model runs its users back to back. Timing assertions leave room for a busy 2-core
 * machine: they check the shape (queueing grows linearly, nothing is early), not microseconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { nowNs } from '../probe/clock';
import { runClosedModel } from '../probe/closed-model';
import { Tally } from '../probe/histogram';
import { runOpenModel, type RequestOutcome } from '../probe/open-model';
import type { VirtualUser } from '../probe/session';

const never = (): Promise<void> => new Promise<void>(() => undefined);

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const began = performance.now();
  const value = await run();
  return { value, ms: performance.now() - began };
}

describe('runOpenModel', () => {
  it('starts request i at i / rate, never early, and runs exactly the scheduled number', async () => {
    const fired: bigint[] = [];
    const startNs = nowNs() + 20_000_000n;
    const m = await runOpenModel(
      async () => {
        fired.push(nowNs());
      },
      { ratePerSecond: 200, warmupMs: 0, durationMs: 500, timeoutMs: 100, startNs },
    );
    expect(m).toMatchObject({ count: 100, errors: 0 });
    expect(fired).toHaveLength(100);
    const lateMs = fired.map((t, i) => Number(t - startNs) / 1e6 - i * 5);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
    expect(lateMs.sort((a, b) => a - b)[50]).toBeLessThan(1);
  });

  it('runs the warm-up on the same schedule and discards it', async () => {
    let calls = 0;
    const m = await runOpenModel(
      async () => {
        calls++;
      },
      { ratePerSecond: 100, warmupMs: 200, durationMs: 300, timeoutMs: 100 },
    );
    expect(calls).toBe(50);
    expect(m.count).toBe(30);
  });

  it('measures from the intended start: an operation serialized on one lane at 50 ms each, sent every 10 ms, shows its queue', async () => {
    // The lane serves one request at a time. Request i is sent at 10i ms and finishes at 50(i + 1) ms, so it waited
    // 50 + 40i ms: a probe timing from the moment the lane took the request would report 50 ms for every one.
    let lane: Promise<void> = Promise.resolve();
    const op = (): Promise<void> => (lane = lane.then(() => sleep(50)));
    const m = await runOpenModel(op, { ratePerSecond: 100, warmupMs: 0, durationMs: 500, timeoutMs: 5_000 });
    expect(m).toMatchObject({ count: 50, errors: 0 });
    // p50 is request ~25: 50 + 40 × 24.5 = 1030 ms; the last waited 50 + 40 × 49 = 2010 ms.
    expect(m.latency?.p50Ms).toBeGreaterThan(900);
    expect(m.latency?.p50Ms).toBeLessThan(1_300);
    expect(m.latency?.maxMs).toBeGreaterThan(1_950);
    expect(m.latency?.maxMs).toBeLessThan(2_400);
  });

  it('counts a request unanswered at its timeout as an error and ends a timeout after the last start', async () => {
    const { value: m, ms } = await timed(() => runOpenModel(never, { ratePerSecond: 100, warmupMs: 0, durationMs: 200, timeoutMs: 50 }));
    expect(m).toEqual({ count: 20, errors: 20, latency: null, errorCounts: [{ message: 'no answer within 50 ms of the intended start', count: 20 }] });
    expect(ms).toBeLessThan(200 + 50 + 250);
  });

  it('ignores an answer that comes after the timeout', async () => {
    const m = await runOpenModel(() => sleep(80), { ratePerSecond: 100, warmupMs: 0, durationMs: 200, timeoutMs: 40 });
    expect(m).toMatchObject({ count: 20, errors: 20, latency: null });
  });

  it('counts failures, thrown or rejected, with their messages', async () => {
    let i = 0;
    const op = (): Promise<void> => {
      i++;
      if (i % 4 === 0) throw new Error('thrown');
      return i % 2 === 0 ? Promise.reject(new Error('rejected')) : Promise.resolve();
    };
    const m = await runOpenModel(op, { ratePerSecond: 200, warmupMs: 0, durationMs: 200, timeoutMs: 50 });
    expect(m.count).toBe(40);
    expect(m.errors).toBe(20);
    expect(m.errorCounts).toEqual([
      { message: 'rejected', count: 10 },
      { message: 'thrown', count: 10 },
    ]);
    expect(m.latency).not.toBeNull();
  });

  it('does not send beyond the in-flight bound and counts what it did not send as errors', async () => {
    let sent = 0;
    const m = await runOpenModel(
      () => {
        sent++;
        return never();
      },
      { ratePerSecond: 100, warmupMs: 0, durationMs: 200, timeoutMs: 300, maxInFlight: 5 },
    );
    expect(sent).toBe(5);
    expect(m).toMatchObject({ count: 20, errors: 20 });
    expect(m.errorCounts).toEqual([
      { message: 'not sent: 5 requests were already unanswered', count: 15 },
      { message: 'no answer within 300 ms of the intended start', count: 5 },
    ]);
  });

  it("tells an observer each measured request's intended start, when it settled and whether it succeeded, as counted", async () => {
    const outcomes: RequestOutcome[] = [];
    let i = 0;
    // Request 0 answers, 1 fails at once, 2 never answers (a timeout), 3 answers after its timeout; warm-up unseen.
    const op = (): Promise<void> => {
      const n = i++ - 2;
      if (n === 1) return Promise.reject(new Error('refused'));
      if (n === 2) return never();
      if (n === 3) return sleep(80);
      return Promise.resolve();
    };
    const startNs = nowNs() + 10_000_000n;
    const m = await runOpenModel(op, { ratePerSecond: 100, warmupMs: 20, durationMs: 40, timeoutMs: 40, startNs, onOutcome: (o) => outcomes.push(o) });
    expect(m).toMatchObject({ count: 4, errors: 3 });
    const byStart = [...outcomes].sort((a, b) => Number(a.intendedNs - b.intendedNs));
    // Relative to the first measured request's intended start (request 2 of the schedule, 20 ms in), in ms.
    const at = (ns: bigint): number => Number(ns - startNs - 20_000_000n) / 1e6;
    expect(byStart.map((o) => [at(o.intendedNs), o.ok])).toEqual([
      [0, true],
      [10, false],
      [20, false],
      [30, false],
    ]);
    // A timeout settles at its intended start + the timeout, exactly; an answer or a failure when it came.
    expect(byStart.slice(2).map((o) => at(o.settledNs))).toEqual([60, 70]);
    expect(at(byStart[0].settledNs)).toBeLessThan(40);
    expect(at(byStart[1].settledNs)).toBeLessThan(50);
  });
});

describe('runClosedModel', () => {
  const user = (request: () => Promise<void>, log: string[] = []): VirtualUser => ({
    connect: async () => {
      log.push('connect');
    },
    request,
    close: () => log.push('close'),
  });

  it('runs every user back to back and measures each request from its own start', async () => {
    const log: string[] = [];
    const m = await runClosedModel(() => user(() => sleep(10), log), { concurrency: 4, warmupMs: 100, durationMs: 300, timeoutMs: 1_000 });
    // About 4 users × 300 ms / ~10-11 ms; timers on a busy machine run late, so only the order of magnitude.
    expect(m.count).toBeGreaterThan(40);
    expect(m.count).toBeLessThanOrEqual(4 * 30 + 4);
    expect(m.errors).toBe(0);
    expect(m.latency?.p50Ms).toBeGreaterThanOrEqual(9);
    expect(m.latency?.p50Ms).toBeLessThan(40);
    expect(log.filter((l) => l === 'connect')).toHaveLength(4);
    expect(log.filter((l) => l === 'close')).toHaveLength(4);
  });

  it('counts timeouts as errors, pauses a failed user, and ends a timeout after the window', async () => {
    const { value: m, ms } = await timed(() => runClosedModel(() => user(never), { concurrency: 3, warmupMs: 0, durationMs: 200, timeoutMs: 50 }));
    expect(m.count).toBeGreaterThanOrEqual(3);
    expect(m.errors).toBe(m.count);
    // Each user: a 50 ms timeout, then a 100 ms pause: at most 2 requests each in 200 ms.
    expect(m.count).toBeLessThanOrEqual(6);
    expect(m.errorCounts).toEqual([{ message: 'no answer within 50 ms', count: m.count }]);
    expect(ms).toBeLessThan(200 + 50 + 250);
  });
});

describe('Tally', () => {
  it('reports percentiles to 3 significant digits and the exact maximum', () => {
    const tally = new Tally(1_000);
    for (let us = 1; us <= 1_000; us++) tally.recordLatency(BigInt(us * 1_000));
    tally.recordLatency(1_234_567n);
    tally.recordError('boom');
    expect(tally.result()).toEqual({
      count: 1_002,
      errors: 1,
      latency: { p50Ms: 0.501, p95Ms: 0.951, p99Ms: 0.991, maxMs: 1.234567 },
      errorCounts: [{ message: 'boom', count: 1 }],
    });
  });

  it('keeps 8 distinct error messages and counts the rest together', () => {
    const tally = new Tally(1_000);
    for (let i = 0; i < 10; i++) tally.recordError(`error ${i}`);
    const { errorCounts } = tally.result();
    expect(errorCounts).toHaveLength(9);
    expect(errorCounts[0]).toEqual({ message: '(other errors)', count: 2 });
  });
});
