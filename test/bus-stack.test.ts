import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MskCluster } from '../stacks/bus/msk-cluster';
import { BUS_OUTPUTS } from '../lib/facts/names/bus';
import type { RegionStage } from '../stacks/stage';
import { configWith, env } from './support/config';
import { planOf, stage, stagesOf } from './support/synth';

type Json = Record<string, unknown>;
interface Statement {
  readonly Sid?: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const CLUSTER_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cluster[0-9A-F]{8}$'), 'Arn'] };

function onlyResource(t: Template, type: string): Json {
  const all = Object.values(t.findResources(type));
  expect(all, type).toHaveLength(1);
  return all[0] as Json;
}

function props(resource: Json): Json {
  return resource.Properties as Json;
}

/** Statements of the managed policy named `name`. */
function policyStatements(t: Template, name: string): Statement[] {
  const found = Object.values(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: name } }));
  expect(found, name).toHaveLength(1);
  return ((found[0] as Json).Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
}

/**
 * What a policy grants `action` on, as names: a topic or group ARN is a join ending in `/<name>` (its UUID is read
 * from the cluster ARN), the cluster ARN itself is `cluster`.
 */
function grantedNames(statements: readonly Statement[], action: string): string[] {
  const names: string[] = [];
  for (const s of statements) {
    if (![s.Action].flat().includes(action)) continue;
    for (const r of [s.Resource].flat() as Json[]) {
      if ('Fn::GetAtt' in r) names.push('cluster');
      else names.push(String((r['Fn::Join'] as [string, unknown[]])[1].at(-1)).replace(/^\//, ''));
    }
  }
  return names.sort();
}

describe('dev bus (Standard kafka.m7g.large x3, one region)', () => {
  let t: Template;

  beforeAll(() => {
    const { stages } = stagesOf(planOf({ env: 'dev' }));
    t = Template.fromStack(stage(stages, 'dev-us-east-1').bus);
  });

  it('creates one provisioned cluster named from the environment, with the plan\'s brokers, type and Kafka version', () => {
    t.resourceCountIs('AWS::MSK::Cluster', 1);
    t.hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: 'gigascale-dev-bus',
      KafkaVersion: '3.9.x',
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.m7g.large' }),
    });
  });

  it('gives each Standard broker the EBS volume the plan sized', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', {
      BrokerNodeGroupInfo: Match.objectLike({ StorageInfo: { EBSStorageInfo: { VolumeSize: 2300 } } }),
    });
  });

  it('places the brokers in the isolated subnets behind the bus security group, with public access off', () => {
    const info = props(onlyResource(t, 'AWS::MSK::Cluster')).BrokerNodeGroupInfo as Json;
    const subnets = info.ClientSubnets as Json[];
    expect(subnets).toHaveLength(3);
    for (const s of subnets) expect(JSON.stringify(s)).toMatch(/PublishOutputRefVpcIsolatedSubnet\dSubnet/);
    expect(info.SecurityGroups).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^SecurityGroup[0-9A-F]{8}$/), 'GroupId'] }]);
    expect(info.ConnectivityInfo).toEqual({ PublicAccess: { Type: 'DISABLED' } });
  });

  it('admits clients with IAM only: SASL/IAM on; SCRAM, TLS certificates and unauthenticated access off', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: {
        Sasl: { Iam: { Enabled: true }, Scram: { Enabled: false } },
        Tls: { Enabled: false },
        Unauthenticated: { Enabled: false },
      },
    });
  });

  it('encrypts in transit, client to broker with TLS only and between brokers', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: Match.objectLike({ EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } }),
    });
  });

  it('encrypts at rest with the stack\'s customer-managed key, rotated, aliased alias/gigascale/dev/bus and retained', () => {
    const keys = Object.keys(t.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    t.hasResourceProperties('AWS::MSK::Cluster', {
      EncryptionInfo: Match.objectLike({ EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [keys[0], 'Arn'] } } }),
    });
    t.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/dev/bus', TargetKeyId: { 'Fn::GetAtt': [keys[0], 'Arn'] } });
  });

  it('delivers broker logs to CloudWatch Logs only, into a log group encrypted with the bus key and kept 30 days', () => {
    const groups = t.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/gigascale/dev/us-east-1/bus/broker-logs' } });
    const [id] = Object.keys(groups);
    t.hasResourceProperties('AWS::MSK::Cluster', {
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: { Ref: id } }, Firehose: { Enabled: false }, S3: { Enabled: false } } },
    });
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/gigascale/dev/us-east-1/bus/broker-logs', RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:/gigascale/dev/us-east-1/bus/broker-logs' } },
          }),
        ]),
      },
    });
  });

  it('monitors per topic per broker', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', { EnhancedMonitoring: 'PER_TOPIC_PER_BROKER' });
  });

  it('configures Standard brokers: no topic auto-creation, replication factor 3, min ISR 2, no unclean leader election', () => {
    const config = onlyResource(t, 'AWS::MSK::Configuration');
    expect(props(config).ServerProperties).toBe(
      'auto.create.topics.enable=false\ndefault.replication.factor=3\nmin.insync.replicas=2\nunclean.leader.election.enable=false',
    );
    t.hasResourceProperties('AWS::MSK::Cluster', {
      ConfigurationInfo: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterConfiguration'), 'Arn'] },
        Revision: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterConfiguration'), 'LatestRevision.Revision'] },
      },
    });
  });

  it('retains the cluster on delete and on replacement', () => {
    t.hasResource('AWS::MSK::Cluster', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('admits 9098 only from the compute subnets and from its own group, and sends only 9098 to its own group', () => {
    const sg = props(onlyResource(t, 'AWS::EC2::SecurityGroup'));
    const ingress = sg.SecurityGroupIngress as { CidrIp: string; FromPort: number; ToPort: number; IpProtocol: string }[];
    expect(ingress.map((i) => [i.CidrIp, i.IpProtocol, i.FromPort, i.ToPort])).toEqual([
      ['10.0.0.0/18', 'tcp', 9098, 9098],
      ['10.0.64.0/18', 'tcp', 9098, 9098],
      ['10.0.128.0/18', 'tcp', 9098, 9098],
    ]);
    // allowAllOutbound false: no inline egress rule; the one egress rule is the self-referencing 9098 rule below.
    expect(sg.SecurityGroupEgress).toBeUndefined();
    const self = { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityGroup[0-9A-F]{8}$'), 'GroupId'] };
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, GroupId: self, SourceSecurityGroupId: self });
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, GroupId: self, DestinationSecurityGroupId: self });
  });

  it('creates every plan topic with its partitions, replication factor 3, its retention and min ISR 2, retained', () => {
    t.resourceCountIs('AWS::MSK::Topic', 4);
    for (const [name, hours] of [['user-actions', 72], ['chat-messages', 24], ['memory-events', 72], ['push-notifications', 24]] as const) {
      t.hasResource('AWS::MSK::Topic', {
        Properties: {
          ClusterArn: CLUSTER_ARN,
          TopicName: name,
          PartitionCount: 6,
          ReplicationFactor: 3,
          Configs: { 'Fn::Base64': `retention.ms=${hours * 3_600_000}\nmin.insync.replicas=2` },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('publishes the cluster ARN and the SASL/IAM bootstrap brokers in SSM for the services', () => {
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gigascale/dev/bus/cluster-arn', Type: 'String', Value: CLUSTER_ARN });
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/gigascale/dev/bus/bootstrap-brokers',
      Type: 'String',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BrokerLookup'), 'BootstrapBrokerStringSaslIam'] },
    });
  });

  it('reads the bootstrap brokers with GetBootstrapBrokers, offline, with a role allowed that call on this cluster only', () => {
    const call = JSON.stringify(props(onlyResource(t, 'Custom::AWS')));
    expect(call).toContain('\\"service\\":\\"Kafka\\",\\"action\\":\\"GetBootstrapBrokers\\"');
    expect(call).toContain('\\"outputPaths\\":[\\"BootstrapBrokerStringSaslIam\\"]');
    t.hasResourceProperties('Custom::AWS', { InstallLatestAwsSdk: false });
    const fn = props(onlyResource(t, 'AWS::Lambda::Function'));
    expect(fn.Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BrokerLookupLookupRole/), 'Arn'] });
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/^LookupLogs/) } });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BrokerLookupLookupRole') }],
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadBrokers', Effect: 'Allow', Action: 'kafka:GetBootstrapBrokers', Resource: CLUSTER_ARN },
          { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LookupLogs'), 'Arn'] } },
        ],
        Version: '2012-10-17',
      },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('names its outputs exactly as the other regions\' replicators read them', () => {
    expect(Object.keys(t.toJSON().Outputs as Json).sort()).toEqual(['BootstrapBrokers', 'ClusterArn', 'ReplicatorSecurityGroupId', 'ReplicatorSubnetIds']);
    expect(Object.values(BUS_OUTPUTS).sort()).toEqual(['BootstrapBrokers', 'ClusterArn', 'ReplicatorSecurityGroupId', 'ReplicatorSubnetIds']);
    t.hasOutput('ClusterArn', { Value: CLUSTER_ARN });
    t.hasOutput('ReplicatorSecurityGroupId', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityGroup'), 'GroupId'] } });
    t.hasOutput('ReplicatorSubnetIds', { Value: { 'Fn::Join': [',', Match.arrayWith([Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('Isolated') }) })])] } });
    t.hasOutput('BootstrapBrokers', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BrokerLookup'), 'BootstrapBrokerStringSaslIam'] } });
  });

  it('creates no replicator, cluster policy or multi-VPC connectivity when nothing replicates', () => {
    t.resourceCountIs('AWS::MSK::Replicator', 0);
    t.resourceCountIs('AWS::MSK::ClusterPolicy', 0);
  });
});

