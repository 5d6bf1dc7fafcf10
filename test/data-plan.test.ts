import { describe, expect, it } from 'vitest';
import { resolvePlan, type EnvironmentInput } from '../lib/plan';
import { configWith, env as baseEnv, problems } from './support/config';
import { maxConnectionsLimit } from '../lib/facts/instance-classes';
import { rdsNeeds } from '../lib/plan/quota';
import { SHARDS_PER_GROUP, shardGroupOf, shardGroups } from '../lib/facts/shard-groups';
import { shardMapDocument } from '../lib/views/shard-map-document';
import defaultConfig from '../regions.config';

/** Four shards unless a test says otherwise: small enough for every default quota. */
const env = (overrides: Partial<EnvironmentInput> & Record<string, unknown> = {}): EnvironmentInput => baseEnv({ shards: 4, ...overrides });


const SIX_REGIONS = 'us-east-1,us-west-2,eu-west-1,ap-southeast-1,eu-central-1,ap-northeast-1';

describe('database sizes', () => {
  it('fills the data tier from the phase preset', () => {
    const db = resolvePlan(configWith(env({ phase: 4 }))).environments[0].database;
    expect(db).toEqual({
      instanceClass: 'db.r7g.2xlarge',
      writeRegionReaders: 1,
      readersPerRegion: 2,
      backupRetentionDays: 14,
      logRetentionDays: 90,
      proxy: true,
      memoryPartitions: 10,
      engineVersion: '17.9',
      maxConnections: 2000,
      shardGroups: [{ group: 0, shards: [0, 1, 2, 3] }],
      migrationGroups: [{ group: 0, shards: [0, 1, 2, 3] }],
    });
  });

  it("caps the seed's 2000 connections at what the instance class holds", () => {
    expect(maxConnectionsLimit('db.r7g.large')).toBe(1802);
    expect(resolvePlan(configWith(env({ phase: 3 }))).environments[0].database.maxConnections).toBe(1802);
    expect(resolvePlan(configWith(env({ sizes: { database: { instanceClass: 'db.r8g.xlarge' } } }))).environments[0].database.maxConnections).toBe(2000);
  });

  it('refuses a non-Graviton class and more connections than the class holds', () => {
    expect(problems(configWith(env({ sizes: { database: { instanceClass: 'db.r6i.large' } } })))[0]).toMatch(
      /^environments\.test\.sizes\.database\.instanceClass: must be a Graviton Aurora instance class \(db\.r6g\.12xlarge, .*\), got "db\.r6i\.large"$/,
    );
    expect(problems(configWith(env({ sizes: { database: { instanceClass: 'db.t4g.medium', maxConnections: 2000 } } })))).toEqual([
      'environments.test.sizes.database.maxConnections: 2000 is more than db.t4g.medium holds (at most 450: LEAST(memory / 9531392, 5000)); lower it or choose a larger instanceClass',
    ]);
  });

  it.each([
    [{ backupRetentionDays: 3 }, 'environments.test.sizes.database.backupRetentionDays: must be an integer in 7..35, got 3'],
    [{ readersPerRegion: 0 }, 'environments.test.sizes.database.readersPerRegion: must be an integer in 1..8, got 0'],
    [{ writeRegionReaders: 9 }, 'environments.test.sizes.database.writeRegionReaders: must be an integer in 0..8, got 9'],
    [{ memoryPartitions: 0 }, 'environments.test.sizes.database.memoryPartitions: must be an integer in 1..256, got 0'],
    [{ proxy: 'yes' }, 'environments.test.sizes.database.proxy: must be true or false, got "yes"'],
  ])('refuses database size %o', (database: Record<string, unknown>, message) => {
    expect(problems(configWith(env({ sizes: { database } as EnvironmentInput['sizes'] })))).toEqual([message]);
  });

  it('refuses a single-instance shard cluster in any region from phase 4, and allows it in phase 3', () => {
    const single = { writeRegionReaders: 0, readersPerRegion: 1 };
    expect(problems(configWith(env({ phase: 4, sizes: { database: single } })))).toEqual([
      "environments.test.sizes.database.writeRegionReaders: 1 instance per shard in the write region (the writer alone); from phase 4 every shard's cluster keeps at least 2, in different AZs: set writeRegionReaders to 1 or more, or leave it to the planner",
      "environments.test.sizes.database.readersPerRegion: 1 instance per shard in every other region; from phase 4 every shard's cluster keeps at least 2, in different AZs: set readersPerRegion to 2 or more, or leave it to the planner",
    ]);
    expect(resolvePlan(configWith(env({ phase: 3, sizes: { database: single } }))).environments[0].database).toMatchObject(single);
    // Left to the planner, phase 4 keeps a writer and a reader in the write region and two readers elsewhere.
    expect(resolvePlan(configWith(env({ phase: 4 }))).environments[0].database).toMatchObject({ writeRegionReaders: 1, readersPerRegion: 2 });
  });

  it('gives each region the CIDRs of its private subnets as the compute ranges', () => {
    const prod = resolvePlan(defaultConfig).environments.find((e) => e.name === 'prod')!;
    expect(prod.regions[0].computeCidrs).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
  });
});

