import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../lib/plan';
import { partitionsFor, topicMBps } from '../lib/facts/topics';
import { configWith, env, problems } from './support/config';
import { planOf } from './support/synth';

const bus = (sizes: Record<string, unknown>, overrides: Record<string, unknown> = {}) => configWith(env({ sizes: { bus: sizes }, ...overrides }));

describe('topic partitions from the event-rate target', () => {
  it('gives phase 4 (500K events/s of 1 KiB per region, 5 MB/s per partition) 52, 512, 11 and 11 partitions', () => {
    // 512 MB/s: user-actions 0.5 -> 256 MB/s / 5 = 51.2 -> 52; 0.1 -> 51.2 / 5 = 10.24 -> 11; chat 0.3 -> 153.6 MB/s
    // needs 31 for its consumers but is replicated: 153.6 / 0.3 MB/s per partition for MSK Replicator = 512.
    const topics = resolvePlan(configWith(env({ phase: 4, shards: 4, sizes: { bus: { eventsPerSecond: 500_000 } } }))).environments[0].bus.topics;
    expect(topics.map((t) => [t.name, t.mbPerSecond, t.partitions])).toEqual([
      ['user-actions', 256, 52],
      ['chat-messages', 153.6, 512],
      ['memory-events', 51.2, 11],
      ['push-notifications', 51.2, 11],
    ]);
  });

  it('gives phase 5 (2.5M events/s per region, the seed 10M over four regions) 256, 2560, 52 and 52 partitions', () => {
    // 2560 MB/s: 1280 / 5 = 256 exactly; chat 768 MB/s replicated: 768 / 0.3 = 2560; 256 / 5 = 51.2 -> 52.
    const topics = resolvePlan(configWith(env({ phase: 5, shards: 4, sizes: { bus: { eventsPerSecond: 2_500_000 } } })), { rdsProxyQuota: 100 }).environments[0].bus.topics;
    expect(topics.map((t) => t.partitions)).toEqual([256, 2560, 52, 52]);
  });

  it('never gives fewer partitions than minPartitions (phase 3: 5.12 MB/s would need 2)', () => {
    const oneRegion = resolvePlan(configWith(env({ regions: ['us-east-1'] }))).environments[0].bus.topics;
    expect(oneRegion.map((t) => t.partitions)).toEqual([6, 6, 6, 6]);
    expect(partitionsFor({ eventsPerSecond: 10_000, meanEventBytes: 1024, partitionMBps: 5, minPartitions: 1 }, 0.5)).toBe(2);
  });

  it('does not round a quotient that is whole up to the next partition because of floating point', () => {
    // 70000 x 0.03 x 1000 / 10^6 / 0.7 is 3.0000000000000004 in binary floating point.
    expect(topicMBps({ eventsPerSecond: 70_000, meanEventBytes: 1000 }, 0.03) / 0.7).toBeGreaterThan(3);
    expect(partitionsFor({ eventsPerSecond: 70_000, meanEventBytes: 1000, partitionMBps: 0.7, minPartitions: 1 }, 0.03)).toBe(3);
  });

  it('gives a replicated topic the partitions MSK Replicator needs, and replicates nothing in a one-region environment', () => {
    // Two regions: chat-messages 3.072 MB/s / 0.3 = 10.24 -> 11. One region: not replicated, the floor of 6.
    const two = resolvePlan(bus({ eventsPerSecond: 10_000 })).environments[0].bus.topics.find((t) => t.name === 'chat-messages');
    expect(two).toMatchObject({ partitions: 11, replication: 'all-regions' });
    const one = resolvePlan(configWith(env({ regions: ['us-east-1'] }))).environments[0].bus.topics.find((t) => t.name === 'chat-messages');
    expect(one).toMatchObject({ partitions: 6, replication: 'none' });
    expect(partitionsFor({ eventsPerSecond: 100_000, meanEventBytes: 1000, partitionMBps: 5, minPartitions: 1 }, 0.5, 'all-regions')).toBe(167);
  });

  it('never gives fewer partitions to a higher event rate', () => {
    let last = 0;
    for (let rate = 1000; rate <= 5_000_000; rate = Math.round(rate * 1.37)) {
      const n = partitionsFor({ eventsPerSecond: rate, meanEventBytes: 700, partitionMBps: 4, minPartitions: 3 }, 0.3);
      expect(n).toBeGreaterThanOrEqual(last);
      last = n;
    }
  });

  it('merges topic settings from the config over the defaults, topic by topic', () => {
    const topics = resolvePlan(
      bus({ topics: { 'user-actions': { share: 0.4, retentionHours: 168 }, 'memory-events': { share: 0.2 } } }),
    ).environments[0].bus.topics;
    expect(topics.find((t) => t.name === 'user-actions')).toMatchObject({ share: 0.4, retentionHours: 168, replication: 'none' });
    expect(topics.find((t) => t.name === 'memory-events')).toMatchObject({ share: 0.2, retentionHours: 72 });
    expect(topics.find((t) => t.name === 'chat-messages')).toMatchObject({ share: 0.3, replication: 'all-regions', producers: ['chat'], consumers: ['chat'] });
  });
});

