/**
 * The Pulumi edge program (edge/) under pulumi.runtime.setMocks: the resources it registers and their inputs, as
 * `pulumi up` would send them to Cloudflare. No engine, no credentials, no network.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigModule, resolvePlan, type Plan } from '../lib/plan';
import { GEO_REGION_CODES } from '../lib/views/edge/geo-regions';
import { ORIGIN_TOKEN_HEADER } from '../lib/facts/origin-protection';
import { edgePlan } from '../lib/views/edge/plan';
import { declaredResources, SECRET_PLACEHOLDER, type DeclaredResource } from '../edge/mocks';
import { configWith, env } from './support/config';
import { ROOT } from './support/synth';

const T = {
  monitor: 'cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor',
  pool: 'cloudflare:index/loadBalancerPool:LoadBalancerPool',
  lb: 'cloudflare:index/loadBalancer:LoadBalancer',
  ruleset: 'cloudflare:index/ruleset:Ruleset',
  setting: 'cloudflare:index/zoneSetting:ZoneSetting',
};
/** Provider inputs as nested JSON, indexed by the provider's field names. */
interface Tree {
  readonly [key: string]: Tree;
}
const ofType = (rs: readonly DeclaredResource[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: readonly DeclaredResource[], type: string) => {
  const found = ofType(rs, type);
  expect(found).toHaveLength(1);
  return found[0].inputs as unknown as Tree;
};
const rulesetOf = (rs: readonly DeclaredResource[], phase: string) =>
  ofType(rs, T.ruleset).find((r) => r.inputs.phase === phase)!.inputs as unknown as Tree;
const settings = { accountId: 'acc-1', zoneId: 'zone-1', originToken: 'token-1' };

let plan: Plan;
let prod: DeclaredResource[];
beforeAll(async () => {
  plan = resolvePlan(await loadConfigModule());
  prod = await declaredResources(plan, 'prod', settings);
});

describe('edge program, default prod', () => {
  it('declares one monitor, one pool per region, one load balancer, four rulesets, five settings and tiered caching', () => {
    const count = (type: string) => ofType(prod, type).length;
    expect([count(T.monitor), count(T.pool), count(T.lb), count(T.ruleset), count(T.setting)]).toEqual([1, 4, 1, 4, 5]);
    expect(prod.map((r) => r.type.split(':').pop()).filter((t) => /Tiered/.test(t!))).toEqual(['ArgoTieredCaching', 'TieredCache']);
    expect(prod).toHaveLength(17);
  });

  it('gives every pool the region ALB as its only origin, sent as Host too, with the region coordinates and the monitor', () => {
    const pools = ofType(prod, T.pool).map((p) => p.inputs as unknown as Tree);
    expect(pools.map((p) => p.name).sort()).toEqual(['gigascale-prod-ap-southeast-1', 'gigascale-prod-eu-west-1', 'gigascale-prod-us-east-1', 'gigascale-prod-us-west-2']);
    const euWest = pools.find((p) => String(p.name) === 'gigascale-prod-eu-west-1')!;
    expect(euWest).toMatchObject({
      accountId: 'acc-1',
      latitude: 53.3,
      longitude: -6.3,
      minimumOrigins: 1,
      monitor: 'gigascale-prod-balancing-monitor-id',
      origins: [{ name: 'eu-west-1', address: 'origin-eu-west-1.gigascale.example', enabled: true, weight: 1, header: { hosts: ['origin-eu-west-1.gigascale.example'] } }],
    });
  });

  it('monitors the gateway health path over HTTPS with the origin token, so health checks pass the origin WAF', () => {
    expect(one(prod, T.monitor)).toMatchObject({
      type: 'https',
      method: 'GET',
      path: '/gateway/health',
      expectedCodes: '200',
      interval: 60,
      retries: 2,
      timeout: 5,
      allowInsecure: false,
      header: { [ORIGIN_TOKEN_HEADER]: ['token-1'] },
    });
  });

  it('geo-steers api.<domain> with each geo region mapped to its pools by distance and the write region as fallback', () => {
    const lb = one(prod, T.lb);
    const { steering } = edgePlan(plan.environments.find((e) => e.name === 'prod')!);
    const poolId = (region: string) => `gigascale-prod-balancing-pool-${region}-id`;
    expect(lb).toMatchObject({ zoneId: 'zone-1', name: 'api.gigascale.example', proxied: true, steeringPolicy: 'geo', fallbackPool: poolId('us-east-1') });
    expect(Object.keys(lb.regionPools).sort()).toEqual(GEO_REGION_CODES);
    for (const code of GEO_REGION_CODES) expect(lb.regionPools[code]).toEqual(steering.regionPools[code].regions.map(poolId));
    expect(lb.regionPools.WNAM[0]).toBe(poolId('us-west-2'));
    expect(lb.regionPools.WEU[0]).toBe(poolId('eu-west-1'));
    expect(lb.regionPools.SEAS[0]).toBe(poolId('ap-southeast-1'));
    expect(lb.defaultPools[0]).toBe(poolId('us-east-1'));
  });

  it('puts the cache rules, bypass last, into the zone cache phase', () => {
    const rules = rulesetOf(prod, 'http_request_cache_settings').rules as unknown as Tree[];
    expect(rules.map((r) => [r.ref, r.enabled, r.actionParameters.cache])).toEqual([
      ['static_assets', true, true],
      ['public_profiles', true, true],
      ['bypass_personal', true, false],
    ]);
    expect(rules[1].actionParameters).toMatchObject({ edgeTtl: { mode: 'override_origin', default: 300 }, browserTtl: { default: 60 }, serveStale: { disableStaleWhileUpdating: false } });
  });

  it('rate-limits each service in the zone ratelimit phase, auth strictest', () => {
    const rules = rulesetOf(prod, 'http_ratelimit').rules as unknown as Tree[];
    expect(rules.map((r) => [r.ref, r.ratelimit.requestsPerPeriod, r.ratelimit.period])).toEqual([
      ['rate_limit_auth', 30, 60],
      ['rate_limit_entity', 300, 60],
      ['rate_limit_chat', 300, 60],
      ['rate_limit_voice', 60, 60],
      ['rate_limit_memory', 120, 60],
    ]);
    expect(rules[0].expression).toBe('starts_with(http.request.uri.path, "/v1/auth/")');
  });

  it('executes the managed WAF rulesets in the zone managed-firewall phase', () => {
    expect(rulesetOf(prod, 'http_request_firewall_managed')).toMatchObject({ kind: 'zone', zoneId: 'zone-1', rules: [{ action: 'execute' }, { action: 'execute' }] });
  });

  it('sets the origin token header on every request forwarded to an origin', () => {
    expect(rulesetOf(prod, 'http_request_late_transform').rules).toEqual([
      expect.objectContaining({ expression: 'true', action: 'rewrite', actionParameters: { headers: { [ORIGIN_TOKEN_HEADER]: { operation: 'set', value: 'token-1' } } } }),
    ]);
  });

  it('sets Full (strict) TLS, minimum TLS 1.2 and HSTS on the zone', () => {
    const byId = Object.fromEntries(ofType(prod, T.setting).map((s) => [s.inputs.settingId, s.inputs.value]));
    expect(byId).toEqual({
      always_use_https: 'on',
      min_tls_version: '1.2',
      security_header: { strictTransportSecurity: { enabled: true, includeSubdomains: true, maxAge: 31_536_000, nosniff: true, preload: false } },
      ssl: 'strict',
      tls_1_3: 'on',
    });
  });
});

describe('edge program, other inputs', () => {
  it('follows the region list of the config: one pool per region of dev', async () => {
    const dev = await declaredResources(plan, 'dev', settings);
    expect(ofType(dev, T.pool).map((p) => (p.inputs.origins as { address: string }[])[0].address)).toEqual(['origin-us-east-1.dev.gigascale.example']);
    const lb = one(dev, T.lb);
    expect(new Set(Object.values(lb.regionPools as unknown as Record<string, string[]>).flat())).toEqual(new Set(['gigascale-dev-balancing-pool-us-east-1-id']));
  });

  it('adds a pool for a region added to the config, and steers its neighbours to it', async () => {
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'sa-east-1', 'ap-southeast-2'];
    const other = resolvePlan(configWith(env({ regions, shards: 2, domain: 'other.example', sizes: { bus: { brokersPerAz: 2 } } })));
    const rs = await declaredResources(other, 'test', settings);
    expect(ofType(rs, T.pool).map((p) => p.name).sort()).toEqual(regions.map((r) => `gigascale-test-balancing-pool-${r}`).sort());
    const lb = one(rs, T.lb);
    expect(lb.regionPools.SSAM[0]).toBe('gigascale-test-balancing-pool-sa-east-1-id');
    expect(lb.regionPools.OC[0]).toBe('gigascale-test-balancing-pool-ap-southeast-2-id');
    expect(lb.name).toBe('api.other.example');
  });

  it('keeps a secret origin token secret in every input that carries it', async () => {
    const rs = await declaredResources(plan, 'prod', { ...settings, originToken: pulumi.secret('token-2') });
    expect(one(rs, T.monitor).header).toBe(SECRET_PLACEHOLDER);
    expect(rulesetOf(rs, 'http_request_late_transform').rules).toBe(SECRET_PLACEHOLDER);
    expect(JSON.stringify(rs)).not.toContain('token-2');
  });

  it('refuses an environment the config does not have, naming those it has', async () => {
    await expect(declaredResources(plan, 'staging', settings)).rejects.toThrow('regions.config.ts has no environment "staging"; name the Pulumi stack (or --env) after one of dev, prod');
  });

  it('has a Pulumi stack file for every environment of regions.config.ts', () => {
    for (const e of plan.environments) {
      const file = join(ROOT, 'edge', `Pulumi.${e.name}.yaml`);
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/gigascale:accountId: [0-9a-f]{32}\n\s+gigascale:zoneId: [0-9a-f]{32}/);
    }
  });
});

