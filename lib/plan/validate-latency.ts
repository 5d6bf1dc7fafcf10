/**
 * Cross-field rules of the latency model (lib/facts/hops.ts, flows.ts, rtt.ts): round trips between the environment's own regions, each
 * pair once, at or above the physical floor, with a named source; waivers naming one of the environment's regions,
 * once per flow. They run on the raw input like the rest of
 * `validate.ts`, looking only at the well-formed parts.
 */
import type { Issue } from '../util/errors';
import { isRecord } from '../util/json';
import type { LatLon } from '../facts/geo';
import { catalogRegion, REGION_NAME } from '../facts/regions';
import { pairKey, physicalRttFloorMs } from '../facts/rtt';
import { greatCircleKm } from '../facts/geo';

/** A region of the environment as the config gives it: its name, and coordinates when given or in the catalog. */
export interface LatencyRegion {
  readonly name: string;
  readonly location?: LatLon;
}

/** The coordinates of a region: the config's when it gives both, else the catalog's. */
export function regionLocation(name: string, latitude: unknown, longitude: unknown): LatLon | undefined {
  if (typeof latitude === 'number' && typeof longitude === 'number') return { latitude, longitude };
  const known = catalogRegion(name);
  return known && { latitude: known.latitude, longitude: known.longitude };
}

export function latencyIssues(at: string, env: Record<string, unknown>, regions: readonly LatencyRegion[]): Issue[] {
  const budgets = isRecord(env.latencyBudgets) ? env.latencyBudgets : {};
  const path = `${at}.latencyBudgets`;
  const names = regions.map((r) => r.name);
  const issues: Issue[] = [];

  const given = new Map<string, string>();
  const rtt = isRecord(budgets.interRegionRttMs) ? budgets.interRegionRttMs : {};
  if (Object.keys(rtt).length > 0 && budgets.rttSource === undefined) {
    issues.push({ at: `${path}.rttSource`, message: 'is required with interRegionRttMs: name where the round trips come from (a measurement, a published table)' });
  }
  for (const [a, row] of Object.entries(rtt)) {
    if (!isRecord(row)) continue;
    for (const [b, ms] of Object.entries(row)) {
      const where = `${path}.interRegionRttMs.${a}.${b}`;
      if (!REGION_NAME.test(a) || !REGION_NAME.test(b) || typeof ms !== 'number') continue; // the schema reports these
      const outside = [a, b].filter((r) => !names.includes(r));
      if (outside.length > 0) {
        issues.push({ at: where, message: `${outside.join(' and ')} ${outside.length === 1 ? 'is' : 'are'} not among the environment's regions (${names.join(', ')})` });
        continue;
      }
      if (a === b) {
        issues.push({ at: where, message: 'is a region to itself; list round trips between two different regions' });
        continue;
      }
      const key = pairKey(a, b);
      const twice = given.get(key);
      if (twice !== undefined) {
        issues.push({ at: where, message: `repeats ${twice} (a round trip is the same both ways); give each pair once` });
        continue;
      }
      given.set(key, `interRegionRttMs.${a}.${b}`);
      const [from, to] = [regions.find((r) => r.name === a)?.location, regions.find((r) => r.name === b)?.location];
      if (from === undefined || to === undefined) continue;
      const floor = physicalRttFloorMs(from, to);
      if (ms < floor) {
        issues.push({
          at: where,
          message:
            `${ms} ms is below the physical floor of ${floor.toFixed(1)} ms between ${a} and ${b} (${Math.round(greatCircleKm(from, to))} km great-circle, ` +
            'both ways at 2/3 of the speed of light); give the round trip in milliseconds',
        });
      }
    }
  }

  const waived = new Map<string, number>();
  (Array.isArray(budgets.waivers) ? budgets.waivers : []).forEach((w, i) => {
    if (!isRecord(w) || typeof w.region !== 'string' || typeof w.flow !== 'string') return;
    if (REGION_NAME.test(w.region) && !names.includes(w.region)) {
      issues.push({ at: `${path}.waivers[${i}].region`, message: `${w.region} is not among the environment's regions (${names.join(', ')})` });
    }
    const key = `${w.region} ${w.flow}`;
    const first = waived.get(key);
    if (first !== undefined) issues.push({ at: `${path}.waivers[${i}]`, message: `waives ${w.flow} in ${w.region} again (waivers[${first}]); keep one` });
    else waived.set(key, i);
  });
  return issues;
}