describe('brokers, ingress and storage per region', () => {
  it('sizes the default prod regions: 6 Express brokers taking 512 MB/s of their own and 3 x 153.6 of replicated chat', () => {
    // prod's 2M events/s over 4 regions: 500K x 1024 B = 512 MB/s, chat's 0.3 of it from 3 other regions;
    // 972.8 x 1.3 / (3 AZs x 250 MB/s) = 1.69 -> 2 brokers per AZ.
    const prod = planOf({ env: 'prod' }).environments[0];
    expect(prod.bus).toMatchObject({ brokerType: 'express.m7g.8xlarge', express: true, kafkaVersion: '3.8.x', brokersPerAz: 2 });
    expect(prod.capacity.brokersPerAz).toMatchObject({ value: 2, binding: 'ingress' });
    for (const r of prod.regions) {
      expect(r.bus).toEqual({
        brokers: 6,
        ingressMBps: 972.8,
        storageGiBPerBroker: null,
        replicationSource: true,
        replicationSources: prod.regions.filter((o) => o.name !== r.name).map((o) => o.name),
      });
    }
  });

  it("sizes Standard brokers' volumes for every topic's retention, x3 replicas, 25 % free, in 100 GiB steps", () => {
    // (5.12 MB/s x 72 h + 3.072 x 24 h + 1.024 x 72 h + 1.024 x 24 h) = 1.9464192e12 B; x 3 x 1.25 / 3 brokers = 2266 GiB -> 2300.
    const e = resolvePlan(bus({ eventsPerSecond: 10_000 }, { regions: ['us-east-1'] })).environments[0];
    expect(e.bus).toMatchObject({ brokerType: 'kafka.m7g.large', express: false, kafkaVersion: '3.9.x' });
    expect(e.regions[0].bus).toEqual({ brokers: 3, ingressMBps: 10.24, storageGiBPerBroker: 2300, replicationSource: false, replicationSources: [] });
    // dev keeps the 10K events/s its volumes were first sized for (MSK cannot shrink them).
    expect(planOf({ env: 'dev' }).environments[0].regions[0].bus).toEqual(e.regions[0].bus);
  });

  it('goes off -> sources -> on with -c replication, keeping the sizes of the replicated steady state throughout', () => {
    const [off, sources, on] = (['off', 'sources', 'on'] as const).map((replication) => planOf({ env: 'prod', replication }).environments[0]);
    expect([off, sources, on].map((e) => e.crossRegionReplication)).toEqual(['off', 'sources', 'on']);
    expect([off, sources, on].map((e) => e.media.replication)).toEqual(['none', 'all-regions', 'all-regions']);
    expect(off.regions[1].bus).toEqual({ ...on.regions[1].bus, replicationSource: false, replicationSources: [] });
    expect(sources.regions[1].bus).toEqual({ ...on.regions[1].bus, replicationSources: [] });
    expect(on.regions[1].bus.replicationSources).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    expect(off.bus.topics).toEqual(on.bus.topics);
    expect(planOf({ env: 'prod' }).environments[0].crossRegionReplication).toBe('on');
  });
});

