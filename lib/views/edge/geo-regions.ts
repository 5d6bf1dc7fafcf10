/**
 * Cloudflare Load Balancing's geographic regions: the keys of a load balancer's `region_pools`, which Cloudflare
 * assigns every visitor to by country (and by state or province in the US and Canada). The codes and names are
 * Cloudflare's (developers.cloudflare.com/load-balancing/reference/region-mapping-api, checked 2026-11-25).
 *
 * The point of each region is a stated choice, not Cloudflare data: a large metro area near the middle of where
 * the region's users live. Steering sends a region to the AWS region nearest that point, so moving a point can
 * move a region whose two nearest AWS regions are about equally far (lib/views/edge/steering.ts reports the distances).
 */
import type { LatLon } from '../../facts/geo';

export interface GeoRegion extends LatLon {
  /** Cloudflare's name of the region. */
  readonly name: string;
  /** The metro area standing for the region. */
  readonly point: string;
}

export const CLOUDFLARE_GEO_REGIONS = {
  WNAM: { name: 'Western North America', point: 'Los Angeles', latitude: 34.05, longitude: -118.24 },
  ENAM: { name: 'Eastern North America', point: 'New York', latitude: 40.71, longitude: -74.01 },
  WEU: { name: 'Western Europe', point: 'Paris', latitude: 48.86, longitude: 2.35 },
  EEU: { name: 'Eastern Europe', point: 'Warsaw', latitude: 52.23, longitude: 21.01 },
  NSAM: { name: 'Northern South America', point: 'Bogota', latitude: 4.71, longitude: -74.07 },
  SSAM: { name: 'Southern South America', point: 'Sao Paulo', latitude: -23.55, longitude: -46.63 },
  OC: { name: 'Oceania', point: 'Sydney', latitude: -33.87, longitude: 151.21 },
  ME: { name: 'Middle East', point: 'Riyadh', latitude: 24.71, longitude: 46.68 },
  NAF: { name: 'Northern Africa', point: 'Cairo', latitude: 30.04, longitude: 31.24 },
  SAF: { name: 'Southern Africa', point: 'Johannesburg', latitude: -26.2, longitude: 28.05 },
  SAS: { name: 'Southern Asia', point: 'Mumbai', latitude: 19.08, longitude: 72.88 },
  SEAS: { name: 'Southeast Asia', point: 'Singapore', latitude: 1.35, longitude: 103.82 },
  NEAS: { name: 'Northeast Asia', point: 'Shanghai', latitude: 31.23, longitude: 121.47 },
} as const satisfies Readonly<Record<string, GeoRegion>>;

export type GeoRegionCode = keyof typeof CLOUDFLARE_GEO_REGIONS;

/** The 13 codes, sorted. */
export const GEO_REGION_CODES = (Object.keys(CLOUDFLARE_GEO_REGIONS) as GeoRegionCode[]).sort();
