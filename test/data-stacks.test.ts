import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { measureTemplate } from '../lib/facts/limits';
import { configWith, env } from './support/config';
import { planOf, stage, stagesOf } from './support/synth';
import type { RegionStage } from '../stacks/stage';

const TWO_REGIONS = 'us-east-1,eu-west-1';

/** Template text of every stack of the assemblies (one per stage) by stack name, as written to disk. */
function templates(assemblies: readonly CloudAssembly[]): Map<string, string> {
  return new Map(assemblies.flatMap((a) => a.stacks.map((s) => [s.stackName, readFileSync(s.templateFullPath, 'utf8')] as const)));
}

/**
 * Template text of every stack of the stages, synthesized stage by stage: the templates are the ones the app
 * writes, without the validation plugins, which aws-cdk-lib runs only when the whole app is synthesized (what these
 * tests compare is bytes; the gate over shard groups has its own test below).
 */
function stageTemplates(stages: readonly RegionStage[]): Map<string, string> {
  return templates(stages.map((s) => s.synth()));
}

function synthTemplates(shards: number): Map<string, string> {
  return stageTemplates(stagesOf(planOf({ env: 'prod', regions: TWO_REGIONS, shards, rdsInstanceQuota: 2 * shards, rdsProxyQuota: shards })).stages);
}

