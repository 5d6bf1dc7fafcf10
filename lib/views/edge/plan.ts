/**
 * Everything the Cloudflare edge of one environment declares, as plain data derived from the plan: the health
 * monitor, one pool per region, the geo-steered load balancer on `api.<domain>`, the zone's cache, WAF, rate-limit
 * and transform rules, and its TLS settings. edge/ turns it into @pulumi/cloudflare resources one to one, so what a
 * reviewer reads here (or in `npm run -s edge:plan`) is what `pulumi up` sends.
 */
import type { EnvironmentPlan } from '../../plan';
import { GATEWAY_HEALTH_PATH } from '../../facts/workloads';
import { apiHostname, originHostname } from '../../facts/names/ingress';
import { edgeMonitorDescription, edgePoolName } from '../../facts/names/edge';
import { cacheRules, type EdgeRule } from './cache-rules';
import { managedWafRules, rateLimitRules } from './security-rules';
import { geoSteering, type Steering } from './steering';

export interface EdgeMonitor {
  readonly type: 'https';
  readonly method: 'GET';
  /** The gateway's own health path: answered by Envoy when it is up and ready to route. */
  readonly path: string;
  readonly port: number;
  readonly expectedCodes: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** Retries of a failed check before it counts. */
  readonly retries: number;
  /** Failed checks in a row before an origin is unhealthy, and passed ones before it is healthy again. */
  readonly consecutiveDown: number;
  readonly consecutiveUp: number;
  readonly followRedirects: false;
  /** Certificates are verified: origins serve a public ACM certificate for their own name. */
  readonly allowInsecure: false;
  readonly description: string;
}

export interface EdgePool {
  readonly region: string;
  /** Pool name in the Cloudflare account (lib/facts/names/edge.ts edgePoolName). */
  readonly name: string;
  /** The region's ALB, `origin-<region>.<domain>`: address, Host header and TLS name of every request. */
  readonly origin: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly isWriteRegion: boolean;
}

/** Zone settings by Cloudflare setting id. */
export interface EdgeZoneSettings {
  /** Full (strict): Cloudflare verifies the origin's certificate and name. */
  readonly ssl: 'strict';
  readonly min_tls_version: '1.2';
  readonly tls_1_3: 'on';
  readonly always_use_https: 'on';
  readonly security_header: {
    readonly strictTransportSecurity: { enabled: true; maxAge: number; includeSubdomains: true; preload: false; nosniff: true };
  };
}

export interface EdgePlan {
  readonly environment: string;
  /** The load balancer's hostname, `api.<domain>`. */
  readonly hostname: string;
  readonly monitor: EdgeMonitor;
  /** Pools in the config's region order. */
  readonly pools: readonly EdgePool[];
  readonly steering: Steering;
  readonly cacheRules: readonly EdgeRule[];
  readonly managedWafRules: readonly EdgeRule[];
  readonly rateLimitRules: readonly EdgeRule[];
  readonly zoneSettings: EdgeZoneSettings;
}

/** HSTS max-age: one year, what browsers' preload lists ask for (preload itself stays a deliberate, separate step). */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

export function edgePlan(environment: EnvironmentPlan): EdgePlan {
  const { name, domain, regions, writeRegion } = environment;
  return {
    environment: name,
    hostname: apiHostname(domain),
    monitor: {
      type: 'https',
      method: 'GET',
      path: GATEWAY_HEALTH_PATH,
      port: 443,
      expectedCodes: '200',
      intervalSeconds: 60,
      timeoutSeconds: 5,
      retries: 2,
      consecutiveDown: 2,
      consecutiveUp: 2,
      followRedirects: false,
      allowInsecure: false,
      description: edgeMonitorDescription(name),
    },
    pools: regions.map((r) => ({
      region: r.name,
      name: edgePoolName(name, r.name),
      origin: originHostname(domain, r.name),
      latitude: r.latitude,
      longitude: r.longitude,
      isWriteRegion: r.isWriteRegion,
    })),
    steering: geoSteering(regions, writeRegion),
    cacheRules: cacheRules(environment.caching.l3),
    managedWafRules: managedWafRules(),
    rateLimitRules: rateLimitRules(environment.edge.rateLimitsPerMinute),
    zoneSettings: {
      ssl: 'strict',
      min_tls_version: '1.2',
      tls_1_3: 'on',
      always_use_https: 'on',
      security_header: {
        strictTransportSecurity: { enabled: true, maxAge: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: false, nosniff: true },
      },
    },
  };
}
