/** The edge as data (lib/views/edge): steering from coordinates, cache rules, rate limits, TLS, and the config rules behind them. */
import { describe, expect, it } from 'vitest';
import { loadConfigModule, resolvePlan } from '../lib/plan';
import { SERVICE_SPECS, HTTP_SERVICES, PUBLIC_PROFILE_PREFIX, SESSION_COOKIE } from '../lib/facts/workloads';
import { CLOUDFLARE_GEO_REGIONS, GEO_REGION_CODES } from '../lib/views/edge/geo-regions';
import { literal, pathStartsWith } from '../lib/views/edge/expressions';
import { edgePlan } from '../lib/views/edge/plan';
import { geoSteering } from '../lib/views/edge/steering';
import { greatCircleKm } from '../lib/facts/geo';
import { REGION_CATALOG } from '../lib/facts/regions';
import { configWith, env, problems } from './support/config';
import { PROBE_REQUESTS_PER_RUN } from '../lib/facts/probe-checks';
import { DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE } from '../lib/facts/rate-limits';

const catalog = (...names: string[]) => names.map((name) => ({ name, latitude: REGION_CATALOG[name].latitude, longitude: REGION_CATALOG[name].longitude }));
const prodPlan = async () => (resolvePlan(await loadConfigModule())).environments.find((e) => e.name === 'prod')!;

describe('greatCircleKm', () => {
  it.each([
    ['London - New York', { latitude: 51.5074, longitude: -0.1278 }, { latitude: 40.7128, longitude: -74.006 }, 5570],
    ['Sydney - Singapore', { latitude: -33.8688, longitude: 151.2093 }, { latitude: 1.3521, longitude: 103.8198 }, 6300],
    ['antipodes', { latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }, 20015],
  ])('gives the published distance %s within 0.5 %%', (_, a, b, km) => {
    expect(Math.abs(greatCircleKm(a, b) - km) / km).toBeLessThan(0.005);
  });
});

