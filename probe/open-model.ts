/**
 * The open load model: request i starts at t0 + i / rate whatever happened to the earlier ones, as independent users
 * would send them, and its latency runs from that intended start. A server that stalls for 100 ms therefore shows
 * the 100 ms in every request scheduled during the stall, instead of the one request a closed loop would have been
 * waiting on (coordinated omission, Gil Tene: "How NOT to Measure Latency").
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { nowNs, sleepUntil } from './clock';
import { Tally, type Measurement } from './histogram';
import { errorMessage, type Operation } from './session';

export interface OpenModelOptions {
  /** Requests started per second. */
  readonly ratePerSecond: number;
  /** Same schedule before the measured window; its results are discarded. */
  readonly warmupMs: number;
  /** The measured window. */
  readonly durationMs: number;
  /** A request unanswered this long after its intended start is an error; its late answer is ignored. */
  readonly timeoutMs: number;
  /**
   * Requests that may be unanswered at once (abandoned ones included, until their operation settles); a request due
   * beyond it is an error without being sent, so a stalled target cannot make the probe pile up work without bound.
   * @default 1024
   */
  readonly maxInFlight?: number;
  /** When request 0 is due (nowNs() time). @default - at once */
  readonly startNs?: bigint;
  /**
   * Told the outcome of each request of the measured window as it settles, in the order they settle (the failure
   * drill times faults with it). @default - nobody: no outcome is built
   */
  readonly onOutcome?: (outcome: RequestOutcome) => void;
}

/** What became of one request of the measured window, as runOpenModel counted it. */
export interface RequestOutcome {
  /** Its intended start (nowNs() time). */
  readonly intendedNs: bigint;
  /** When its outcome was known: its answer, its failure, its timeout (intended start + timeout), or not being sent. */
  readonly settledNs: bigint;
  /** Answered within the timeout. */
  readonly ok: boolean;
}

export const DEFAULT_MAX_IN_FLIGHT = 1_024;

/**
 * After a request is sent the scheduler keeps the process running (not sleeping in the kernel) this long, or until
 * nothing is in flight: a fast answer is then read the moment it arrives. Costs at most rate × 1 ms of CPU a second.
 */
const STAY_HOT_NS = 1_000_000n;

/** Requests of a window of `ms` at `ratePerSecond`. */
export function scheduledRequests(ms: number, ratePerSecond: number): number {
  // Rounded to 9 digits first so 0.3 s × 10/s is 3 requests, not ceil(3.0000000000000004) = 4.
  return Math.ceil(Number(((ms / 1_000) * ratePerSecond).toPrecision(9)));
}

interface Request {
  readonly intendedNs: bigint;
  readonly measured: boolean;
  /** Pending until answered, failed or abandoned at its timeout, whichever comes first; only that first outcome counts. */
  state: 'pending' | 'settled';
}

/**
 * Runs `op` on the open-model schedule and returns what the measured window saw: `count` is every request scheduled
 * in it, each either answered (a latency) or an error (failed, timed out, or not sent because too many were
 * outstanding). Ends at most `timeoutMs` after the last intended start.
 */
export async function runOpenModel(op: Operation, options: OpenModelOptions): Promise<Measurement> {
  const { ratePerSecond, timeoutMs } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const warmup = scheduledRequests(options.warmupMs, ratePerSecond);
  const total = warmup + scheduledRequests(options.durationMs, ratePerSecond);
  const periodNs = 1e9 / ratePerSecond;
  const timeoutNs = BigInt(timeoutMs) * 1_000_000n;
  const timeoutMessage = `no answer within ${timeoutMs} ms of the intended start`;
  const tally = new Tally(timeoutMs);
  const observe = options.onOutcome;

  // Outstanding requests in intended-start order, which is also their timeout order: the head is always the next
  // to expire, so one look at it per scheduler turn finds every timeout.
  const queue: Request[] = [];
  let head = 0;
  let inFlight = 0;
  const expire = (now: bigint): void => {
    for (; head < queue.length; head++) {
      const request = queue[head];
      if (request.state === 'pending') {
        if (now - request.intendedNs < timeoutNs) break;
        request.state = 'settled';
        if (request.measured) {
          tally.recordError(timeoutMessage);
          if (observe !== undefined) observe({ intendedNs: request.intendedNs, settledNs: request.intendedNs + timeoutNs, ok: false });
        }
      }
    }
    if (head > 4_096 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };
  const settle = (request: Request, error: unknown): void => {
    const now = nowNs();
    inFlight--;
    if (request.state !== 'pending') return;
    request.state = 'settled';
    if (!request.measured) return;
    const latencyNs = now - request.intendedNs;
    // Answered after its timeout but before expire() looked: still a timeout.
    if (latencyNs >= timeoutNs) tally.recordError(timeoutMessage);
    else if (error === undefined) tally.recordLatency(latencyNs);
    else tally.recordError(errorMessage(error));
    if (observe !== undefined) {
      const late = latencyNs >= timeoutNs;
      observe({ intendedNs: request.intendedNs, settledNs: late ? request.intendedNs + timeoutNs : now, ok: !late && error === undefined });
    }
  };

  let sentNs = 0n;
  const stayHot = (): boolean => inFlight > 0 && nowNs() - sentNs < STAY_HOT_NS;

  const t0 = options.startNs ?? nowNs();
  for (let i = 0; i < total; i++) {
    const request: Request = { intendedNs: t0 + BigInt(Math.round(i * periodNs)), measured: i >= warmup, state: 'pending' };
    await sleepUntil(request.intendedNs, stayHot);
    expire(nowNs());
    if (inFlight >= maxInFlight) {
      if (request.measured) {
        tally.recordError(`not sent: ${maxInFlight} requests were already unanswered`);
        if (observe !== undefined) observe({ intendedNs: request.intendedNs, settledNs: nowNs(), ok: false });
      }
      continue;
    }
    inFlight++;
    queue.push(request);
    sentNs = nowNs();
    let answer: Promise<void>;
    try {
      answer = op();
    } catch (e) {
      answer = Promise.reject(e);
    }
    answer.then(
      () => settle(request, undefined),
      (e: unknown) => settle(request, e ?? new Error('failed')),
    );
  }

  // Every request is now answered or will time out at its intended start + timeout; poll until one or the other.
  for (;;) {
    expire(nowNs());
    if (head === queue.length) break;
    await sleepMs(1);
  }
  return tally.result();
}