describe('prod data tier (16 shards, us-east-1 writing)', () => {
  let stages: RegionStage[];
  let primary: Template;
  let secondary: Template;
  let data: Template;

  beforeAll(() => {
    ({ stages } = stagesOf(planOf({ env: 'prod' })));
    primary = Template.fromStack(stage(stages, 'prod-us-east-1').shardGroups[0]);
    secondary = Template.fromStack(stage(stages, 'prod-eu-west-1').shardGroups[0]);
    data = Template.fromStack(stage(stages, 'prod-us-east-1').data);
  });

  it('puts the 16 shards into one shard-group stack per region, named <env>-<region>-shards-<k>', () => {
    for (const s of stages.filter((x) => x.stageName.startsWith('prod-'))) {
      expect(s.shardGroups.map((g) => g.stackName)).toEqual([`${s.stageName}-shards-0`]);
    }
    primary.resourceCountIs('AWS::RDS::DBCluster', 16);
    secondary.resourceCountIs('AWS::RDS::DBCluster', 16);
  });

  it('creates one global cluster per shard in the write region only, with a deterministic identifier', () => {
    primary.resourceCountIs('AWS::RDS::GlobalCluster', 16);
    secondary.resourceCountIs('AWS::RDS::GlobalCluster', 0);
    primary.hasResource('AWS::RDS::GlobalCluster', {
      Properties: {
        GlobalClusterIdentifier: 'gigascale-prod-shard-0007',
        Engine: 'aurora-postgresql',
        EngineVersion: '17.9',
        StorageEncrypted: true,
        DeletionProtection: true,
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('makes the primary cluster encrypted, IAM-authenticated, protected and snapshotted on delete or replace', () => {
    primary.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        DBClusterIdentifier: 'gigascale-prod-shard-0007',
        GlobalClusterIdentifier: { Ref: Match.stringLikeRegexp('^shard0007GlobalCluster') },
        Engine: 'aurora-postgresql',
        EngineVersion: '17.9',
        DatabaseName: 'gigascale',
        MasterUsername: 'gigascale_admin',
        MasterUserPassword: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'prod-us-east-1-data' }) },
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 14,
        EnableCloudwatchLogsExports: ['postgresql'],
        Port: 5432,
      }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  it('joins every other region as a secondary with write forwarding and no credentials of its own', () => {
    const clusters = Object.values(secondary.findResources('AWS::RDS::DBCluster')) as { Properties: Record<string, unknown> }[];
    expect(clusters[7].Properties).toMatchObject({
      DBClusterIdentifier: 'gigascale-prod-shard-0007',
      GlobalClusterIdentifier: 'gigascale-prod-shard-0007',
      EnableGlobalWriteForwarding: true,
      StorageEncrypted: true,
      DeletionProtection: true,
    });
    for (const c of clusters) {
      expect(c.Properties).not.toHaveProperty('MasterUsername');
      expect(c.Properties).not.toHaveProperty('MasterUserPassword');
    }
    secondary.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('gives every shard two instances in two AZs in every region (writer and reader, two readers elsewhere), Graviton with Performance Insights', () => {
    primary.resourceCountIs('AWS::RDS::DBInstance', 32);
    secondary.resourceCountIs('AWS::RDS::DBInstance', 32);
    primary.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'gigascale-prod-shard-0007-1',
      DBInstanceClass: 'db.r7g.2xlarge',
      PubliclyAccessible: false,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: Match.anyValue(),
      MonitoringInterval: 60,
    });
    // Consecutive instances in consecutive AZs, the first turning with the shard: shard 7's writer in the second
    // AZ (7 mod 3), its reader in the third; the writers of the region spread over its three AZs.
    const azOf = (template: Template, id: string) =>
      Object.values(template.findResources('AWS::RDS::DBInstance')).find((r) => r.Properties.DBInstanceIdentifier === id)!.Properties.AvailabilityZone;
    expect([azOf(primary, 'gigascale-prod-shard-0007-0'), azOf(primary, 'gigascale-prod-shard-0007-1')]).toEqual(['us-east-1b', 'us-east-1c']);
    expect([azOf(secondary, 'gigascale-prod-shard-0008-0'), azOf(secondary, 'gigascale-prod-shard-0008-1')]).toEqual(['eu-west-1c', 'eu-west-1a']);
    const writers = Object.values(primary.findResources('AWS::RDS::DBInstance')).filter((r) => r.Properties.DBInstanceIdentifier.endsWith('-0'));
    expect(new Set(writers.map((r) => r.Properties.AvailabilityZone))).toEqual(new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
  });

  it('keeps master credentials in a named, KMS-encrypted secret rotated every 30 days', () => {
    primary.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'gigascale/prod/shard-0007/master',
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"gigascale_admin"}', GenerateStringKey: 'password' }),
    });
    primary.resourceCountIs('AWS::SecretsManager::RotationSchedule', 16);
    primary.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
    });
  });

  it('fronts each shard with an IAM-only, TLS-only proxy; read-only endpoints in secondary regions', () => {
    primary.hasResourceProperties('AWS::RDS::DBProxy', {
      DBProxyName: 'gigascale-prod-shard-0007',
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      DefaultAuthScheme: 'IAM_AUTH',
    });
    primary.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      ConnectionPoolConfigurationInfo: Match.objectLike({ MaxConnectionsPercent: 90 }),
    });
    primary.resourceCountIs('AWS::RDS::DBProxyEndpoint', 0);
    secondary.hasResourceProperties('AWS::RDS::DBProxyEndpoint', { DBProxyEndpointName: 'gigascale-prod-shard-0007-ro', TargetRole: 'READ_ONLY' });
  });

  it("lets the proxies connect only as the services' and the probe's users of their own clusters", () => {
    const [policy] = Object.values(primary.findResources('AWS::IAM::ManagedPolicy', { Properties: { PolicyDocument: { Statement: [Match.objectLike({ Action: 'rds-db:connect' })] } } }));
    const resources = (policy.Properties.PolicyDocument.Statement[0].Resource as { 'Fn::Join': [string, unknown[]] }[]).map((r) => {
      const [prefix, cluster, user] = r['Fn::Join'][1] as [string, { 'Fn::GetAtt': [string, string] }, string];
      return `${prefix}<${cluster['Fn::GetAtt'][0].replace(/Cluster[0-9A-F]{8}$/, '')}>${user}`;
    });
    const shards = [...new Set(resources.map((r) => /<(shard\d{4})>/.exec(r)![1]))];
    expect(shards.length).toBeGreaterThan(1);
    expect([...resources].sort()).toEqual(shards.flatMap((shard) => ['/gigascale_app', '/gigascale_probe'].map((user) => `arn:aws:rds-db:us-east-1:222222222222:dbuser:<${shard}>${user}`)).sort());
  });

  it('publishes writer, reader and proxy names of every shard in the private zone', () => {
    primary.resourceCountIs('AWS::Route53::RecordSet', 48);
    for (const role of ['writer', 'reader', 'proxy']) {
      secondary.hasResourceProperties('AWS::Route53::RecordSet', { Name: `${role}.shard-0007.db.prod.gigascale.internal.`, Type: 'CNAME', TTL: '30' });
    }
    data.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'db.prod.gigascale.internal.', VPCs: [Match.objectLike({ VPCRegion: 'us-east-1' })] });
  });

  it('admits PostgreSQL to the databases only from the compute subnets, the proxies and secret rotation', () => {
    const ingress = Object.values(data.findResources('AWS::EC2::SecurityGroup'))
      .map((r) => r as { Properties: { GroupDescription: string; SecurityGroupIngress?: { CidrIp: string; FromPort: number }[] } })
      .find((r) => r.Properties.GroupDescription.startsWith('Aurora shards'))!.Properties.SecurityGroupIngress!;
    expect(ingress.map((i) => [i.CidrIp, i.FromPort])).toEqual([['10.0.0.0/18', 5432], ['10.0.64.0/18', 5432], ['10.0.128.0/18', 5432]]);
    data.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    data.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, ToPort: 5432, Description: 'PostgreSQL from the proxies' });
  });

  it('uses the compute CIDRs of the plan that the VPC really has for its private subnets', () => {
    const net = Template.fromStack(stage(stages, 'prod-us-east-1').network);
    const privateCidrs = Object.entries(net.findResources('AWS::EC2::Subnet'))
      .filter(([id]) => id.includes('Private'))
      .map(([, r]) => (r as { Properties: { CidrBlock: string } }).Properties.CidrBlock);
    expect(privateCidrs).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
  });

  it('sets the cluster parameters: TLS forced, the connection limit, slow statements logged', () => {
    data.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql17',
      Parameters: Match.objectLike({ 'rds.force_ssl': '1', 'max_connections': '2000', 'log_min_duration_statement': '500', 'aurora_fwd_writer_max_connections_pct': '10' }),
    });
    data.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: Match.arrayWith([Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('Isolated') }) })]) });
  });

  it('encrypts with a rotating per-region key and creates the PostgreSQL log groups, retained', () => {
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    data.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/prod/data' });
    primary.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/rds/cluster/gigascale-prod-shard-0007/postgresql', RetentionInDays: 90, KmsKeyId: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }) },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('adding shards', () => {
  // A group holds 16 shards: 16 -> 17 opens a second group, 17 -> 18 adds to it. Each count is synthesized once.
  const synthesized = new Map<number, Map<string, string>>();
  const templatesOf = (shards: number) => synthesized.get(shards) ?? synthesized.set(shards, synthTemplates(shards)).get(shards)!;

  it('opens a new group when the last is full: 16 -> 17 shards adds shards-1 and its alarms, and changes only the shard map and the region composite', () => {
    const before = templatesOf(16);
    const after = templatesOf(17);
    const added = [...after.keys()].filter((k) => !before.has(k)).sort();
    expect(added).toEqual(['prod-eu-west-1-shard-alarms-1', 'prod-eu-west-1-shards-1', 'prod-us-east-1-shard-alarms-1', 'prod-us-east-1-shards-1']);
    // The compute stacks carry the service config ConfigMap (the shard map has a shard more); the write region's
    // migrations-0 gains the new shard's Job and secret class; the region composites name the new group's composite.
    const changed = [...before.keys()].filter((name) => after.get(name) !== before.get(name)).sort();
    // The backup stacks select every shard by a wildcard: they do not change.
    expect(changed).toEqual([
      'prod-eu-west-1-compute',
      'prod-eu-west-1-observability',
      'prod-us-east-1-compute',
      'prod-us-east-1-migrations-0',
      'prod-us-east-1-observability',
    ]);
  });

  it('changes only the last group, its alarms, the dashboards and the shard map: 17 -> 18 shards leaves every other template byte-identical', () => {
    const before = templatesOf(17);
    const after = templatesOf(18);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k)).sort();
    expect(changed).toEqual([
      'prod-eu-west-1-compute',
      'prod-eu-west-1-observability',
      'prod-eu-west-1-shard-alarms-1',
      'prod-eu-west-1-shards-1',
      'prod-us-east-1-compute',
      'prod-us-east-1-migrations-0',
      'prod-us-east-1-observability',
      'prod-us-east-1-shard-alarms-1',
      'prod-us-east-1-shards-1',
    ]);
  });
});

