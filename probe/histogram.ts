/**
 * What one check measured: every request of the measured window, answered (its latency) or failed (its error). An
 * HDR histogram at microsecond resolution keeps percentiles exact to 3 significant digits in constant memory,
 * however many requests a run makes.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles of the answered requests, milliseconds. */
export interface LatencySummary {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** The slowest answer, exact (the histogram only knows its bucket). */
  readonly maxMs: number;
}

/** An error and how many requests failed with it. */
export interface ErrorCount {
  readonly message: string;
  readonly count: number;
}

export interface Measurement {
  /** Requests of the measured window, failed ones included. */
  readonly count: number;
  readonly errors: number;
  /** Null when no request was answered. */
  readonly latency: LatencySummary | null;
  /** The distinct errors, most frequent first, so a report can say why requests failed. */
  readonly errorCounts: readonly ErrorCount[];
}

/** Distinct error messages kept; later ones are counted under OTHER_ERRORS, so a flood of varied errors stays small. */
const MAX_ERROR_MESSAGES = 8;
export const OTHER_ERRORS = '(other errors)';

/** Accumulates the requests of one measured window. */
export class Tally {
  private readonly histogram: Histogram;
  private successes = 0;
  private failures = 0;
  private maxNs = 0n;
  private readonly messages = new Map<string, number>();

  /** `highestMs` is the largest latency expected (the timeout); the histogram grows past it if needed. */
  constructor(highestMs: number) {
    this.histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: Math.max(2, Math.ceil(highestMs * 1_000) * 2), numberOfSignificantValueDigits: 3, autoResize: true });
  }

  /** A request answered `latencyNs` after its start. */
  recordLatency(latencyNs: bigint): void {
    this.successes++;
    if (latencyNs > this.maxNs) this.maxNs = latencyNs;
    this.histogram.recordValue(Math.round(Number(latencyNs) / 1_000));
  }

  /** A request that failed with `message`. */
  recordError(message: string): void {
    this.failures++;
    const key = this.messages.has(message) || this.messages.size < MAX_ERROR_MESSAGES ? message : OTHER_ERRORS;
    this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
  }

  get count(): number {
    return this.successes + this.failures;
  }

  result(): Measurement {
    const ms = (us: number): number => us / 1_000;
    const latency =
      this.successes === 0
        ? null
        : {
            p50Ms: ms(this.histogram.getValueAtPercentile(50)),
            p95Ms: ms(this.histogram.getValueAtPercentile(95)),
            p99Ms: ms(this.histogram.getValueAtPercentile(99)),
            maxMs: Number(this.maxNs) / 1e6,
          };
    const errorCounts = [...this.messages]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    return { count: this.count, errors: this.failures, latency, errorCounts };
  }
}
