/**
 * Round trips between AWS regions, milliseconds: the measured table (every pair of the region catalog), the physical
 * floor no round trip can beat, and the estimate for a pair nobody measured. A flow that writes pays one round trip
 * from its region to the write region (lib/facts/flows.ts).
 */
import dataset from './inter-region-rtt.json';
import { greatCircleKm, type LatLon } from './geo';
import { catalogRegion } from './regions';

/** Light in optical fibre travels at about two thirds of its speed in vacuum. */
export const FIBRE_KM_PER_MS = (299_792.458 * 2) / 3 / 1000;

/**
 * The least round trip between two points: the great-circle distance there and back at two thirds of the speed of
 * light. Real paths are longer (cable routes, routers), so a figure below this is a typo or a unit mistake.
 */
export function physicalRttFloorMs(a: LatLon, b: LatLon): number {
  return (2 * greatCircleKm(a, b)) / FIBRE_KM_PER_MS;
}

/** Figures of each ordered pair of regions: `from[a][b]`, milliseconds. */
export type DirectedFigures = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * A measurement set of round trips between regions, as lib/facts/inter-region-rtt.json holds it: where the figures
 * come from, when and how they were measured, and the figures themselves, per direction.
 */
export interface RttDataset {
  /** One line for tables: who measured what, and when. */
  readonly summary: string;
  /** Who measured. */
  readonly source: string;
  /** Where the figures are published. */
  readonly url: string;
  /** Which copy of them this is. */
  readonly copy: string;
  /** The period measured, as precisely as the copy tells. */
  readonly date: string;
  /** How a figure is measured. */
  readonly method: string;
  /** What the median and the P95 are, or why one is missing. */
  readonly statistics: { readonly median: string; readonly p95: string };
  readonly unit: 'ms';
  readonly medianMs: DirectedFigures;
  /** @default - no P95 published: verdicts use the median */
  readonly p95Ms?: DirectedFigures;
}

/** The measured figures of one unordered pair. */
export interface MeasuredRtt {
  readonly medianMs: number;
  /** Null when the set publishes no P95 for the pair. */
  readonly p95Ms: number | null;
}

/** The key of an unordered pair of regions: `a b` with the names sorted. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/**
 * The measured table of a set: pairKey -> figures, each the larger of the pair's two directions rounded up to a whole
 * millisecond (a round trip is one figure both ways; the slower direction is the one a forwarded write may meet).
 */
export function measuredRttTable(data: Pick<RttDataset, 'medianMs' | 'p95Ms'>): ReadonlyMap<string, MeasuredRtt> {
  const larger = (figures: DirectedFigures | undefined): Map<string, number> => {
    const pairs = new Map<string, number>();
    for (const [a, row] of Object.entries(figures ?? {})) {
      for (const [b, ms] of Object.entries(row)) {
        const key = pairKey(a, b);
        pairs.set(key, Math.max(pairs.get(key) ?? 0, Math.ceil(ms)));
      }
    }
    return pairs;
  };
  const p95 = larger(data.p95Ms);
  return new Map([...larger(data.medianMs)].sort(([x], [y]) => x.localeCompare(y)).map(([key, medianMs]) => [key, { medianMs, p95Ms: p95.get(key) ?? null }]));
}

/** The shipped measurement set (lib/facts/inter-region-rtt.json): its source, date and method travel with every table. */
export const RTT_DATASET: RttDataset = dataset as RttDataset;

/** The shipped measured table: pairKey -> figures. */
export const MEASURED_RTT: ReadonlyMap<string, MeasuredRtt> = measuredRttTable(RTT_DATASET);

/** Which statistic of a measured pair a verdict uses. */
export type RttStatistic = 'p95' | 'median';

/** The figure a verdict holds a pair to: its P95 where measured, else its median (flagged as such in every table). */
export function rttBound(measured: MeasuredRtt): { readonly ms: number; readonly statistic: RttStatistic } {
  return measured.p95Ms === null ? { ms: measured.medianMs, statistic: 'median' } : { ms: measured.p95Ms, statistic: 'p95' };
}

/** The quantile of measured / floor ratios the estimate's factor is taken at. */
export const ESTIMATE_RATIO_QUANTILE = 0.95;

/**
 * How far above the physical floor a measured round trip lies, calibrated on the measured table: the 95th percentile
 * (nearest rank) of each pair's bound / floor over the catalog's coordinates, rounded up to a tenth. Not the largest:
 * a few pairs are routed far around the great circle (af-south-1 to sa-east-1 goes through Europe, 5.3 × its floor),
 * and a factor that large would make every estimate absurd rather than careful.
 */
export function estimateRatio(table: ReadonlyMap<string, MeasuredRtt>, locate: (region: string) => LatLon): number {
  const ratios = [...table]
    .map(([key, measured]) => {
      const [a, b] = key.split(' ');
      return rttBound(measured).ms / physicalRttFloorMs(locate(a), locate(b));
    })
    .sort((x, y) => x - y);
  const rank = Math.ceil(ESTIMATE_RATIO_QUANTILE * ratios.length) - 1;
  return Math.ceil(ratios[rank] * 10) / 10;
}

/** The shipped table's factor (3.3 over the catalog's coordinates). */
export const RTT_ESTIMATE_RATIO = estimateRatio(MEASURED_RTT, (region) => catalogRegion(region)!);

/**
 * A stand-in for a pair nobody measured: the physical floor times the calibrated ratio, rounded up to a whole
 * millisecond. Above 95 % of the measured pairs on purpose: a verdict that rests on it should fail towards a
 * measurement, not pass on a guess.
 */
export function rttEstimateMs(a: LatLon, b: LatLon, ratio: number): number {
  return Math.ceil(physicalRttFloorMs(a, b) * ratio);
}

/** Where a region's round trip to the write region comes from. */
export type RttBasis = 'write region' | 'config' | 'measured p95' | 'measured median' | 'estimated';
