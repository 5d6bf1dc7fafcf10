/**
 * The workload an environment is sized for: how many users, and what they do at the daily peak, summed over all
 * regions. The capacity planner (lib/plan/planner.ts) turns it into shards, instances, brokers, cache shards and
 * pods; the cost estimate (lib/views/cost.ts) prices what it plans.
 *
 * The seed gives the phase-5 targets for a billion users: 500K-1M requests/s, 100K-500K DB writes/s, 10M events/s,
 * 1M concurrent sockets and 100+ PB of storage. The presets take the top of each range, divide by the users to get
 * what one user causes, and apply that to every phase's user count (phase 3: 10M users, one region; phase 4: 100M,
 * four regions; phase 5: 1B). Figures the seed does not give are stated assumptions next to their field.
 */
import type { Issue } from '../util/errors';
import type { Phase } from '../facts/phases';

export interface WorkloadModel {
  /** Monthly active users: the base of cost per user and of every per-user figure. */
  readonly users: number;
  /** Daily active users / monthly active users, > 0 and <= 1 (sizes the cache's working set). */
  readonly dailyActiveRatio: number;
  /** Requests per second through the load balancers at the daily peak. */
  readonly peakRequestsPerSecond: number;
  /** Database writes per second at the peak (each a committed row change on a shard's writer). */
  readonly dbWritesPerSecond: number;
  /** Reads per second the services make at the peak, before the cache (the cache's misses reach the readers). */
  readonly dbReadsPerSecond: number;
  /** Events per second produced to Kafka at the peak. */
  readonly eventsPerSecond: number;
  /** Mean size of an event on the wire, bytes. */
  readonly meanEventBytes: number;
  /** WebSocket connections open at the peak (chat). */
  readonly concurrentSockets: number;
  /** Mean response size, bytes: what leaves AWS for the edge per request. */
  readonly meanResponseBytes: number;
  /** Media stored in S3 today, one copy, TB (10^12 bytes). */
  readonly mediaStorageTB: number;
  /** Media added per month, one copy, TB. */
  readonly mediaGrowthTBPerMonth: number;
  /** Rows, indexes and vectors across all shards, one copy, TB. */
  readonly databaseTB: number;
}

export const WORKLOAD_FIELDS = [
  'users',
  'dailyActiveRatio',
  'peakRequestsPerSecond',
  'dbWritesPerSecond',
  'dbReadsPerSecond',
  'eventsPerSecond',
  'meanEventBytes',
  'concurrentSockets',
  'meanResponseBytes',
  'mediaStorageTB',
  'mediaGrowthTBPerMonth',
  'databaseTB',
] as const satisfies readonly (keyof WorkloadModel)[];

/** Fields that grow with the user count; the rest (ratio, sizes of one event or response) do not. */
const PER_USER_FIELDS = [
  'peakRequestsPerSecond',
  'dbWritesPerSecond',
  'dbReadsPerSecond',
  'eventsPerSecond',
  'concurrentSockets',
  'mediaStorageTB',
  'mediaGrowthTBPerMonth',
  'databaseTB',
] as const satisfies readonly (keyof WorkloadModel)[];

/**
 * The seed's phase-5 targets for 1B users (top of each range), and the assumptions it leaves open:
 * - dailyActiveRatio 0.3: a social/chat product's DAU/MAU (assumption);
 * - dbReadsPerSecond 5M: ten reads per write (assumption; the seed gives writes only);
 * - meanEventBytes 1024 and meanResponseBytes 4096 (assumptions: a JSON event; a JSON API response, media served
 *   from S3 through the edge is not in it);
 * - mediaGrowthTBPerMonth 3,000: 3 % a month on the seed's 100 PB (assumption);
 * - databaseTB 2,000: 2 MB per user of profiles, chat history and AI memories with 1536-dimension vectors (assumption).
 */
