/**
 * Geo steering of the environment's load balancer, computed from coordinates: every Cloudflare geographic region
 * is sent to its nearest AWS region first, then to the others from nearest to farthest. The write region's pool is
 * the fallback Cloudflare uses when every pool is unhealthy, and the first default pool (for visitors Cloudflare
 * cannot place). A tie in distance goes to the region listed first in the config.
 */
import { GigascaleError } from '../../util/errors';
import { greatCircleKm, type LatLon } from '../../facts/geo';
import { CLOUDFLARE_GEO_REGIONS, GEO_REGION_CODES, type GeoRegionCode } from './geo-regions';

export interface SteeringRegion extends LatLon {
  /** AWS region name. */
  readonly name: string;
}

export interface GeoAssignment {
  /** AWS regions in failover order: nearest first. */
  readonly regions: readonly string[];
  /** Great-circle distance from the geo region's point to each of `regions`, km, rounded. */
  readonly distancesKm: readonly number[];
}

export interface Steering {
  /** Failover order of each Cloudflare geographic region, by code (sorted). */
  readonly regionPools: Readonly<Record<GeoRegionCode, GeoAssignment>>;
  /** Order for visitors Cloudflare cannot place: the write region, then the others nearest to it first. */
  readonly defaultPools: readonly string[];
  /** The pool used when all are unhealthy: the write region's. */
  readonly fallbackPool: string;
}

function byDistanceFrom(point: LatLon, regions: readonly SteeringRegion[]): { name: string; km: number }[] {
  return regions
    .map((r, index) => ({ name: r.name, km: greatCircleKm(point, r), index }))
    .sort((a, b) => a.km - b.km || a.index - b.index)
    .map(({ name, km }) => ({ name, km }));
}

/** Steering for `regions` (in config order) with `writeRegion` among them. */
export function geoSteering(regions: readonly SteeringRegion[], writeRegion: string): Steering {
  const write = regions.find((r) => r.name === writeRegion);
  if (regions.length === 0 || write === undefined) {
    throw new GigascaleError('Invalid edge steering', [
      { at: 'writeRegion', message: `write region ${writeRegion} must be one of the regions steered to (${regions.map((r) => r.name).join(', ') || 'none'})` },
    ]);
  }
  const regionPools = {} as Record<GeoRegionCode, GeoAssignment>;
  for (const code of GEO_REGION_CODES) {
    const ordered = byDistanceFrom(CLOUDFLARE_GEO_REGIONS[code], regions);
    regionPools[code] = { regions: ordered.map((o) => o.name), distancesKm: ordered.map((o) => Math.round(o.km)) };
  }
  return { regionPools, defaultPools: byDistanceFrom(write, regions).map((o) => o.name), fallbackPool: write.name };
}