describe('quota preflight', () => {
  it('passes the default config (prod: 16 shards, 32 instances in the write region)', () => {
    const prod = resolvePlan(defaultConfig).environments.find((e) => e.name === 'prod')!;
    expect(rdsNeeds({ shards: prod.shards, ...prod.database }, true)).toEqual({ clusters: 16, instances: 32, proxies: 16 });
    expect(prod.quotas).toEqual({ clustersPerRegion: 40, instancesPerRegion: 40, proxiesPerRegion: 20 });
  });

  it('refuses 128 shards over six regions without raised quotas, saying what is needed and how to declare it', () => {
    expect(problems(defaultConfig, { env: 'prod', shards: 128, regions: SIX_REGIONS })).toEqual([
      'environments.prod.quotas.rdsClustersPerRegion: 128 shards need 128 Aurora DB clusters in us-east-1, us-west-2, eu-west-1, ap-southeast-1, eu-central-1, ap-northeast-1, more than the AWS default quota of 40 per region. Raise the Amazon RDS quota "DB clusters" in Service Quotas for those regions, then declare it: quotas.rdsClustersPerRegion: 128 in regions.config.ts, or -c rdsClusterQuota=128',
      'environments.prod.quotas.rdsInstancesPerRegion: 128 shards need 256 Aurora DB instances in us-east-1, us-west-2, eu-west-1, ap-southeast-1, eu-central-1, ap-northeast-1, more than the AWS default quota of 40 per region. Raise the Amazon RDS quota "DB instances" in Service Quotas for those regions, then declare it: quotas.rdsInstancesPerRegion: 256 in regions.config.ts, or -c rdsInstanceQuota=256',
      'environments.prod.quotas.rdsProxiesPerRegion: 128 shards need 128 RDS proxies in us-east-1, us-west-2, eu-west-1, ap-southeast-1, eu-central-1, ap-northeast-1, more than the AWS default quota of 20 per region. Raise the Amazon RDS quota "Proxies" in Service Quotas for those regions, then declare it: quotas.rdsProxiesPerRegion: 128 in regions.config.ts, or -c rdsProxyQuota=128',
    ]);
  });

  it('accepts 128 shards once the raised quotas are declared, with -c flags or in the file', () => {
    const flags = { env: 'prod', shards: 128, regions: SIX_REGIONS, rdsClusterQuota: '128', rdsInstanceQuota: '256', rdsProxyQuota: 128 };
    expect(resolvePlan(defaultConfig, flags).environments[0].quotas).toEqual({ clustersPerRegion: 128, instancesPerRegion: 256, proxiesPerRegion: 128 });
    const inFile = env({ shards: 128, quotas: { rdsClustersPerRegion: 128, rdsInstancesPerRegion: 256, rdsProxiesPerRegion: 128 } });
    expect(resolvePlan(configWith(inFile)).environments[0].shards).toBe(128);
  });

  it('says "declared" when a declared quota is still too low, and counts no proxies when there are none', () => {
    const e = env({ shards: 50, sizes: { database: { proxy: false, writeRegionReaders: 0 } }, quotas: { rdsClustersPerRegion: 45, rdsInstancesPerRegion: 60 } });
    expect(problems(configWith(e))).toEqual([
      'environments.test.quotas.rdsClustersPerRegion: 50 shards need 50 Aurora DB clusters in us-east-1, eu-west-1, more than the declared quota of 45 per region. Raise the Amazon RDS quota "DB clusters" in Service Quotas for those regions, then declare it: quotas.rdsClustersPerRegion: 50 in regions.config.ts, or -c rdsClusterQuota=50',
    ]);
  });

  it.each([['rdsClusterQuota', '0'], ['rdsInstanceQuota', 'many'], ['rdsProxyQuota', '1.5']])('refuses -c %s=%s', (flag, value) => {
    expect(problems(defaultConfig, { [flag]: value })).toEqual([
      `-c ${flag}: must be the raised quota per region, an integer in 1..10000, got ${JSON.stringify(value)}`,
    ]);
  });
});