export const SEED_PHASE5_WORKLOAD: WorkloadModel = {
  users: 1_000_000_000,
  dailyActiveRatio: 0.3,
  peakRequestsPerSecond: 1_000_000,
  dbWritesPerSecond: 500_000,
  dbReadsPerSecond: 5_000_000,
  eventsPerSecond: 10_000_000,
  meanEventBytes: 1024,
  concurrentSockets: 1_000_000,
  meanResponseBytes: 4096,
  mediaStorageTB: 100_000,
  mediaGrowthTBPerMonth: 3_000,
  databaseTB: 2_000,
};

/**
 * The workload of `users` users, each doing what one user does in `base`: every per-user field scales linearly,
 * rounded up (a rate of 0.4 requests/s still needs a server).
 */
export function workloadForUsers(users: number, base: WorkloadModel = SEED_PHASE5_WORKLOAD): WorkloadModel {
  // Rates and sockets round up to whole ones; terabytes to whole gigabytes.
  const up = (f: (typeof PER_USER_FIELDS)[number], x: number) => (f.endsWith('TB') || f.endsWith('TBPerMonth') ? Math.ceil(x * 1000) / 1000 : Math.ceil(x));
  const scaled = Object.fromEntries(PER_USER_FIELDS.map((f) => [f, up(f, (base[f] * users) / base.users)]));
  return { ...base, ...scaled, users };
}

/** Users each phase is sized for: the seed's user bands (1M-10M, 10M-100M, 100M-1B), at the top of each. */
export const PHASE_USERS: Readonly<Record<Phase, number>> = { 3: 10_000_000, 4: 100_000_000, 5: 1_000_000_000 };

/** The workload presets: the seed's per-user load at each phase's user count (phase 5 is the seed's targets). */
export const PHASE_WORKLOADS: Readonly<Record<Phase, WorkloadModel>> = {
  3: workloadForUsers(PHASE_USERS[3]),
  4: workloadForUsers(PHASE_USERS[4]),
  5: SEED_PHASE5_WORKLOAD,
};

/** The phase whose user band holds `users`: up to 10M phase 3, up to 100M phase 4, above that phase 5. */
export function phaseForUsers(users: number): Phase {
  if (users <= PHASE_USERS[3]) return 3;
  if (users <= PHASE_USERS[4]) return 4;
  return 5;
}

/**
 * An environment's workload: the phase's preset, scaled to `given.users` when that is set, with every other field
 * the config gives taking precedence.
 */
export function resolveWorkload(phase: Phase, given: Partial<WorkloadModel> = {}): WorkloadModel {
  const preset = PHASE_WORKLOADS[phase];
  const base = given.users === undefined ? preset : workloadForUsers(given.users, preset);
  return { ...base, ...given };
}

/**
 * Every value of a workload that cannot be planned for, at `at.<field>`: not a finite number, negative, zero users,
 * a ratio outside (0, 1], a size of zero. Empty when the workload is usable.
 */
export function workloadIssues(at: string, workload: Readonly<Record<string, unknown>>): Issue[] {
  const issues: Issue[] = [];
  for (const field of WORKLOAD_FIELDS) {
    const value = workload[field];
    if (value === undefined) continue;
    const path = `${at}.${field}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ at: path, message: `must be a finite number, got ${JSON.stringify(value)}` });
    } else if (value < 0) {
      issues.push({ at: path, message: `must not be negative, got ${value}` });
    } else if (field === 'users' && (value < 1 || !Number.isInteger(value))) {
      issues.push({ at: path, message: `must be a whole number of users, at least 1, got ${value}` });
    } else if (field === 'dailyActiveRatio' && (value === 0 || value > 1)) {
      issues.push({ at: path, message: `is daily active / monthly active users: more than 0 and at most 1, got ${value}` });
    } else if ((field === 'meanEventBytes' || field === 'meanResponseBytes') && value < 1) {
      issues.push({ at: path, message: `must be at least 1 byte, got ${value}` });
    }
  }
  return issues;
}
