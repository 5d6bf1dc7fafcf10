import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../lib/plan';
import { configWith, env, problems } from './support/config';
import defaultConfig from '../regions.config';


describe('the default config', () => {
  it('defines dev in us-east-1 with 2 shards and one NAT gateway', () => {
    const dev = resolvePlan(defaultConfig).environments.find((e) => e.name === 'dev')!;
    expect(dev.regions.map((r) => r.name)).toEqual(['us-east-1']);
    expect(dev.shards).toBe(2);
    expect(dev.network.natGateways).toBe('one');
  });

  it("defines prod over the seed's four regions with us-east-1 writing and 16 shards", () => {
    const prod = resolvePlan(defaultConfig).environments.find((e) => e.name === 'prod')!;
    expect(prod.regions.map((r) => r.name)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1']);
    expect(prod.writeRegion).toBe('us-east-1');
    expect(prod.regions.filter((r) => r.isWriteRegion).map((r) => r.name)).toEqual(['us-east-1']);
    expect(prod.shards).toBe(16);
    expect(prod.regions.map((r) => r.cidr)).toEqual(['10.0.0.0/16', '10.3.0.0/16', '10.6.0.0/16', '10.12.0.0/16']);
  });

  it('resolves into a frozen plan', () => {
    const plan = resolvePlan(defaultConfig);
    expect(Object.isFrozen(plan.environments[0].regions[0].azs)).toBe(true);
  });
});

describe('defaults', () => {
  it('fills shards and sizes from the phase preset', () => {
    const e = resolvePlan(configWith(env({ phase: 4, quotas: { rdsClustersPerRegion: 100, rdsInstancesPerRegion: 200, rdsProxiesPerRegion: 100 } }))).environments[0];
    expect(e.shards).toBe(100);
    expect(e.network).toEqual({ natGateways: 'per-az', flowLogRetentionDays: 365 });
  });

  it("merges latency budgets over the seed's chat budget", () => {
    const e = resolvePlan(configWith(env({ latencyBudgets: { hopsMs: { gateway: 3 } } }))).environments[0];
    expect(e.latencyBudgets.hopsMs).toEqual({
      'cache.get': 2,
      'cache.set': 2,
      'client.receive': 10,
      'client.send': 10,
      'db.write': 10,
      'edge.hit': 20,
      gateway: 3,
      'kafka.produce': 5,
      lb: 1,
      'replica.read': 10,
      service: 5,
      'ws.push': 10,
    });
    expect(e.latencyBudgets.flowTargetsMs).toEqual({
      'chat.send': 30,
      'memory.read': 50,
      'memory.write': 150,
      'profile.read.cache-hit': 50,
      'profile.read.edge-hit': 50,
      'profile.read.replica-read': 50,
    });
  });

  it('takes the first region as the write region when none is named', () => {
    expect(resolvePlan(configWith(env())).environments[0].writeRegion).toBe('us-east-1');
  });

  it('accepts a region outside the catalog when its AZs and coordinates are given', () => {
    // One region only: MSK Replicator does not serve mx-central-1, so a second region would need chat-messages unreplicated.
    const azs = ['mx-central-1a', 'mx-central-1b', 'mx-central-1c'];
    const e = resolvePlan(configWith(env({ regions: [{ name: 'mx-central-1', azs, latitude: 20.6, longitude: -100.4 }] }))).environments[0];
    expect(e.regions[0]).toMatchObject({ name: 'mx-central-1', azs, cidr: '10.0.0.0/16', latitude: 20.6, longitude: -100.4 });
  });
});

describe('validation', () => {
  it('refuses an unknown region with no AZs and names the catalog', () => {
    expect(problems(configWith(env({ regions: ['us-east-1', 'xx-north-9'] }))).join('\n')).toContain(
      'environments.test.regions[1].name: region xx-north-9 is not in the region catalog; give its azs, latitude, longitude (coordinates of its ' +
        'metro area steer users to the nearest region), or use one of af-south-1,',
    );
  });

  it('refuses a duplicate region and names both places', () => {
    expect(problems(configWith(env({ regions: ['us-east-1', 'eu-west-1', 'us-east-1'] })))).toEqual([
      'environments.test.regions[2].name: duplicate region us-east-1 (also regions[0]); list each region once',
    ]);
  });

  it('refuses overlapping CIDRs and names both regions', () => {
    expect(
      problems(configWith(env({ regions: [{ name: 'us-east-1', cidr: '10.0.0.0/16' }, 'eu-west-1', { name: 'ap-south-1', cidr: '10.0.128.0/17' }] }))),
    ).toEqual([
      'environments.test.regions[2].cidr: 10.0.128.0/17 overlaps regions[0].cidr 10.0.0.0/16',
    ]);
    expect(
      problems(configWith(env({ regions: [{ name: 'us-east-1', cidr: '10.0.0.0/16' }, 'eu-west-1', { name: 'ap-south-1', cidr: '10.0.16.0/20' }] }))),
    ).toEqual(['environments.test.regions[2].cidr: 10.0.16.0/20 overlaps regions[0].cidr 10.0.0.0/16']);
  });

  it('refuses a VPC CIDR outside /16../20', () => {
    expect(problems(configWith(env({ regions: [{ name: 'us-east-1', cidr: '10.0.0.0/8' }] })))).toEqual([
      'environments.test.regions[0].cidr: 10.0.0.0/8 must be a /16../20 block, got /8',
    ]);
  });

  it('refuses a public CIDR', () => {
    expect(problems(configWith(env({ regions: [{ name: 'us-east-1', cidr: '52.0.0.0/16' }] })))).toEqual([
      'environments.test.regions[0].cidr: 52.0.0.0/16 must lie in an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
    ]);
  });

  it('refuses a write region that is not among the regions', () => {
    expect(problems(configWith(env({ writeRegion: 'ap-south-1' })))).toEqual([
      'environments.test.writeRegion: write region ap-south-1 is not among the environment\'s regions (us-east-1, eu-west-1)',
    ]);
  });

  it.each([0, -1, 4097, 2.5])('refuses %s shards', (shards) => {
    expect(problems(configWith(env({ shards })))).toEqual([`environments.test.shards: must be an integer in 1..4096, got ${shards}`]);
  });

  it.each([0, -5])('refuses a budget of %s ms', (ms) => {
    expect(problems(configWith(env({ latencyBudgets: { flowTargetsMs: { 'chat.send': ms } } })))).toEqual([
      `environments.test.latencyBudgets.flowTargetsMs.chat.send: must be a budget in milliseconds, > 0 and <= 60000, got ${ms}`,
    ]);
  });

  it('refuses an unknown phase', () => {
    expect(problems(configWith(env({ phase: 6 as never })))).toEqual(['environments.test.phase: must be one of 3, 4, 5, got 6']);
  });

  it('refuses unknown keys, catching typos', () => {
    expect(problems(configWith(env({ shard: 4 })))[0]).toMatch(/^environments\.test: Unrecognized key: "shard"/);
  });

  it('refuses AZs that belong to another region', () => {
    expect(problems(configWith(env({ regions: [{ name: 'us-east-1', azs: ['us-east-1a', 'us-west-2b'] }] })))).toEqual([
      'environments.test.regions[0].azs[1]: must be an availability zone of us-east-1 like us-east-1a, got "us-west-2b"',
    ]);
  });

  it('reports every problem at once, structural and cross-field', () => {
    const found = problems({
      environments: {
        test: env({ shards: 0, account: '42', regions: ['us-east-1', { name: 'eu-west-1', cidr: '10.0.0.0/16' }, { name: 'ap-south-1', cidr: '10.0.0.0/16' }], writeRegion: 'sa-east-1' }),
        Prod: env({ domain: 'prod.example.com' }),
      },
    });
    expect(found).toEqual([
      'environments.test.account: must be a 12-digit AWS account id, got "42"',
      'environments.test.shards: must be an integer in 1..4096, got 0',
      'environments.test.regions[2].cidr: 10.0.0.0/16 overlaps regions[1].cidr 10.0.0.0/16',
      "environments.test.writeRegion: write region sa-east-1 is not among the environment's regions (us-east-1, eu-west-1, ap-south-1)",
      'environments.Prod: environment names must be lower-case letters and digits, starting with a letter, at most 10 characters (they prefix every stack name)',
    ]);
  });

  it('refuses a config with no environments', () => {
    expect(problems({ environments: {} })).toEqual(['environments: must define at least one environment']);
  });
});

describe('context overrides', () => {
  it('-c env selects one environment', () => {
    expect(resolvePlan(defaultConfig, { env: 'prod' }).environments.map((e) => e.name)).toEqual(['prod']);
  });

  it('-c regions replaces the regions, first one writing, keeping what the file pins', () => {
    const cfg = configWith(env({ regions: ['us-east-1', { name: 'eu-west-1', cidr: '172.16.0.0/16' }] }));
    const e = resolvePlan(cfg, { regions: 'eu-west-1,ap-northeast-1' }).environments[0];
    expect(e.regions.map((r) => [r.name, r.cidr])).toEqual([['eu-west-1', '172.16.0.0/16'], ['ap-northeast-1', '10.14.0.0/16']]);
    expect(e.writeRegion).toBe('eu-west-1');
  });

  it('-c shards accepts numbers and numeric strings', () => {
    expect(resolvePlan(defaultConfig, { env: 'dev', shards: '20' }).environments[0].shards).toBe(20);
    expect(resolvePlan(defaultConfig, { env: 'dev', shards: 7 }).environments[0].shards).toBe(7);
  });

  it('reports every bad flag at once, naming each', () => {
    expect(problems(defaultConfig, { env: 'Prod!', shards: 'lots', regions: 'us-east-1,,eu-west-1' })).toEqual([
      '-c env: must be an environment name like prod, got "Prod!"',
      '-c regions: must be a comma-separated list of region names like us-east-1,eu-west-1, got "us-east-1,,eu-west-1"',
      '-c shards: must be an integer in 1..4096, got "lots"',
    ]);
  });

  it('refuses an unknown environment and lists the known ones', () => {
    expect(problems(defaultConfig, { env: 'staging' })).toEqual(['-c env: unknown environment staging; the config defines dev, prod']);
  });

  it('refuses a region that neither the catalog nor the file knows', () => {
    expect(problems(defaultConfig, { env: 'prod', regions: 'us-east-1,xx-nowhere-1' })).toEqual([
      '-c regions: region xx-nowhere-1 is neither in the region catalog nor defined in environment prod; add it with its azs to the config file',
    ]);
  });

  it('refuses a region listed twice', () => {
    expect(problems(defaultConfig, { regions: 'us-east-1,us-east-1' })).toEqual(['-c regions: lists us-east-1 more than once']);
  });

  it.each(['0', '4097', '-3', '1e3'])('refuses -c shards=%s', (v) => {
    expect(problems(defaultConfig, { shards: v })).toEqual([`-c shards: must be an integer in 1..4096, got "${v}"`]);
  });
});

describe('review.allowDestructive', () => {
  const allow = (...allowDestructive: unknown[]) => ({ ...configWith(env()), review: { allowDestructive } });

  it('resolves into the plan sorted by path, reasons trimmed, whichever environment -c env selects', () => {
    const config = allow(
      { path: 'test-us-east-1/Shards0/shard-0001/Cluster', reason: ' recreated from a snapshot, see the runbook ' },
      { path: 'gone-eu-west-1', reason: 'the gone environment is decommissioned' },
    );
    expect(resolvePlan(config, { env: 'test' }).allowDestructive).toEqual([
      { path: 'gone-eu-west-1', reason: 'the gone environment is decommissioned' },
      { path: 'test-us-east-1/Shards0/shard-0001/Cluster', reason: 'recreated from a snapshot, see the runbook' },
    ]);
    expect(resolvePlan(configWith(env())).allowDestructive).toEqual([]);
  });

  it('refuses a path that does not start with a stage, a short reason and a path listed twice, naming each', () => {
    expect(
      problems(
        allow(
          { path: 'Shards0/Cluster', reason: 'a reason long enough' },
          { path: 'test-us-east-1/Data', reason: 'short' },
          { path: 'test-us-east-1/Data', reason: 'the same path again' },
        ),
      ),
    ).toEqual([
      'review.allowDestructive[0].path: must be a construct path as `npm run -s review` prints it, starting with the stage (prod-us-east-1/Shards0/shard-0003/Cluster), got "Shards0/Cluster"',
      'review.allowDestructive[1].reason: must say why losing the resource is intended (at least 10 characters): it is printed with every review',
      'review.allowDestructive[2].path: test-us-east-1/Data is allowed already by allowDestructive[1]; list each path once',
    ]);
  });
});
