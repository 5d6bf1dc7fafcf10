/**
 * Time for the load models: a monotonic nanosecond clock and a sleep precise to a few microseconds. Timers alone
 * are not enough: setTimeout fires a millisecond or more late, while a direct local Redis GET answers in ~0.04 ms,
 * so a late start would dwarf what is measured.
 */
import { setImmediate as nextTurn, setTimeout as sleepMs } from 'node:timers/promises';

/** Monotonic time, nanoseconds. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Timers are trusted to within this much; the rest of a sleep spins. */
const SPIN_NS = 2_000_000n;

/**
 * Resolves at `targetNs` (nowNs() time) or at most a few microseconds after: a timer until ~2 ms before, then one
 * event-loop turn at a time (setImmediate), so answers and timers keep being handled while it waits.
 *
 * While `stayHot()` holds it turns the loop from the start instead of sleeping: a process that sleeps in the kernel
 * while a fast answer is on its way pays a wake-up (0.1-0.5 ms on a busy VM) that a 0.04 ms Redis GET would be
 * charged for.
 */
export async function sleepUntil(targetNs: bigint, stayHot?: () => boolean): Promise<void> {
  while (stayHot !== undefined && stayHot() && nowNs() < targetNs) await nextTurn();
  const early = targetNs - nowNs() - SPIN_NS;
  if (early > 0n) await sleepMs(Number(early / 1_000_000n));
  while (nowNs() < targetNs) await nextTurn();
}