describe('128 shards, the write region and a secondary', () => {
  // What grows with the shard count is the same in every secondary region. What grows with the region count (bus
  // replicators, bucket replication destinations) goes through the gate over the default prod's four regions in the
  // default synth and over six in media-stack's test; six regions x 128 shards (bench/stress.config.ts) go through
  // it in `npm run bench:synth`.
  it('passes the compliance gate and the limits guard, 8 shard groups per region', () => {
    const { app, stages } = stagesOf(planOf({ env: 'prod', regions: TWO_REGIONS, shards: 128, rdsClusterQuota: 128, rdsInstanceQuota: 256, rdsProxyQuota: 128 }));
    const sizes = [...templates(app.synth().nestedAssemblies.map((n) => n.nestedAssembly)).entries()].map(([name, text]) => ({ name, resources: Object.keys((JSON.parse(text) as { Resources: object }).Resources).length, bytes: text.length }));
    for (const s of stages) expect(s.shardGroups).toHaveLength(8);
    // Per region: network, data, cache, media, bus, ingress, compute, backup, observability, chaos, 8 shard groups and
    // their 8 alarm stacks; in the write region two migrations stacks of 64 shards each.
    expect(sizes).toHaveLength(2 * 26 + 2);
    expect(stages.map((s) => s.migrations.length)).toEqual([2, 0]);
    expect(Math.max(...sizes.map((s) => s.resources))).toBeLessThanOrEqual(400);
    expect(Math.max(...sizes.map((s) => s.bytes))).toBeLessThanOrEqual(800_000);
  });
});

describe('the largest shard shape the config allows', () => {
  it('keeps a full group of 16 shards with 8 readers each under the 400-resource guard, rotation stacks counted', () => {
    const config = configWith(env({ regions: ['us-east-1'], shards: 16, sizes: { database: { writeRegionReaders: 8 } }, quotas: { rdsInstancesPerRegion: 144 } }));
    const text = stageTemplates(stagesOf(planOf({}, config)).stages).get('test-us-east-1-shards-0')!;
    // 22 per shard (14 + 7 more readers + the rotation's nested stack) and the group's proxy role and policy; the CDK
    // CLI adds one more, CDKMetadata, which this in-memory app leaves out.
    expect(measureTemplate('g', text).resources).toBe(16 * 22 + 2);
  });
});
