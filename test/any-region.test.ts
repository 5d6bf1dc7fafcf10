import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { catalogRegion, catalogRegionNames } from '../lib/facts/regions';
import defaultConfig from '../regions.config';
import { planOf, stagesOf } from './support/synth';

/**
 * prod with a bus every catalog region can run: Standard brokers (Express needs 3 AZs; us-west-1 has 2), two per AZ
 * (replication factor 3), a small event rate, and chat-messages kept regional (MSK Replicator does not serve every
 * region, and all-to-all replication over 19 regions would multiply each cluster's ingress by 19).
 */
const anyRegionConfig = {
  environments: {
    prod: {
      ...defaultConfig.environments.prod,
      sizes: {
        bus: { brokerType: 'kafka.m7g.large', brokersPerAz: 2, eventsPerSecond: 5000, topics: { 'chat-messages': { replication: 'none' as const } } },
      },
    },
  },
};

describe('any region list from the catalog', () => {
  it('synthesizes prod over every catalog region, passing the compliance gate, each VPC over its own AZs and CIDR', () => {
    const names = catalogRegionNames();
    const { app, stages } = stagesOf(planOf({ env: 'prod', regions: names.join(','), shards: '1' }, anyRegionConfig));
    expect(() => app.synth()).not.toThrow();
    expect(stages.map((s) => s.stageName)).toEqual(names.map((n) => `prod-${n}`));
    const cidrs = new Set<string>();
    for (const s of stages) {
      const t = Template.fromStack(s.network);
      const vpc = Object.values(t.findResources('AWS::EC2::VPC'))[0] as { Properties: { CidrBlock: string } };
      cidrs.add(vpc.Properties.CidrBlock);
      const azs = Object.values(t.findResources('AWS::EC2::Subnet')).map((r) => (r as { Properties: { AvailabilityZone: string } }).Properties.AvailabilityZone);
      expect(new Set(azs)).toEqual(new Set(catalogRegion(s.region!)!.azs));
    }
    expect(cidrs.size).toBe(names.length);
  });
});