describe('npm run -s edge:plan', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/edge-plan.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('prints exactly an array of {type, name, inputs} with --json, offline', () => {
    const r = run('--env', 'prod', '--json');
    expect(r.status, r.stderr).toBe(0);
    const resources = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(resources).toHaveLength(17);
    for (const res of resources) expect(Object.keys(res)).toEqual(['type', 'name', 'inputs']);
    expect(resources.find((x) => x.type === T.lb)!.inputs).toMatchObject({ name: 'api.gigascale.example', zoneId: '<gigascale:zoneId>' });
  });

  it('prints the geo mapping and the resources as a table', () => {
    const r = run('--env', 'prod');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Edge of prod: api.gigascale.example, 17 resources');
    expect(r.stdout).toMatch(/WNAM\s+Western North America\s+Los Angeles\s+us-west-2 \(1312\) > us-east-1/);
    expect(r.stdout).toContain('default: us-east-1 > us-west-2 > eu-west-1 > ap-southeast-1; fallback: us-east-1 (write region)');
  });

  it.each([
    [['--env', 'nope'], 'regions.config.ts has no environment "nope"'],
    [[], '--env: is required'],
    [['--env'], '--env: needs a value'],
    [['--env', 'prod', '--yaml'], '--yaml: unknown argument'],
    [['--env', 'prod', '--config', 'no/such.config.ts'], 'no file at'],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});