describe('shard groups', () => {
  it('packs shards into fixed groups of 16 that do not depend on the shard count', () => {
    expect(SHARDS_PER_GROUP).toBe(16);
    expect(shardGroups(33).map((g) => [g.group, g.shards[0], g.shards.at(-1)])).toEqual([[0, 0, 15], [1, 16, 31], [2, 32, 32]]);
    for (const n of [1, 17, 128, 4096]) {
      for (const g of shardGroups(n)) for (const s of g.shards) expect(shardGroupOf(s)).toBe(g.group);
    }
  });

  it('are carried by the plan: 16 shards per shard-group stack, 64 per migrations stack', () => {
    const quotas = { rdsClustersPerRegion: 130, rdsInstancesPerRegion: 260, rdsProxiesPerRegion: 130 };
    const { database } = resolvePlan(configWith(env({ shards: 130, quotas }))).environments[0];
    expect(database.shardGroups.map((g) => [g.group, g.shards[0], g.shards.at(-1)])).toEqual([
      [0, 0, 15], [1, 16, 31], [2, 32, 47], [3, 48, 63], [4, 64, 79], [5, 80, 95], [6, 96, 111], [7, 112, 127], [8, 128, 129],
    ]);
    expect(database.migrationGroups.map((g) => [g.group, g.shards[0], g.shards.at(-1)])).toEqual([[0, 0, 63], [1, 64, 127], [2, 128, 129]]);
  });
});

describe('shard map document', () => {
  it('names every shard endpoint of a region from deterministic names only', () => {
    const prod = resolvePlan(defaultConfig).environments.find((e) => e.name === 'prod')!;
    const west = shardMapDocument(prod, prod.regions.find((r) => r.name === 'us-west-2')!);
    expect(west).toMatchObject({ buckets: 4096, shardCount: 16, region: 'us-west-2', writeRegion: 'us-east-1', port: 5432 });
    expect(west.shards).toHaveLength(16);
    expect(west.shards[7]).toEqual({
      shard: 7,
      name: 'shard-0007',
      writer: 'writer.shard-0007.db.prod.gigascale.internal',
      reader: 'reader.shard-0007.db.prod.gigascale.internal',
      proxy: 'proxy.shard-0007.db.prod.gigascale.internal',
      proxyMode: 'read-only',
      secretName: 'gigascale/prod/shard-0007/master',
    });
    expect(shardMapDocument(prod, prod.regions[0]).shards[0].proxyMode).toBe('read-write');
  });
});
