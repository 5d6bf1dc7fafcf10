/**
 * The TURN relay's shared secret, rotated in three slots (lib/facts/secret-slots.ts, stacks/secret-rotation.ts): voice
 * signs TURN REST credentials with `current`; coturn accepts all three (it takes any number of
 * `--static-auth-secret`s and tries each). A relay started since the rotation before already knows the new `current`,
 * and still knows the old one as `previous`: voice may switch at once, and credentials signed before stay valid until
 * they expire.
 *
 * That holds while no relay outlives a rotation period: a relay knows the values up to the `next` of its start, which
 * is `current` for one more period only. Relays run on Karpenter's nodes only (k8s/turn-chart.ts), which are replaced
 * after NODE_DISRUPTION.expireAfter with at most terminationGracePeriod to drain: the period is longer than that.
 */
import { NODE_DISRUPTION } from './karpenter';

/** `720h` -> 720. */
function hours(duration: string): number {
  const m = /^(\d+)h$/.exec(duration);
  if (!m) throw new Error(`expected a duration in hours like 720h, got ${duration}`);
  return Number(m[1]);
}

/** Longest a relay pod lives: its Karpenter node expires, then drains for at most terminationGracePeriod. */
export const RELAY_POD_MAX_HOURS = hours(NODE_DISRUPTION.expireAfter) + hours(NODE_DISRUPTION.terminationGracePeriod);

/** Days between rotations: the first whole day past the longest a relay lives (31 for 720 h + 1 h). */
export const TURN_SECRET_ROTATION_DAYS = Math.floor(RELAY_POD_MAX_HOURS / 24) + 1;