describe('geo steering', () => {
  it('sends every Cloudflare region of the default prod environment to its nearest region', async () => {
    const { steering } = edgePlan(await prodPlan());
    const nearest = Object.fromEntries(GEO_REGION_CODES.map((code) => [code, steering.regionPools[code].regions[0]]));
    expect(nearest).toEqual({
      EEU: 'eu-west-1',
      ENAM: 'us-east-1',
      ME: 'eu-west-1',
      NAF: 'eu-west-1',
      NEAS: 'ap-southeast-1',
      NSAM: 'us-east-1',
      OC: 'ap-southeast-1',
      SAF: 'ap-southeast-1',
      SAS: 'ap-southeast-1',
      SEAS: 'ap-southeast-1',
      SSAM: 'us-east-1',
      WEU: 'eu-west-1',
      WNAM: 'us-west-2',
    });
  });

  it('maps every geo region of another region list to the region with the smallest great-circle distance', () => {
    const regions = catalog('eu-central-1', 'ap-northeast-1', 'sa-east-1', 'us-east-2', 'ap-south-1');
    const { regionPools } = geoSteering(regions, 'eu-central-1');
    for (const code of GEO_REGION_CODES) {
      const distances = regions.map((r) => greatCircleKm(CLOUDFLARE_GEO_REGIONS[code], r));
      expect(regionPools[code].regions[0], code).toBe(regions[distances.indexOf(Math.min(...distances))].name);
    }
    expect(regionPools.SSAM.regions[0]).toBe('sa-east-1');
    expect(regionPools.SAS.regions[0]).toBe('ap-south-1');
    expect(regionPools.NEAS.regions[0]).toBe('ap-northeast-1');
  });

  it('fails over to every other region from nearest to farthest', () => {
    const { regionPools } = geoSteering(catalog('us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'), 'us-east-1');
    for (const code of GEO_REGION_CODES) {
      const { regions, distancesKm } = regionPools[code];
      expect([...regions].sort()).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
      expect(distancesKm).toEqual([...distancesKm].sort((a, b) => a - b));
    }
    expect(regionPools.WEU).toEqual({ regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'], distancesKm: [779, 6190, 8090, 10732] });
  });

  it('falls back to the write region, which also leads the default pools', () => {
    const s = geoSteering(catalog('us-east-1', 'eu-west-1', 'ap-southeast-1'), 'eu-west-1');
    expect(s.fallbackPool).toBe('eu-west-1');
    expect(s.defaultPools).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-1']);
  });

  it('breaks a tie in distance by config order', () => {
    const twins = [
      { name: 'us-east-2', latitude: 10, longitude: 0 },
      { name: 'us-east-1', latitude: 10, longitude: 0 },
    ];
    expect(geoSteering(twins, 'us-east-1').regionPools.WEU.regions).toEqual(['us-east-2', 'us-east-1']);
  });

  it('sends everything to a single region', () => {
    const s = geoSteering(catalog('ap-southeast-2'), 'ap-southeast-2');
    expect(new Set(GEO_REGION_CODES.map((c) => s.regionPools[c].regions.join()))).toEqual(new Set(['ap-southeast-2']));
  });

  it('refuses a write region that is not steered to', () => {
    expect(() => geoSteering(catalog('us-east-1'), 'eu-west-1')).toThrow('write region eu-west-1 must be one of the regions steered to (us-east-1)');
  });
});

describe('pools and monitor', () => {
  it('has one pool per region whose origin is origin-<region>.<domain>, with the catalog coordinates', async () => {
    const plan = edgePlan(await prodPlan());
    expect(plan.hostname).toBe('api.gigascale.example');
    expect(plan.pools.map((p) => [p.region, p.name, p.origin, p.latitude, p.longitude])).toEqual([
      ['us-east-1', 'gigascale-prod-us-east-1', 'origin-us-east-1.gigascale.example', 38.9, -77.4],
      ['us-west-2', 'gigascale-prod-us-west-2', 'origin-us-west-2.gigascale.example', 45.8, -119.7],
      ['eu-west-1', 'gigascale-prod-eu-west-1', 'origin-eu-west-1.gigascale.example', 53.3, -6.3],
      ['ap-southeast-1', 'gigascale-prod-ap-southeast-1', 'origin-ap-southeast-1.gigascale.example', 1.3, 103.8],
    ]);
  });

  it('uses the coordinates a config gives for a region the catalog does not know', () => {
    const e = resolvePlan(configWith(env({ regions: [{ name: 'mx-central-1', azs: ['mx-central-1a', 'mx-central-1b', 'mx-central-1c'], latitude: 20.6, longitude: -100.4 }] }))).environments[0];
    expect(edgePlan(e).pools[0]).toMatchObject({ region: 'mx-central-1', latitude: 20.6, longitude: -100.4 });
  });

  it('checks the gateway health path over verified HTTPS', async () => {
    expect(edgePlan(await prodPlan()).monitor).toMatchObject({
      type: 'https',
      method: 'GET',
      path: '/gateway/health',
      port: 443,
      expectedCodes: '200',
      intervalSeconds: 60,
      retries: 2,
      allowInsecure: false,
      followRedirects: false,
    });
  });
});

describe('cache rules', () => {
  it('keeps public profiles the configured 5 minutes at the edge and 60 s in browsers, serving stale while revalidating', async () => {
    const rule = edgePlan(await prodPlan()).cacheRules.find((r) => r.ref === 'public_profiles')!;
    expect(rule.expression).toBe(`(http.request.method in {"GET" "HEAD"}) and starts_with(http.request.uri.path, "${PUBLIC_PROFILE_PREFIX}")`);
    expect(rule.actionParameters).toEqual({
      cache: true,
      edgeTtl: { mode: 'override_origin', default: 300, statusCodeTtls: [{ statusCodeRange: { from: 400, to: 599 }, value: 0 }] },
      browserTtl: { mode: 'override_origin', default: 60 },
      serveStale: { disableStaleWhileUpdating: false },
    });
  });

  it('keeps content-hashed static assets a year at the edge and in browsers', async () => {
    const rule = edgePlan(await prodPlan()).cacheRules.find((r) => r.ref === 'static_assets')!;
    expect(rule.expression).toContain('starts_with(http.request.uri.path, "/assets/")');
    expect(rule.actionParameters).toMatchObject({ cache: true, edgeTtl: { default: 31_536_000 }, browserTtl: { default: 31_536_000 } });
  });

  it('bypasses the cache last, for any request with an Authorization header or the session cookie', async () => {
    const rules = edgePlan(await prodPlan()).cacheRules;
    const last = rules[rules.length - 1];
    expect(last.ref).toBe('bypass_personal');
    expect(last.actionParameters).toEqual({ cache: false });
    expect(last.expression).toBe(`(any(lower(http.request.headers.names[*])[*] == "authorization") or (http.cookie contains "${SESSION_COOKIE}="))`);
  });

  it('follows TTLs changed in the config', () => {
    const e = resolvePlan(configWith(env({ caching: { l3: { publicProfileSeconds: 120, publicProfileBrowserSeconds: 30, staticAssetSeconds: 86_400 } } }))).environments[0];
    const byRef = Object.fromEntries(edgePlan(e).cacheRules.map((r) => [r.ref, r.actionParameters]));
    expect(byRef.public_profiles).toMatchObject({ edgeTtl: { default: 120 }, browserTtl: { default: 30 } });
    expect(byRef.static_assets).toMatchObject({ edgeTtl: { default: 86_400 }, browserTtl: { default: 86_400 } });
  });

  it('quotes a literal with a quote or a backslash in it', () => {
    expect(literal('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(pathStartsWith(['/a/', '/b/'])).toBe('(starts_with(http.request.uri.path, "/a/") or starts_with(http.request.uri.path, "/b/"))');
  });
});

describe('rate limits and WAF', () => {
  it('limits each service on its gateway route prefixes per client IP and data centre, per minute', async () => {
    const rules = edgePlan(await prodPlan()).rateLimitRules;
    expect(rules.map((r) => r.ref)).toEqual(HTTP_SERVICES.map((s) => `rate_limit_${s}`));
    for (const [i, service] of HTTP_SERVICES.entries()) {
      for (const route of SERVICE_SPECS[service].routes) expect(rules[i].expression).toContain(literal(route.prefix));
      expect(rules[i].ratelimit).toMatchObject({ characteristics: ['ip.src', 'cf.colo.id'], period: 60, mitigationTimeout: 60 });
      expect(rules[i].action).toBe('block');
    }
    expect(Object.fromEntries(rules.map((r) => [r.ref, r.ratelimit!.requestsPerPeriod]))).toEqual({
      rate_limit_auth: 30,
      rate_limit_entity: 300,
      rate_limit_chat: 300,
      rate_limit_voice: 60,
      rate_limit_memory: 120,
    });
  });

  it('is strictest on auth', async () => {
    const limits = (await prodPlan()).edge.rateLimitsPerMinute;
    for (const s of HTTP_SERVICES.filter((s) => s !== 'auth')) expect(limits.auth).toBeLessThan(limits[s]);
  });

  it('takes limits from the config', () => {
    const e = resolvePlan(configWith(env({ edge: { rateLimitsPerMinute: { auth: 10 } } }))).environments[0];
    expect(edgePlan(e).rateLimitRules[0].ratelimit).toMatchObject({ requestsPerPeriod: 10 });
  });

  it('executes the Cloudflare managed and OWASP core rulesets on every request', async () => {
    expect(edgePlan(await prodPlan()).managedWafRules.map((r) => [r.action, r.expression, r.actionParameters])).toEqual([
      ['execute', 'true', { id: 'efb7b8c949ac4650a09736fc376e9aee' }],
      ['execute', 'true', { id: '4814384a9e5d4991b9815dcfc25d2f1f' }],
    ]);
  });

  it('sets Full (strict) TLS, TLS 1.2 at least, HTTPS only and a year of HSTS', async () => {
    expect(edgePlan(await prodPlan()).zoneSettings).toEqual({
      ssl: 'strict',
      min_tls_version: '1.2',
      tls_1_3: 'on',
      always_use_https: 'on',
      security_header: { strictTransportSecurity: { enabled: true, maxAge: 31_536_000, includeSubdomains: true, preload: false, nosniff: true } },
    });
  });
});

describe('edge config', () => {
  it('refuses a region the catalog does not know without coordinates, naming what is missing', () => {
    expect(problems(configWith(env({ regions: ['us-east-1', { name: 'mx-central-1', azs: ['mx-central-1a', 'mx-central-1b'] }] })))).toEqual([
      'environments.test.regions[1].name: region mx-central-1 is not in the region catalog; give its latitude, longitude (coordinates of its metro ' +
        `area steer users to the nearest region), or use one of ${Object.keys(REGION_CATALOG).sort().join(', ')}`,
    ]);
  });

  it('refuses a latitude without a longitude', () => {
    expect(problems(configWith(env({ regions: [{ name: 'us-east-1', latitude: 39 }] })))).toEqual([
      'environments.test.regions[0].longitude: is required with latitude: give both or neither',
    ]);
  });

  it.each([
    [{ latitude: 91, longitude: 0 }, 'environments.test.regions[0].latitude: must be a latitude in degrees, -90..90, got 91'],
    [{ latitude: 0, longitude: -181 }, 'environments.test.regions[0].longitude: must be a longitude in degrees, -180..180, got -181'],
  ])('refuses coordinates off the map: %o', (coords, message) => {
    expect(problems(configWith(env({ regions: [{ name: 'us-east-1', ...coords }] })))).toEqual([message]);
  });

  it('refuses two environments that claim the same hostnames', () => {
    const config = { environments: { test: env(), stage: env({ account: '210987654321' }) } };
    expect(problems(config)).toEqual([
      'environments.stage.domain: claims api.example.com, origin-us-east-1.example.com, turn-us-east-1.example.com, origin-eu-west-1.example.com, ' +
        'turn-eu-west-1.example.com, hostnames of environment test too; give each environment its own domain (e.g. stage.example.com)',
    ]);
  });

  it('refuses an environment that shares only the API hostname, naming just that one', () => {
    const config = { environments: { test: env({ regions: ['us-east-1'] }), edge: env({ account: '210987654321', regions: ['ap-south-1'] }) } };
    expect(problems(config)).toEqual([
      'environments.edge.domain: claims api.example.com, hostnames of environment test too; give each environment its own domain (e.g. edge.example.com)',
    ]);
  });

  it('refuses an edge limit above what the origin admits per client', () => {
    expect(problems(configWith(env({ edge: { rateLimitsPerMinute: { entity: 500 } } })))).toEqual([
      'environments.test.edge.rateLimitsPerMinute.entity: 500 per minute is more than the origin admits per client (ingress.rateLimitPer5Minutes 2000 = ' +
        '400 per minute), so the origin would block before the edge limit acts; lower it or raise ingress.rateLimitPer5Minutes',
    ]);
  });

  it("refuses an entity limit below the in-cluster probe's edge reads from one address", () => {
    expect(PROBE_REQUESTS_PER_RUN).toBe(250);
    expect(DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE.entity).toBeGreaterThanOrEqual(PROBE_REQUESTS_PER_RUN);
    expect(problems(configWith(env({ edge: { rateLimitsPerMinute: { entity: 249 } } })))).toEqual([
      'environments.test.edge.rateLimitsPerMinute.entity: 249 per minute is less than the 250 reads of a public profile the in-cluster probe sends ' +
        'through the edge each minute from one address (lib/facts/probe-checks.ts PROBE_RUN); raise it to at least 250',
    ]);
    expect(() => resolvePlan(configWith(env({ edge: { rateLimitsPerMinute: { entity: 250 } } })))).not.toThrow();
  });

  it('refuses an unknown service and a zero limit', () => {
    expect(problems(configWith(env({ edge: { rateLimitsPerMinute: { search: 5, auth: 0 } as Record<string, number> } })))).toEqual([
      'environments.test.edge.rateLimitsPerMinute.auth: must be an integer in 1..1000000, got 0',
      'environments.test.edge.rateLimitsPerMinute: Unrecognized key: "search"',
    ]);
  });

  it('refuses a browser TTL longer than the edge TTL of public profiles', () => {
    expect(problems(configWith(env({ caching: { l3: { publicProfileSeconds: 60, publicProfileBrowserSeconds: 120 } } })))).toEqual([
      'environments.test.caching.l3.publicProfileBrowserSeconds: 120 is more than publicProfileSeconds 60: browsers would keep a profile after the edge refreshed it; make it at most 60',
    ]);
  });
});