describe('bus sizing errors', () => {
  it('refuses more ingress than the brokers sustain, naming the figures and the brokersPerAz that fits', () => {
    expect(problems(bus({ eventsPerSecond: 20_000, brokersPerAz: 1 }), {})).toEqual([
      'environments.test.sizes.bus.brokersPerAz: us-east-1 takes 26.624 MB/s at peak (20000 events/s x 1024 B, plus chat-messages from 1 other region(s)), more than 3 x kafka.m7g.large sustain (4.8 MB/s each, 14.4 MB/s): set brokersPerAz to at least 2 or choose a larger brokerType',
      'environments.test.sizes.bus.brokersPerAz: eu-west-1 takes 26.624 MB/s at peak (20000 events/s x 1024 B, plus chat-messages from 1 other region(s)), more than 3 x kafka.m7g.large sustain (4.8 MB/s each, 14.4 MB/s): set brokersPerAz to at least 2 or choose a larger brokerType',
    ]);
    expect(() => resolvePlan(bus({ eventsPerSecond: 20_000, brokersPerAz: 2 }))).not.toThrow();
  });

  it('refuses Express brokers in a region without three availability zones', () => {
    expect(problems(bus({ brokerType: 'express.m7g.large' }, { regions: ['us-west-1'] }))).toContain(
      'environments.test.sizes.bus.brokerType: express.m7g.large is an Express broker, which MSK runs in exactly 3 availability zones; us-west-1 has 2 (us-west-1b, us-west-1c): choose a kafka.m7g.* type or give the region 3 azs',
    );
  });

  it('refuses fewer brokers than the replication factor', () => {
    expect(problems(bus({ eventsPerSecond: 1000, brokersPerAz: 1 }, { regions: ['us-west-1'] }))).toEqual([
      'environments.test.sizes.bus.brokersPerAz: us-west-1 would have 2 brokers (1 x 2 AZs), fewer than the replication factor 3; set brokersPerAz to at least 2',
    ]);
  });

  it('refuses topic shares that do not add up to 1', () => {
    expect(problems(bus({ topics: { 'user-actions': { share: 0.6 } } }))).toEqual([
      'environments.test.sizes.bus.topics: the topics\' shares of the events must add up to 1, got 1.1 (user-actions 0.6, chat-messages 0.3, memory-events 0.1, push-notifications 0.1)',
    ]);
  });

  it('refuses more partition replicas per broker than the broker type supports', () => {
    const issues = problems(bus({ partitionMBps: 0.005, eventsPerSecond: 10_000, brokersPerAz: 1 }));
    expect(issues[0]).toMatch(/^environments\.test\.sizes\.bus\.partitionMBps: us-east-1: \d+ partition replicas over 3 brokers is \d+ per broker, more than kafka\.m7g\.large supports \(1000\); raise partitionMBps, add brokers or choose a larger brokerType$/);
  });

  it('refuses retention that needs more than the 16 TiB a Standard broker volume holds', () => {
    // 5.12 MB/s x 2000 h + 6.144 (chat of both regions) x 24 h + 1.024 x 72 h + 1.024 x 24 h = 3.775e13 B; x 3 x 1.25 / 3 = 43945 GiB.
    expect(problems(bus({ eventsPerSecond: 10_000, brokersPerAz: 1, topics: { 'user-actions': { retentionHours: 2000 } } }))).toEqual([
      'environments.test.sizes.bus.brokersPerAz: us-east-1: the topics\' retention needs 44000 GiB per broker, more than MSK allows (16384); add brokers, shorten retentionHours or use Express brokers (managed storage)',
      'environments.test.sizes.bus.brokersPerAz: eu-west-1: the topics\' retention needs 44000 GiB per broker, more than MSK allows (16384); add brokers, shorten retentionHours or use Express brokers (managed storage)',
    ]);
  });

  it('refuses replicated topics in a region MSK Replicator does not run in', () => {
    expect(problems(configWith(env({ regions: ['us-east-1', 'af-south-1'] })))).toContain(
      'environments.test.sizes.bus.topics: chat-messages replicate to all regions, but MSK Replicator does not run in af-south-1; set their replication to "none" or leave those regions out',
    );
  });

  it('refuses unknown topics, broker types, cache node types and out-of-range sizes by path', () => {
    const issues = problems(
      configWith(
        env({
          sizes: {
            // @ts-expect-error a misspelt topic: the config's type refuses it as validation does
            bus: { brokerType: 'kafka.m5.large', partitionMBps: 16, topics: { 'user-action': { share: 0.5 } } },
            cache: { nodeType: 'cache.r6i.large', replicasPerShard: 0 },
            media: { infrequentAccessAfterDays: 7 },
          },
          caching: { l2: { entityListSeconds: 0 } },
        }),
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\.test\.sizes\.bus\.brokerType: must be an MSK m7g broker type \(express\.m7g\.12xlarge, .*\), got "kafka\.m5\.large"$/),
        'environments.test.sizes.bus.partitionMBps: must be a number > 0 and <= 15, got 16',
        'environments.test.sizes.bus.topics.user-action: unknown topic; topics are declared in lib/facts/topics.ts: user-actions, chat-messages, memory-events, push-notifications',
        expect.stringMatching(/^environments\.test\.sizes\.cache\.nodeType: must be a Graviton ElastiCache node type \(.*\), got "cache\.r6i\.large"$/),
        'environments.test.sizes.cache.replicasPerShard: must be an integer in 1..5, got 0',
        'environments.test.sizes.media.infrequentAccessAfterDays: must be an integer in 30..3650, got 7',
        'environments.test.caching.l2.entityListSeconds: must be an integer in 1..31536000, got 0',
      ]),
    );
  });

  it('refuses a bad -c replication value', () => {
    expect(problems(configWith(env()), { replication: 'yes' })).toEqual([
      '-c replication: must be off, sources or on (off, then sources, then on for the first deploy of an environment), got "yes"',
    ]);
  });
});

describe('cache and media sizes', () => {
  it('fills the cache from the phase preset and the planner with the pinned Valkey engine, and the TTLs from the seed', () => {
    const e = resolvePlan(configWith(env({ phase: 4, shards: 4, caching: { l1Seconds: 10 } }))).environments[0];
    expect(e.cache).toEqual({
      nodeType: 'cache.r7g.xlarge',
      shards: 1, // planned: 100,000 users need one shard's operations and memory
      replicasPerShard: 2,
      snapshotRetentionDays: 14,
      logRetentionDays: 90,
      engine: 'valkey',
      engineVersion: '8.0',
      parameterGroupFamily: 'valkey8',
    });
    expect(e.caching).toEqual({
      l1Seconds: 10,
      l2: { sessionSeconds: 86_400, entityListSeconds: 300, entitySeconds: 300, presenceSeconds: 60, memorySeconds: 600 },
      l3: { publicProfileSeconds: 300, publicProfileBrowserSeconds: 60, staticAssetSeconds: 31_536_000 },
    });
    expect(e.media).toEqual({ replication: 'all-regions', infrequentAccessAfterDays: 30, noncurrentVersionExpirationDays: 90, accessLogExpirationDays: 365 });
  });
});
