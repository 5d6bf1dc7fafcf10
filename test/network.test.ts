import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatCidr, overlaps, parseCidr, contains, type Cidr } from '../lib/plan/cidr';
import { planOf, stage, stagesOf } from './support/synth';
import type { RegionStage } from '../stacks/stage';

let stages: RegionStage[];
const templates = new Map<string, Template>();
const template = (name: string): Template => {
  if (!templates.has(name)) templates.set(name, Template.fromStack(stage(stages, name).network));
  return templates.get(name)!;
};

beforeAll(() => {
  stages = stagesOf(planOf()).stages;
});

describe('stages and stacks', () => {
  it('has one stage per environment and region, named <env>-<region>', () => {
    expect(stages.map((s) => s.stageName)).toEqual([
      'dev-us-east-1', 'prod-us-east-1', 'prod-us-west-2', 'prod-eu-west-1', 'prod-ap-southeast-1',
    ]);
  });

  it('names the network stack <env>-<region>-network and pins account and region', () => {
    const s = stage(stages, 'prod-eu-west-1').network;
    expect(s.stackName).toBe('prod-eu-west-1-network');
    expect(s.account).toBe('222222222222');
    expect(s.region).toBe('eu-west-1');
    expect(s.terminationProtection).toBe(true);
  });

  it('tags every resource with project, env, region, concern, owner and cost centre', () => {
    const expected = [
      { Key: 'concern', Value: 'network' }, { Key: 'cost-centre', Value: 'cc-platform-prod' }, { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'platform' }, { Key: 'project', Value: 'gigascale' }, { Key: 'region', Value: 'eu-west-1' },
    ];
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::EC2::NatGateway']) {
      template('prod-eu-west-1').allResourcesProperties(type, { Tags: Match.arrayWith(expected) });
    }
  });
});

describe('VPC', () => {
  it('uses the planned CIDR with DNS on', () => {
    template('prod-ap-southeast-1').hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.12.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true,
    });
  });

  it('spreads public, private and isolated subnets over the catalog AZs, inside the VPC and apart', () => {
    const subnets = Object.values(template('prod-us-east-1').findResources('AWS::EC2::Subnet')) as {
      Properties: { AvailabilityZone: string; CidrBlock: string; MapPublicIpOnLaunch: boolean };
    }[];
    expect(subnets).toHaveLength(9);
    expect(new Set(subnets.map((s) => s.Properties.AvailabilityZone))).toEqual(new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
    const vpc = parseCidr('10.0.0.0/16') as Cidr;
    const cidrs = subnets.map((s) => parseCidr(s.Properties.CidrBlock) as Cidr);
    for (const c of cidrs) expect(contains(vpc, c), formatCidr(c)).toBe(true);
    for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect(overlaps(cidrs[i], cidrs[j])).toBe(false);
    expect(subnets.map((s) => s.Properties.CidrBlock).sort()).toEqual([
      '10.0.0.0/18', '10.0.128.0/18', '10.0.192.0/22', '10.0.196.0/22', '10.0.200.0/22',
      '10.0.204.0/23', '10.0.206.0/23', '10.0.208.0/23', '10.0.64.0/18',
    ]);
  });

  it('auto-assigns no public IPs in any subnet', () => {
    const subnets = Object.values(template('prod-us-east-1').findResources('AWS::EC2::Subnet')) as { Properties: { MapPublicIpOnLaunch?: boolean } }[];
    for (const s of subnets) expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  it('has one NAT gateway per AZ in prod and one in dev', () => {
    template('prod-us-east-1').resourceCountIs('AWS::EC2::NatGateway', 3);
    template('dev-us-east-1').resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('closes the default security group', () => {
    template('prod-us-east-1').resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('flow logs', () => {
  it('logs all traffic of the VPC to CloudWatch Logs', () => {
    template('prod-us-east-1').hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('keeps them in a KMS-encrypted, retained log group for the planned days', () => {
    const t = template('prod-us-east-1');
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/gigascale/prod/us-east-1/vpc-flow-logs', RetentionInDays: 365, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
    template('dev-us-east-1').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('delivers with a role that has no inline policy and writes only to its log group', () => {
    const t = template('prod-us-east-1');
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogsLogGroup'), 'Arn'] },
          }),
        ],
      },
    });
  });
});

describe('endpoints and ingress', () => {
  it('routes S3 through a gateway endpoint', () => {
    template('prod-us-east-1').hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  it('has the interface endpoints EKS nodes need, with private DNS', () => {
    const endpoints = Object.values(template('prod-us-east-1').findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface' },
    })) as { Properties: { ServiceName: string; PrivateDnsEnabled: boolean } }[];
    expect(endpoints.map((e) => e.Properties.ServiceName).sort()).toEqual([
      'com.amazonaws.us-east-1.ecr.api', 'com.amazonaws.us-east-1.ecr.dkr', 'com.amazonaws.us-east-1.logs',
      'com.amazonaws.us-east-1.secretsmanager', 'com.amazonaws.us-east-1.ssm', 'com.amazonaws.us-east-1.sts',
    ]);
    for (const e of endpoints) expect(e.Properties.PrivateDnsEnabled).toBe(true);
  });

  it('admits HTTPS to the endpoints from the VPC CIDR only', () => {
    template('prod-eu-west-1').hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '10.6.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS from the VPC' }],
    });
  });

  it('has no ingress from 0.0.0.0/0 or ::/0 in any stage', () => {
    for (const s of stages) {
      const t = template(s.stageName);
      const rules = [
        ...Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap(
          (r) => ((r as { Properties: { SecurityGroupIngress?: unknown[] } }).Properties.SecurityGroupIngress ?? []),
        ),
        ...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => (r as { Properties: unknown }).Properties),
      ] as { CidrIp?: string; CidrIpv6?: string }[];
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.CidrIp, s.stageName).not.toBe('0.0.0.0/0');
        expect(rule.CidrIpv6, s.stageName).not.toBe('::/0');
      }
    }
  });
});
