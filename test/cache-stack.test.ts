import { beforeAll, describe, expect, it } from 'vitest';
import { Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { cacheUsers, DISABLED_DEFAULT_ACCESS, PROBE_CACHE_ACCESS, PROBE_CACHE_KEY_PREFIX } from '../lib/facts/cache-acl';
import type { CachePlan, EnvironmentPlan } from '../lib/plan';
import { REGION_CATALOG } from '../lib/facts/regions';
import { CACHE_KEY_PREFIX, cacheServices } from '../lib/facts/services';
import { CacheStack } from '../stacks/cache/cache-stack';
import { MAINTENANCE_WINDOW, SNAPSHOT_WINDOW } from '../stacks/cache/valkey-cluster';
import { NetworkStack } from '../stacks/network/network-stack';
import type { RegionStage } from '../stacks/stage';
import { newApp, planOf, stage, stagesOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

let environment: EnvironmentPlan;
let dev: RegionStage;
let template: Template;

beforeAll(() => {
  const plan = planOf({ env: 'dev' });
  environment = plan.environments[0];
  dev = stage(stagesOf(plan).stages, 'dev-us-east-1');
  template = Template.fromStack(dev.cache);
});

/** The logical id of the only resource of a type whose properties match. */
function logicalId(type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0];
}

const ARN_PREFIX = 'arn:aws:elasticache:us-east-1:111111111111';

describe('cache stack', () => {
  it('is named <env>-<region>-cache and deploys to the environment account and region', () => {
    expect(dev.cache.stackName).toBe('dev-us-east-1-cache');
    expect(dev.cache.account).toBe('111111111111');
    expect(dev.cache.region).toBe('us-east-1');
  });

  it('refers to no region but its own', () => {
    const text = JSON.stringify(template.toJSON());
    for (const other of Object.keys(REGION_CATALOG).filter((r) => r !== 'us-east-1')) expect(text).not.toContain(other);
  });
});

describe('replication group', () => {
  it('runs the planned Valkey version in cluster mode with the planned shards, replicas and node type', () => {
    expect(environment.cache).toMatchObject({ engine: 'valkey', engineVersion: '8.0', parameterGroupFamily: 'valkey8' });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ReplicationGroupId: 'gigascale-dev',
      Engine: 'valkey',
      EngineVersion: '8.0',
      ClusterMode: 'enabled',
      NumNodeGroups: environment.cache.shards,
      ReplicasPerNodeGroup: environment.cache.replicasPerShard,
      CacheNodeType: 'cache.r7g.large',
    });
  });

  it('fails over automatically to replicas ElastiCache places in other AZs, and reshards in place', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: Match.objectLike({ MultiAZEnabled: true, AutomaticFailoverEnabled: true, NodeGroupConfiguration: Match.absent() }),
      UpdatePolicy: { UseOnlineResharding: true },
    });
  });

  it('requires TLS on the cache port for every connection', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      Port: 6379,
    });
  });

  it('encrypts storage and snapshots with the customer-managed cache key', () => {
    const key = logicalId('AWS::KMS::Key');
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
  });

  it('rotates the cache key, names it alias/gigascale/<env>/cache and retains it', () => {
    const key = logicalId('AWS::KMS::Key');
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true, PendingWindowInDays: 30 }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/dev/cache', TargetKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
  });

  it('keeps daily snapshots for the planned days, taken outside the maintenance window', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      SnapshotRetentionLimit: environment.cache.snapshotRetentionDays,
      SnapshotWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    });
    const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const [snapStart, snapEnd] = SNAPSHOT_WINDOW.split('-').map(minutes);
    const [mStart, mEnd] = MAINTENANCE_WINDOW.split('-').map((w) => minutes(w.slice(4)));
    expect(snapEnd <= mStart || mEnd <= snapStart).toBe(true);
  });

  it('takes a final snapshot when the replication group is deleted or replaced', () => {
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  it('takes minor engine upgrades automatically', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { AutoMinorVersionUpgrade: true });
  });

  it('uses its own parameter group of the planned family with cluster mode on and keyspace notifications off', () => {
    const group = logicalId('AWS::ElastiCache::ParameterGroup');
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'cluster-enabled': 'yes', 'notify-keyspace-events': '' },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheParameterGroupName: { Ref: group } });
  });

  it('places the nodes in the isolated subnets of the VPC, one per AZ', () => {
    const group = logicalId('AWS::ElastiCache::SubnetGroup');
    const isolated = Match.objectLike({
      'Fn::GetStackOutput': Match.objectLike({ StackName: 'dev-us-east-1-network', OutputName: Match.stringLikeRegexp('IsolatedSubnet\\d') }),
    });
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: [isolated, isolated, isolated] });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheSubnetGroupName: { Ref: group } });
  });

  it('admits the cache port only from the compute subnets and lets nothing out', () => {
    const sg = logicalId('AWS::EC2::SecurityGroup');
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: environment.regions[0].computeCidrs.map((cidr, i) => ({
        CidrIp: cidr,
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        Description: `Valkey from compute subnet ${i + 1}`,
      })),
      // aws-cdk-lib's placeholder for "no egress": a rule that matches no traffic.
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    expect(environment.regions[0].computeCidrs).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }] });
  });

  it('delivers the slow log and the engine log as JSON to its two CloudWatch log groups', () => {
    const slow = logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/cache/slow-log' });
    const engine = logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/cache/engine-log' });
    const delivery = (logType: string, group: string) => ({
      LogType: logType,
      LogFormat: 'json',
      DestinationType: 'cloudwatch-logs',
      DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: group } } },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      LogDeliveryConfigurations: [delivery('slow-log', slow), delivery('engine-log', engine)],
    });
  });

  it('encrypts both log groups with the cache key, keeps them the planned days and retains them', () => {
    const key = logicalId('AWS::KMS::Key');
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      RetentionInDays: environment.cache.logRetentionDays,
    });
    for (const resource of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('lets CloudWatch Logs use the cache key for exactly the two cache log groups', () => {
    const logsStatement = (log: string) =>
      Match.objectLike({
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:111111111111:log-group:/gigascale/dev/us-east-1/cache/${log}` } },
      });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([logsStatement('engine-log'), logsStatement('slow-log')]) },
    });
  });
});

describe('RBAC users', () => {
  it('authenticates every connection against the RBAC user group', () => {
    const group = logicalId('AWS::ElastiCache::UserGroup');
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      Properties: Match.objectLike({ UserGroupIds: ['gigascale-dev'], AuthToken: Match.absent() }),
      DependsOn: [group],
    });
  });

  it("puts the disabled default user, one user per cache service and the probe's into the group", () => {
    const users = Object.keys(template.findResources('AWS::ElastiCache::User'));
    template.hasResource('AWS::ElastiCache::UserGroup', {
      Properties: Match.objectLike({
        UserGroupId: 'gigascale-dev',
        Engine: 'valkey',
        UserIds: ['gigascale-dev-default', ...cacheServices().map((s) => `gigascale-dev-${s}`), 'gigascale-dev-probe'],
      }),
      DependsOn: [...users].sort(),
    });
    expect(users).toHaveLength(1 + cacheServices().length + 1);
  });

  it('gives the probe an IAM user that may GET and SET its own probe: keys and nothing else', () => {
    expect(PROBE_CACHE_ACCESS).toBe('on ~probe:* resetchannels -@all +get +set');
    expect(Object.values(CACHE_KEY_PREFIX)).not.toContain(PROBE_CACHE_KEY_PREFIX);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: 'gigascale-dev-probe',
      UserName: 'gigascale-dev-probe',
      Engine: 'valkey',
      AccessString: PROBE_CACHE_ACCESS,
      AuthenticationMode: { Type: 'iam' },
    });
  });

  it('switches the default user off: no keys, no channels, no commands', () => {
    expect(DISABLED_DEFAULT_ACCESS).toBe('off resetkeys resetchannels -@all');
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: 'gigascale-dev-default',
      UserName: 'default',
      Engine: 'valkey',
      AccessString: DISABLED_DEFAULT_ACCESS,
    });
  });

  it('gives the default user a generated password kept in a secret encrypted with the cache key', () => {
    const key = logicalId('AWS::KMS::Key');
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: 'gigascale/dev/cache/default-user' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default',
      AuthenticationMode: {
        Type: 'password',
        Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:::}}']] }],
      },
    });
  });

  it.each(cacheUsers())('authenticates $service with IAM as its own user with its access string', ({ service, accessString }) => {
    expect(accessString).toMatch(/^on ~[a-z]+:\* /);
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserId: `gigascale-dev-${service}`,
      UserName: `gigascale-dev-${service}`,
      Engine: 'valkey',
      AuthenticationMode: { Type: 'iam' },
      AccessString: accessString,
    });
  });
});

describe('connect policies', () => {
  it.each(cacheServices())('lets %s connect to this replication group as its own user and do nothing else', (service) => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: `gigascale-dev-us-east-1-cache-${service}`,
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'elasticache:Connect',
            Resource: [`${ARN_PREFIX}:replicationgroup:gigascale-dev`, `${ARN_PREFIX}:user:gigascale-dev-${service}`],
          },
        ],
      },
    });
  });

  it('never names another service user: the entity policy does not name the chat user, nor the probe\'s a service\'s', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[];
    expect(policies).toHaveLength(cacheServices().length + 1);
    const entity = policies.find((p) => p.Properties.ManagedPolicyName === 'gigascale-dev-us-east-1-cache-entity');
    expect(JSON.stringify(entity)).not.toContain('gigascale-dev-chat');
    for (const p of policies) {
      const own = String(p.Properties.ManagedPolicyName).replace('gigascale-dev-us-east-1-cache-', '');
      const users = JSON.stringify(p.Properties.PolicyDocument).match(/:user:[a-z0-9-]+/g);
      expect(users, String(p.Properties.ManagedPolicyName)).toEqual([`:user:gigascale-dev-${own}`]);
    }
  });

  it("names the probe's policy for the probe's pod role: connect to this cluster as the probe user only", () => {
    expect(dev.cache.probeConnectPolicy.node.path).toBe('dev-us-east-1/Cache/ProbeConnectPolicy');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'gigascale-dev-us-east-1-cache-probe',
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'elasticache:Connect',
            Resource: ['arn:aws:elasticache:us-east-1:111111111111:replicationgroup:gigascale-dev', 'arn:aws:elasticache:us-east-1:111111111111:user:gigascale-dev-probe'],
          },
        ],
      },
    });
  });

  it('aliases the configuration endpoint in a private zone of the VPC, a name the probe carries before the cache exists', () => {
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'cache.dev.gigascale.internal.', VPCs: [Match.objectLike({ VPCRegion: 'us-east-1' })] });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'endpoint.cache.dev.gigascale.internal.',
      Type: 'CNAME',
      TTL: '300',
      ResourceRecords: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ValkeyReplicationGroup'), 'ConfigurationEndPoint.Address'] }],
    });
  });

  it('exposes the policy of every cache service on the stack for the compute stacks', () => {
    expect([...dev.cache.connectPolicies.keys()]).toEqual(cacheServices());
    expect(dev.cache.connectPolicies.get('chat')?.node.path).toBe('dev-us-east-1/Cache/ChatConnectPolicy');
  });
});

describe('published endpoint', () => {
  const endpoint = (rg: string) => ({
    'Fn::Join': [':', [{ 'Fn::GetAtt': [rg, 'ConfigurationEndPoint.Address'] }, { 'Fn::GetAtt': [rg, 'ConfigurationEndPoint.Port'] }]],
  });

  it('writes <address>:<port> of the configuration endpoint to the SSM parameter services read', () => {
    const rg = logicalId('AWS::ElastiCache::ReplicationGroup');
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/gigascale/dev/cache/configuration-endpoint',
      Type: 'String',
      Value: endpoint(rg),
    });
  });

  it('outputs the configuration endpoint under stable ids for weak references', () => {
    const rg = logicalId('AWS::ElastiCache::ReplicationGroup');
    template.hasOutput('ConfigurationEndpoint', { Value: endpoint(rg) });
    template.hasOutput('ConfigurationEndpointAddress', { Value: { 'Fn::GetAtt': [rg, 'ConfigurationEndPoint.Address'] } });
    template.hasOutput('ConfigurationEndpointPort', { Value: { 'Fn::GetAtt': [rg, 'ConfigurationEndPoint.Port'] } });
    expect(Object.keys(template.findOutputs('*'))).toEqual(
      expect.arrayContaining(['ConfigurationEndpoint', 'ConfigurationEndpointAddress', 'ConfigurationEndpointPort']),
    );
  });
});

describe('props validation', () => {
  /** Builds a cache stack over a real network stack with the dev plan's cache slice replaced. */
  function cacheWith(cache: Partial<CachePlan>): () => CacheStack {
    const plan = planOf({ env: 'dev' }).environments[0];
    const env: EnvironmentPlan = { ...plan, cache: { ...plan.cache, ...cache } };
    const region = env.regions[0];
    const s = new Stage(newApp(), 'dev-us-east-1', { env: { account: env.account, region: region.name } });
    const network = new NetworkStack(s, 'Network', { environment: env, region });
    return () => new CacheStack(s, 'Cache', { environment: env, region, vpc: network.vpc });
  }

  it.each([
    {
      cache: { shards: 100, replicasPerShard: 5 },
      problems: [
        'cache.shards x (1 + cache.replicasPerShard) must be at most 500 nodes (ElastiCache limit per replication group), got 100 x (1 + 5) = 600',
      ],
    },
    {
      cache: { replicasPerShard: 0 },
      problems: ['cache.replicasPerShard must be at least 1 (Multi-AZ and automatic failover need a replica), got 0'],
    },
    {
      cache: { shards: 501, replicasPerShard: 0 },
      problems: [
        'cache.shards x (1 + cache.replicasPerShard) must be at most 500 nodes (ElastiCache limit per replication group), got 501 x (1 + 0) = 501',
        'cache.replicasPerShard must be at least 1 (Multi-AZ and automatic failover need a replica), got 0',
      ],
    },
  ])('refuses $cache and names every problem with the construct path', ({ cache, problems }) => {
    const lines = problems.map((p) => `  - dev-us-east-1/Cache/Valkey: ${p}`);
    const title = `Invalid cache cluster (${problems.length} problem${problems.length === 1 ? '' : 's'}):`;
    const build = cacheWith(cache);
    let message = '';
    try {
      build();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe([title, ...lines].join('\n'));
  });

  it('accepts the largest cluster ElastiCache allows: 500 nodes', () => {
    expect(cacheWith({ shards: 250, replicasPerShard: 1 })).not.toThrow();
  });
});
