/**
 * Round trips between AWS regions, milliseconds: the default table, and the physical floor no measured round trip
 * can beat. A flow that writes pays one round trip from its region to the write region (lib/facts/flows.ts).
 */
import { greatCircleKm, type LatLon } from './geo';

/** Light in optical fibre travels at about two thirds of its speed in vacuum. */
export const FIBRE_KM_PER_MS = (299_792.458 * 2) / 3 / 1000;

/**
 * The least round trip between two points: the great-circle distance there and back at two thirds of the speed of
 * light. Real paths are longer (cable routes, routers), so a figure below this is a typo or a unit mistake.
 */
export function physicalRttFloorMs(a: LatLon, b: LatLon): number {
  return (2 * greatCircleKm(a, b)) / FIBRE_KM_PER_MS;
}

/** Where DEFAULT_RTT_MS comes from. */
export const DEFAULT_RTT_SOURCE =
  'Average inter-region round trips between EC2 instances measured in 2017 ("Latency Between AWS Global Regions", as tabulated in ' +
  'https://acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html); each pair is the larger of its two directions, ' +
  'rounded up to a whole millisecond. Averages of a 2017 snapshot, not P95s: replace them with your own measurements where they decide a verdict.';

/**
 * The default table, each unordered pair once (`a` sorted before `b`). It covers the ten regions that source measured;
 * a pair it lacks is estimated (rttEstimateMs) unless the config gives it (`latencyBudgets.interRegionRttMs`).
 */
const PAIRS: readonly (readonly [string, string, number])[] = [
  ['ap-northeast-1', 'ap-northeast-2', 32],
  ['ap-northeast-1', 'ap-southeast-1', 74],
  ['ap-northeast-1', 'ap-southeast-2', 104],
  ['ap-northeast-1', 'eu-central-1', 237],
  ['ap-northeast-1', 'eu-west-1', 213],
  ['ap-northeast-1', 'sa-east-1', 257],
  ['ap-northeast-1', 'us-east-1', 146],
  ['ap-northeast-1', 'us-west-1', 103],
  ['ap-northeast-1', 'us-west-2', 90],
  ['ap-northeast-2', 'ap-southeast-1', 72],
  ['ap-northeast-2', 'ap-southeast-2', 134],
  ['ap-northeast-2', 'eu-central-1', 267],
  ['ap-northeast-2', 'eu-west-1', 243],
  ['ap-northeast-2', 'sa-east-1', 287],
  ['ap-northeast-2', 'us-east-1', 179],
  ['ap-northeast-2', 'us-west-1', 133],
  ['ap-northeast-2', 'us-west-2', 119],
  ['ap-southeast-1', 'ap-southeast-2', 176],
  ['ap-southeast-1', 'eu-central-1', 326],
  ['ap-southeast-1', 'eu-west-1', 239],
  ['ap-southeast-1', 'sa-east-1', 329],
  ['ap-southeast-1', 'us-east-1', 217],
  ['ap-southeast-1', 'us-west-1', 174],
  ['ap-southeast-1', 'us-west-2', 162],
  ['ap-southeast-2', 'eu-central-1', 324],
  ['ap-southeast-2', 'eu-west-1', 310],
  ['ap-southeast-2', 'sa-east-1', 323],
  ['ap-southeast-2', 'us-east-1', 230],
  ['ap-southeast-2', 'us-west-1', 158],
  ['ap-southeast-2', 'us-west-2', 163],
  ['eu-central-1', 'eu-west-1', 20],
  ['eu-central-1', 'sa-east-1', 195],
  ['eu-central-1', 'us-east-1', 89],
  ['eu-central-1', 'us-west-1', 167],
  ['eu-central-1', 'us-west-2', 160],
  ['eu-west-1', 'sa-east-1', 192],
  ['eu-west-1', 'us-east-1', 81],
  ['eu-west-1', 'us-west-1', 154],
  ['eu-west-1', 'us-west-2', 137],
  ['sa-east-1', 'us-east-1', 120],
  ['sa-east-1', 'us-west-1', 193],
  ['sa-east-1', 'us-west-2', 183],
  ['us-east-1', 'us-west-1', 73],
  ['us-east-1', 'us-west-2', 89],
  ['us-west-1', 'us-west-2', 20],
];

/** The key of an unordered pair of regions: `a b` with the names sorted. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/** The default table: pairKey -> round trip, milliseconds. */
export const DEFAULT_RTT_MS: ReadonlyMap<string, number> = new Map(PAIRS.map(([a, b, ms]) => [pairKey(a, b), ms]));

/**
 * How far above the physical floor a published round trip lies, at most: the largest measured / floor ratio of the
 * default table over the catalog's coordinates (3.18, ap-southeast-1 to eu-central-1), rounded up to a tenth.
 */
export function estimateRatio(locate: (region: string) => LatLon): number {
  const ratios = [...DEFAULT_RTT_MS].map(([key, ms]) => {
    const [a, b] = key.split(' ');
    return ms / physicalRttFloorMs(locate(a), locate(b));
  });
  return Math.ceil(Math.max(...ratios) * 10) / 10;
}

/**
 * A stand-in for a pair nobody measured: the physical floor times the table's largest ratio, rounded up to a whole
 * millisecond. Pessimistic on purpose: a verdict that rests on it should fail towards a measurement, not pass on a guess.
 */
export function rttEstimateMs(a: LatLon, b: LatLon, ratio: number): number {
  return Math.ceil(physicalRttFloorMs(a, b) * ratio);
}

/** Where a region's round trip to the write region comes from. */
export type RttBasis = 'write region' | 'config' | 'published' | 'estimated';
