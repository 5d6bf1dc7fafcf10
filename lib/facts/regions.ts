/**
 * The region catalog: the one place that knows an AWS region's availability zones, its CIDR slot and where it
 * is on the map. A region in this list can be named in `regions.config.ts` by name alone.
 *
 * AZ names are account-specific aliases (AWS maps `us-east-1a` to a different physical zone per account), and a
 * few accounts see other letters, most often in us-west-1. The names here are the ones new accounts get; an
 * account that differs pins `azs` for that region in its config (`aws ec2 describe-availability-zones`).
 *
 * `slot` fixes the region's default /16 inside 10.0.0.0/8 (10.<slot>.0.0/16). Slots are API: a region keeps
 * its slot forever, so adding or removing another region never renumbers (and never replaces) a VPC.
 * Coordinates are the metro area of the region (approximate, public), used for distance-based decisions.
 */
export interface CatalogRegion {
  /** Availability zone names in the order subnets are laid out. */
  readonly azs: readonly string[];
  /** Default CIDR slot: the region's VPC is 10.<slot>.0.0/16 unless the config says otherwise. */
  readonly slot: number;
  /** Metro area the region is named after. */
  readonly location: string;
  /** Latitude in degrees. */
  readonly latitude: number;
  /** Longitude in degrees. */
  readonly longitude: number;
}

const azs = (region: string, letters: string): readonly string[] => [...letters].map((l) => `${region}${l}`);

export const REGION_CATALOG: Readonly<Record<string, CatalogRegion>> = Object.freeze({
  'us-east-1': { azs: azs('us-east-1', 'abc'), slot: 0, location: 'N. Virginia', latitude: 38.9, longitude: -77.4 },
  'us-east-2': { azs: azs('us-east-2', 'abc'), slot: 1, location: 'Ohio', latitude: 40.0, longitude: -83.0 },
  'us-west-1': { azs: azs('us-west-1', 'bc'), slot: 2, location: 'N. California', latitude: 37.4, longitude: -121.9 },
  'us-west-2': { azs: azs('us-west-2', 'abc'), slot: 3, location: 'Oregon', latitude: 45.8, longitude: -119.7 },
  'ca-central-1': { azs: azs('ca-central-1', 'abd'), slot: 4, location: 'Montreal', latitude: 45.5, longitude: -73.6 },
  'sa-east-1': { azs: azs('sa-east-1', 'abc'), slot: 5, location: 'Sao Paulo', latitude: -23.5, longitude: -46.6 },
  'eu-west-1': { azs: azs('eu-west-1', 'abc'), slot: 6, location: 'Ireland', latitude: 53.3, longitude: -6.3 },
  'eu-west-2': { azs: azs('eu-west-2', 'abc'), slot: 7, location: 'London', latitude: 51.5, longitude: -0.1 },
  'eu-west-3': { azs: azs('eu-west-3', 'abc'), slot: 8, location: 'Paris', latitude: 48.9, longitude: 2.4 },
  'eu-central-1': { azs: azs('eu-central-1', 'abc'), slot: 9, location: 'Frankfurt', latitude: 50.1, longitude: 8.7 },
  'eu-north-1': { azs: azs('eu-north-1', 'abc'), slot: 10, location: 'Stockholm', latitude: 59.3, longitude: 18.1 },
  'ap-south-1': { azs: azs('ap-south-1', 'abc'), slot: 11, location: 'Mumbai', latitude: 19.1, longitude: 72.9 },
  'ap-southeast-1': { azs: azs('ap-southeast-1', 'abc'), slot: 12, location: 'Singapore', latitude: 1.3, longitude: 103.8 },
  'ap-southeast-2': { azs: azs('ap-southeast-2', 'abc'), slot: 13, location: 'Sydney', latitude: -33.9, longitude: 151.2 },
  'ap-northeast-1': { azs: azs('ap-northeast-1', 'acd'), slot: 14, location: 'Tokyo', latitude: 35.7, longitude: 139.7 },
  'ap-northeast-2': { azs: azs('ap-northeast-2', 'abc'), slot: 15, location: 'Seoul', latitude: 37.6, longitude: 127.0 },
  'ap-northeast-3': { azs: azs('ap-northeast-3', 'abc'), slot: 16, location: 'Osaka', latitude: 34.7, longitude: 135.5 },
  'me-south-1': { azs: azs('me-south-1', 'abc'), slot: 17, location: 'Bahrain', latitude: 26.1, longitude: 50.6 },
  'af-south-1': { azs: azs('af-south-1', 'abc'), slot: 18, location: 'Cape Town', latitude: -33.9, longitude: 18.4 },
});

/** Region names as AWS spells them: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`. */
export const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function catalogRegion(name: string): CatalogRegion | undefined {
  return Object.prototype.hasOwnProperty.call(REGION_CATALOG, name) ? REGION_CATALOG[name] : undefined;
}

export function catalogRegionNames(): string[] {
  return Object.keys(REGION_CATALOG).sort();
}