describe('per-service bus policies', () => {
  let t: Template;
  let bus: RegionStage['bus'];

  beforeAll(() => {
    const { stages } = stagesOf(planOf({ env: 'dev' }));
    bus = stage(stages, 'dev-us-east-1').bus;
    t = Template.fromStack(bus);
  });

  it('gives each service that touches the bus one managed policy named busPolicyName, exposed by the stack', () => {
    expect([...bus.servicePolicies.keys()]).toEqual(['auth', 'entity', 'chat', 'voice', 'memory', 'analytics', 'push']);
    for (const service of bus.servicePolicies.keys()) policyStatements(t, `gigascale-dev-us-east-1-bus-${service}`);
  });

  it('lets memory read user-actions and not chat-messages', () => {
    const memory = policyStatements(t, 'gigascale-dev-us-east-1-bus-memory');
    expect(grantedNames(memory, 'kafka-cluster:ReadData')).toEqual(['user-actions']);
    expect(grantedNames(memory, 'kafka-cluster:WriteData')).toEqual(['memory-events', 'push-notifications']);
  });

  it('lets analytics read user-actions and memory-events and write nothing', () => {
    const analytics = policyStatements(t, 'gigascale-dev-us-east-1-bus-analytics');
    expect(grantedNames(analytics, 'kafka-cluster:ReadData')).toEqual(['memory-events', 'user-actions']);
    expect(grantedNames(analytics, 'kafka-cluster:WriteData')).toEqual([]);
    expect(grantedNames(analytics, 'kafka-cluster:WriteDataIdempotently')).toEqual([]);
    expect(grantedNames(analytics, 'kafka-cluster:Connect')).toEqual(['cluster']);
  });

  it('gives consumer group permissions only to consumers, each on its own group', () => {
    for (const [service, group] of [['chat', 'gigascale.chat'], ['memory', 'gigascale.memory'], ['analytics', 'gigascale.analytics'], ['push', 'gigascale.push']]) {
      const statements = policyStatements(t, `gigascale-dev-us-east-1-bus-${service}`);
      expect(grantedNames(statements, 'kafka-cluster:AlterGroup'), service).toEqual([group]);
      expect(grantedNames(statements, 'kafka-cluster:DescribeGroup'), service).toEqual([group]);
    }
    for (const producerOnly of ['auth', 'entity', 'voice']) {
      const statements = policyStatements(t, `gigascale-dev-us-east-1-bus-${producerOnly}`);
      expect(grantedNames(statements, 'kafka-cluster:AlterGroup'), producerOnly).toEqual([]);
      expect(grantedNames(statements, 'kafka-cluster:ReadData'), producerOnly).toEqual([]);
    }
  });

  it('lets a producer write idempotently to the cluster and only to the topics it produces', () => {
    const auth = policyStatements(t, 'gigascale-dev-us-east-1-bus-auth');
    expect(grantedNames(auth, 'kafka-cluster:Connect')).toEqual(['cluster']);
    expect(grantedNames(auth, 'kafka-cluster:WriteDataIdempotently')).toEqual(['cluster']);
    expect(grantedNames(auth, 'kafka-cluster:WriteData')).toEqual(['user-actions']);
    const chat = policyStatements(t, 'gigascale-dev-us-east-1-bus-chat');
    expect(grantedNames(chat, 'kafka-cluster:WriteData')).toEqual(['chat-messages', 'push-notifications', 'user-actions']);
    expect(grantedNames(chat, 'kafka-cluster:ReadData')).toEqual(['chat-messages']);
  });

  it("lets KEDA read the event consumers' lag and nothing else: describe their topics and groups, no data, no writes", () => {
    const keda = policyStatements(t, 'gigascale-dev-us-east-1-bus-keda');
    expect(bus.servicePolicies.has('keda' as never)).toBe(false);
    expect(keda.flatMap((s) => [s.Action].flat()).sort()).toEqual(['kafka-cluster:Connect', 'kafka-cluster:DescribeGroup', 'kafka-cluster:DescribeTopic']);
    expect(grantedNames(keda, 'kafka-cluster:Connect')).toEqual(['cluster']);
    expect(grantedNames(keda, 'kafka-cluster:DescribeTopic')).toEqual(['memory-events', 'push-notifications', 'user-actions']);
    expect(grantedNames(keda, 'kafka-cluster:DescribeGroup')).toEqual(['gigascale.analytics', 'gigascale.memory', 'gigascale.push']);
  });

  it('names this cluster exactly in every ARN: its UUID is read from the cluster ARN and no wildcard is left', () => {
    const memory = policyStatements(t, 'gigascale-dev-us-east-1-bus-memory');
    expect(JSON.stringify(memory)).not.toContain('*');
    const consume = memory.find((s) => s.Sid === 'Consume')!;
    expect(consume.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:kafka:us-east-1:111111111111:topic/gigascale-dev-bus/',
          { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]{8}$/), 'Arn'] }] }] },
          '/user-actions',
        ],
      ],
    });
    const group = memory.find((s) => s.Sid === 'OwnConsumerGroup')!;
    expect(JSON.stringify(group.Resource)).toContain('"arn:aws:kafka:us-east-1:111111111111:group/gigascale-dev-bus/"');
  });
});

