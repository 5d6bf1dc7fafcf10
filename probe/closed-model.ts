/**
 * The closed load model of the seed's milestones ("1,000 concurrent users"): a fixed number of virtual users, each
 * sending its next request as soon as its last one is answered. Unlike the open model it cannot show a stall's full
 * cost (a waiting user sends nothing), which is why only the milestones use it: they are stated in concurrent users.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { nowNs } from './clock';
import { Tally, type Measurement } from './histogram';
import { errorMessage, waitAtMost, type VirtualUser } from './session';

export interface ClosedModelOptions {
  /** Virtual users, each with at most one request outstanding. */
  readonly concurrency: number;
  /** Users run this long first; their results are discarded. */
  readonly warmupMs: number;
  /** The measured window: requests started in it count. */
  readonly durationMs: number;
  /** A request unanswered this long is an error and its user moves on; a user's connect gets as long. */
  readonly timeoutMs: number;
}

/**
 * A user whose request failed waits this long before its next one, so a refused target costs errors, not a busy
 * loop of thousands of users reconnecting as fast as the CPU allows.
 */
export const ERROR_PAUSE_MS = 100;

/**
 * Runs `concurrency` users made by `newUser` (connected first, before the clock starts) and returns what the
 * measured window saw. Ends at most `timeoutMs` after the window, plus the connect phase, at most `timeoutMs` too.
 */
export async function runClosedModel(newUser: () => VirtualUser, options: ClosedModelOptions): Promise<Measurement> {
  const { timeoutMs } = options;
  const timeoutMessage = `no answer within ${timeoutMs} ms`;
  const tally = new Tally(timeoutMs);
  const users = Array.from({ length: options.concurrency }, newUser);
  try {
    await waitAtMost(Promise.all(users.map((u) => u.connect())), timeoutMs);

    const startNs = nowNs();
    const measuredFromNs = startNs + BigInt(options.warmupMs) * 1_000_000n;
    const endNs = measuredFromNs + BigInt(options.durationMs) * 1_000_000n;
    const runUser = async (user: VirtualUser): Promise<void> => {
      for (let started = nowNs(); started < endNs; started = nowNs()) {
        const error = await outcome(user, timeoutMs, timeoutMessage);
        const measured = started >= measuredFromNs;
        if (error === undefined) {
          if (measured) tally.recordLatency(nowNs() - started);
          continue;
        }
        if (measured) tally.recordError(error);
        const leftMs = Number(endNs - nowNs()) / 1e6;
        if (leftMs > 0) await sleepMs(Math.min(ERROR_PAUSE_MS, leftMs));
      }
    };
    await Promise.all(users.map(runUser));
  } finally {
    for (const user of users) user.close();
  }
  return tally.result();
}

/** Undefined when `user`'s next request is answered within `timeoutMs`, else the error message. */
async function outcome(user: VirtualUser, timeoutMs: number, timeoutMessage: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(timeoutMessage), timeoutMs)));
  let answer: Promise<void>;
  try {
    answer = user.request();
  } catch (e) {
    answer = Promise.reject(e);
  }
  try {
    return await Promise.race([answer.then(() => undefined, (e: unknown) => errorMessage(e)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
