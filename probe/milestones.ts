/**
 * The seed's load milestones: how many users must be served at once, within what P95 and error rate. The probe runs
 * one as a closed-model test (`--milestone phaseN`): that many virtual users, each sending its next request as soon
 * as the last one is answered.
 */

export interface Milestone {
  /** Concurrent users the milestone is about. */
  readonly users: number;
  /** P95 the milestone allows, milliseconds. */
  readonly p95Ms: number;
  /** Error rate the milestone allows, 0..1. */
  readonly maxErrorRate: number;
}

export const MILESTONES = {
  phase1: { users: 1_000, p95Ms: 200, maxErrorRate: 0.001 },
  phase2: { users: 10_000, p95Ms: 500, maxErrorRate: 0.005 },
  phase3: { users: 100_000, p95Ms: 1_000, maxErrorRate: 0.01 },
  phase4: { users: 1_000_000, p95Ms: 2_000, maxErrorRate: 0.02 },
  phase5: { users: 10_000_000, p95Ms: 3_000, maxErrorRate: 0.03 },
} as const satisfies Readonly<Record<string, Milestone>>;

export type MilestoneName = keyof typeof MILESTONES;
export const MILESTONE_NAMES = Object.keys(MILESTONES) as MilestoneName[];

export function isMilestoneName(name: string): name is MilestoneName {
  return Object.prototype.hasOwnProperty.call(MILESTONES, name);
}

/** Virtual users of `milestone` at `scale` (0..1]: ceil(users × scale), at least one. */
export function milestoneConcurrency(milestone: MilestoneName, scale: number): number {
  // Rounded to 12 digits first: 1000 × 0.07 is 70.00000000000001 in binary floating point, which is 70 users, not 71.
  return Math.max(1, Math.ceil(Number((MILESTONES[milestone].users * scale).toPrecision(12))));
}