describe('prod bus (Express express.m7g.8xlarge x6, four regions, chat-messages replicated)', () => {
  let stages: RegionStage[];
  let t: Template;

  beforeAll(() => {
    ({ stages } = stagesOf(planOf({ env: 'prod' })));
    t = Template.fromStack(stage(stages, 'prod-us-east-1').bus);
  });

  it('sizes the cluster from the plan and leaves StorageInfo out for Express brokers', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: 'gigascale-prod-bus',
      KafkaVersion: '3.8.x',
      NumberOfBrokerNodes: 6,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'express.m7g.8xlarge', StorageInfo: Match.absent() }),
    });
  });

  it('sets only what Express lets a configuration set: no topic auto-creation (RF 3 and min ISR 2 are fixed by MSK)', () => {
    t.hasResourceProperties('AWS::MSK::Configuration', { Name: 'gigascale-prod-bus', ServerProperties: 'auto.create.topics.enable=false' });
  });

  it('keeps the same security settings on Express: IAM only, TLS everywhere, the bus key, logs and monitoring', () => {
    t.hasResource('AWS::MSK::Cluster', {
      Properties: Match.objectLike({
        ClientAuthentication: { Sasl: { Iam: { Enabled: true }, Scram: { Enabled: false } }, Tls: { Enabled: false }, Unauthenticated: { Enabled: false } },
        EncryptionInfo: {
          EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
          EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusKey'), 'Arn'] } },
        },
        LoggingInfo: { BrokerLogs: Match.objectLike({ CloudWatchLogs: Match.objectLike({ Enabled: true }) }) },
        EnhancedMonitoring: 'PER_TOPIC_PER_BROKER',
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/prod/bus' });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/prod/us-east-1/bus/broker-logs', RetentionInDays: 90 });
  });

  it('creates the topics with the plan\'s partitions and leaves min.insync.replicas to Express', () => {
    for (const [name, partitions, hours] of [['user-actions', 52, 72], ['chat-messages', 512, 24], ['memory-events', 11, 72], ['push-notifications', 11, 24]] as const) {
      t.hasResourceProperties('AWS::MSK::Topic', {
        TopicName: name,
        PartitionCount: partitions,
        ReplicationFactor: 3,
        Configs: { 'Fn::Base64': `retention.ms=${hours * 3_600_000}` },
      });
    }
  });

  it('runs one replicator per other region in every region, named <source>-to-<target>', () => {
    for (const s of stages) {
      const replicators = Template.fromStack(s.bus).findResources('AWS::MSK::Replicator');
      const others = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'].filter((r) => r !== s.region);
      expect(Object.values(replicators).map((r) => props(r as Json).ReplicatorName).sort(), s.stageName).toEqual(
        others.map((o) => `gigascale-prod-${o}-to-${s.region}`).sort(),
      );
    }
  });

  it('reads the source cluster, subnets and security group from the source region\'s bus stack outputs', () => {
    const source = (output: string): Json => ({ 'Fn::GetStackOutput': { StackName: 'prod-eu-west-1-bus', OutputName: output, Region: 'eu-west-1' } });
    t.hasResourceProperties('AWS::MSK::Replicator', {
      ReplicatorName: 'gigascale-prod-eu-west-1-to-us-east-1',
      KafkaClusters: [
        {
          AmazonMskCluster: { MskClusterArn: source('ClusterArn') },
          VpcConfig: { SubnetIds: { 'Fn::Split': [',', source('ReplicatorSubnetIds')] }, SecurityGroupIds: [source('ReplicatorSecurityGroupId')] },
        },
        {
          AmazonMskCluster: { MskClusterArn: CLUSTER_ARN },
          VpcConfig: {
            SubnetIds: Match.arrayWith([Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ StackName: 'prod-us-east-1-network' }) })]),
            SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityGroup'), 'GroupId'] }],
          },
        },
      ],
      ReplicationInfoList: [Match.objectLike({ SourceKafkaClusterArn: source('ClusterArn'), TargetKafkaClusterArn: CLUSTER_ARN })],
    });
  });

  it('reads only outputs the source stack has, under their exact logical ids', () => {
    const outputs = new Map(stages.map((s) => [s.bus.stackName, Object.keys(Template.fromStack(s.bus).toJSON().Outputs as Json)]));
    for (const s of stages) {
      const text = JSON.stringify(Template.fromStack(s.bus).findResources('AWS::MSK::Replicator'));
      const refs = [...text.matchAll(/"Fn::GetStackOutput":\{"StackName":"(prod-[a-z0-9-]+-bus)","Region":"([^"]+)","OutputName":"([^"]+)"\}/g)];
      // Three replicators, each reading three outputs in four places (cluster ARN twice).
      expect(refs, s.stageName).toHaveLength(3 * 4);
      for (const [, stackName, region, output] of refs) {
        expect(stackName).toBe(`prod-${region}-bus`);
        expect(region).not.toBe(s.region);
        expect(outputs.get(stackName), `${stackName} ${output}`).toContain(output);
      }
    }
  });

  it('copies chat-messages under its own name from the latest offset, with its configuration and no consumer group', () => {
    t.resourceCountIs('AWS::MSK::Replicator', 3);
    t.allResourcesProperties('AWS::MSK::Replicator', {
      ReplicationInfoList: [
        Match.objectLike({
          TargetCompressionType: 'LZ4',
          TopicReplication: {
            TopicsToReplicate: ['^chat-messages$'],
            TopicNameConfiguration: { Type: 'IDENTICAL' },
            CopyTopicConfigurations: true,
            CopyAccessControlListsForTopics: false,
            DetectAndCopyNewTopics: false,
            StartingPosition: { Type: 'LATEST' },
          },
          ConsumerGroupReplication: { ConsumerGroupsToReplicate: [], DetectAndCopyNewConsumerGroups: false, SynchroniseConsumerGroupOffsets: false },
        }),
      ],
    });
  });

  it('gives each replicator a role of its own, trusted by MSK for this account, on the two clusters and this environment\'s topics', () => {
    const replicator = props(Object.values(t.findResources('AWS::MSK::Replicator', { Properties: { ReplicatorName: 'gigascale-prod-us-west-2-to-us-east-1' } }))[0] as Json);
    const roleId = (replicator.ServiceExecutionRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const roles = new Set(Object.values(t.findResources('AWS::MSK::Replicator')).map((r) => JSON.stringify(props(r as Json).ServiceExecutionRoleArn)));
    expect(roles.size).toBe(3);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'kafka.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } }],
        Version: '2012-10-17',
      },
    });
    const policy = Object.values(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } }));
    expect(policy).toHaveLength(1);
    const statements = ((policy[0] as Json).Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
    const cluster = statements.find((s) => s.Sid === 'ClusterPermissions')!;
    expect(cluster.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]{8}$/), 'Arn'] },
      { 'Fn::GetStackOutput': { StackName: 'prod-us-west-2-bus', OutputName: 'ClusterArn', Region: 'us-west-2' } },
    ]);
    expect(cluster.Action).toEqual(expect.arrayContaining(['kafka-cluster:Connect', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData', 'kafka-cluster:WriteDataIdempotently']));
    const clusterName = { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]{8}$/), 'Arn'] }] }] };
    for (const [sid, kind] of [['TopicPermissions', 'topic'], ['GroupPermissions', 'group']]) {
      expect(statements.find((s) => s.Sid === sid)!.Resource, sid).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kafka:*:', { Ref: 'AWS::AccountId' }, `:${kind}/`, clusterName, '/*/*']],
      });
    }
  });

  it('opens every cluster to the other regions\' replicators: multi-VPC SASL/IAM connectivity and a cluster policy for MSK', () => {
    t.hasResourceProperties('AWS::MSK::Cluster', {
      BrokerNodeGroupInfo: Match.objectLike({
        ConnectivityInfo: {
          PublicAccess: { Type: 'DISABLED' },
          VpcConnectivity: { ClientAuthentication: { Sasl: { Iam: { Enabled: true }, Scram: { Enabled: false } }, Tls: { Enabled: false } } },
        },
      }),
    });
    t.hasResourceProperties('AWS::MSK::ClusterPolicy', {
      ClusterArn: CLUSTER_ARN,
      Policy: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'kafka.amazonaws.com' },
            Action: ['kafka:CreateVpcConnection', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
            Resource: CLUSTER_ARN,
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it('creates each replicator after the topic it copies into and after its role\'s policy', () => {
    const [replicator] = Object.values(t.findResources('AWS::MSK::Replicator')) as { DependsOn: string[] }[];
    expect(replicator.DependsOn).toEqual([expect.stringMatching(/^ChatMessagesTopic/), expect.stringMatching(/^ReplicatorFrom\w+Policy/)]);
  });
});

describe('prod with -c replication=off', () => {
  it('creates no replicator, cluster policy or multi-VPC connectivity in any region', () => {
    const { stages } = stagesOf(planOf({ env: 'prod', replication: 'off' }));
    expect(stages).toHaveLength(4);
    for (const s of stages) {
      const t = Template.fromStack(s.bus);
      t.resourceCountIs('AWS::MSK::Replicator', 0);
      t.resourceCountIs('AWS::MSK::ClusterPolicy', 0);
      t.hasResourceProperties('AWS::MSK::Cluster', { BrokerNodeGroupInfo: Match.objectLike({ ConnectivityInfo: { PublicAccess: { Type: 'DISABLED' } } }) });
      expect(s.bus.replicators).toHaveLength(0);
    }
  });
});

describe('prod with -c replication=sources (the second deploy of a new environment)', () => {
  it('makes every cluster readable by other regions (multi-VPC, cluster policy) but creates no replicator yet', () => {
    const { stages } = stagesOf(planOf({ env: 'prod', replication: 'sources' }));
    for (const s of stages) {
      const t = Template.fromStack(s.bus);
      t.resourceCountIs('AWS::MSK::Replicator', 0);
      t.resourceCountIs('AWS::MSK::ClusterPolicy', 1);
      t.hasResourceProperties('AWS::MSK::Cluster', {
        BrokerNodeGroupInfo: Match.objectLike({ ConnectivityInfo: Match.objectLike({ VpcConnectivity: Match.anyValue() }) }),
      });
    }
  });
});

describe('compliance', () => {
  it('passes the gate for any environment name and regions: the acknowledged findings name no environment or region', () => {
    const { app, stages } = stagesOf(planOf({}, configWith(env())));
    expect(stages.map((s) => s.bus.replicators.length)).toEqual([1, 1]);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('MskCluster props', () => {
  it('refuses brokers that do not fill the subnets evenly and storage on Express brokers, naming prop, value and rule', () => {
    const stack = new Stack();
    const express = planOf({ env: 'prod' }).environments[0].bus;
    const subnets = ['a', 'b', 'c'].map((s) => ec2.Subnet.fromSubnetId(stack, `Subnet${s}`, `subnet-${s}`));
    expect(
      () =>
        new MskCluster(stack, 'Cluster', {
          clusterName: 'gigascale-test-bus',
          bus: express,
          brokers: 4,
          storageGiBPerBroker: 100,
          subnets,
          securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1'),
          key: new kms.Key(stack, 'Key'),
          logGroup: new logs.LogGroup(stack, 'Logs'),
        }),
    ).toThrow(
      'Invalid MSK cluster (2 problems):\n' +
        '  - Default/Cluster: brokers must be a multiple of the 3 client subnets (MSK spreads brokers evenly over the AZs), got 4\n' +
        '  - Default/Cluster: storageGiBPerBroker must be null for express.m7g.8xlarge (Express brokers have managed storage), got 100',
    );
  });
});
