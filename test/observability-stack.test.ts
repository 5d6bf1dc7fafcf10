/**
 * The observability stack (stacks/observability): the probe alarms against the plan's budgets, the origin canary and
 * what lets it through the ALB, and the latency dashboard. Built through the stage bin/app.ts deploys.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Stack, Stage } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import defaultConfig from '../regions.config';
import type { EnvironmentPlan, GigascaleConfig } from '../lib/plan';
import { IN_CLUSTER_PROBE_CHECKS } from '../lib/views/probe-target';
import { FLOW_NAMES } from '../lib/facts/flows';
import { regionFlowProbes } from '../lib/views/flow-probes';
import { ProbeAlarms, type ProbeAlarmsProps } from '../stacks/observability/probe-alarms';
import { probeBudgetsMs } from '../lib/facts/probe-checks';
import { canaryName } from '../lib/facts/names/observability';
import { regionCode, stageName } from '../lib/facts/names/stage';
import { DEFAULT_MAX_ERROR_RATE } from '../lib/facts/probe-checks';
import { REGION_CATALOG } from '../lib/facts/regions';
import { NetworkStack } from '../stacks/network/network-stack';
import { ObservabilityStack } from '../stacks/observability/observability-stack';
import type { RegionStage } from '../stacks/stage';
import { CHATBOT_READ_ACTIONS } from '../stacks/observability/chat-notifications';
import { SLACK_CHANNELS, slackConfig } from './support/optional-stage';
import { newApp, planOf, stage, stagesOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

let dev: RegionStage;
let environment: EnvironmentPlan;
let template: Template;
let ingress: Template;
let network: Template;
let size: { resources: number; bytes: number };

beforeAll(() => {
  const built = stagesOf(planOf({ env: 'dev' }));
  dev = stage(built.stages, 'dev-us-east-1');
  environment = planOf({ env: 'dev' }).environments[0];
  template = Template.fromStack(dev.observability);
  ingress = Template.fromStack(dev.ingress);
  network = Template.fromStack(dev.network);
  size = { resources: Object.keys(template.toJSON().Resources).length, bytes: JSON.stringify(template.toJSON()).length };
});

const resources = (t: Template, type: string, props: Record<string, unknown> = {}) =>
  t.findResources(type, { Properties: Match.objectLike(props) }) as Record<string, Resource>;
function logicalId(type: string, props: Record<string, unknown> = {}, t: Template = template): string {
  const ids = Object.keys(resources(t, type, props));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0];
}
const key = () => ({ 'Fn::GetAtt': [logicalId('AWS::KMS::Key'), 'Arn'] });
const topic = () => ({ Ref: logicalId('AWS::SNS::Topic') });
const probeDimensions = (check: string) => [
  { Name: 'Check', Value: check },
  { Name: 'Environment', Value: 'dev' },
  { Name: 'Region', Value: 'us-east-1' },
];

describe('observability stack', () => {
  it('is named <env>-<region>-observability, part of the region stage (whose gate test/compliance.test.ts holds)', () => {
    expect(dev.observability.stackName).toBe('dev-us-east-1-observability');
    expect(dev.observability.region).toBe('us-east-1');
    console.log(`observability stack of dev-us-east-1: ${size.resources} resources, ${size.bytes} bytes`);
  });

  it('stays well inside the stack limits', () => {
    expect(size.resources).toBeLessThan(60);
    expect(size.bytes).toBeLessThan(100_000);
  });

  it('deploys after the ingress stack (the canary\'s way in) and the compute stack (the probe)', () => {
    const deps = dev.observability.dependencies.map((s) => s.stackName);
    expect(deps).toEqual(expect.arrayContaining(['dev-us-east-1-ingress', 'dev-us-east-1-compute']));
  });

  it('watches exactly the checks the in-cluster probe runs, two alarms each, one per flow they measure, plus the canary\'s', () => {
    expect(dev.observability.checks).toEqual(IN_CLUSTER_PROBE_CHECKS);
    expect(dev.observability.flows.map((f) => f.flow)).toEqual(FLOW_NAMES);
    template.resourceCountIs('AWS::CloudWatch::Alarm', IN_CLUSTER_PROBE_CHECKS.length * 2 + FLOW_NAMES.length + 1);
  });
});

describe('probe alarms', () => {
  it.each(IN_CLUSTER_PROBE_CHECKS)('alarms when the P95 of %s is above its budget from the plan in 3 of 5 minutes', (check) => {
    const budget = probeBudgetsMs(environment.latencyBudgets.hopsMs)[check];
    expect(budget).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `gigascale-dev-us-east-1-probe-${check}-p95`,
      Namespace: 'Gigascale/Probe',
      MetricName: 'P95',
      Dimensions: probeDimensions(check),
      Statistic: 'Maximum',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: budget,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      ActionsEnabled: true,
      AlarmActions: [topic()],
      OKActions: [topic()],
    });
  });

  it.each(IN_CLUSTER_PROBE_CHECKS)('alarms when the error rate of %s is above the probe\'s limit in 3 of 5 minutes', (check) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `gigascale-dev-us-east-1-probe-${check}-error-rate`,
      Namespace: 'Gigascale/Probe',
      MetricName: 'ErrorRate',
      Dimensions: probeDimensions(check),
      Statistic: 'Maximum',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: DEFAULT_MAX_ERROR_RATE,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [topic()],
    });
  });

  it('treats missing data as breaching on every check and canary alarm: a probe or canary that stopped is a failure', () => {
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
    const flows = alarms.filter((a) => (a.Properties.AlarmName as string).includes('-probe-flow-'));
    expect(flows).toHaveLength(FLOW_NAMES.length);
    for (const alarm of alarms) expect(alarm.Properties.TreatMissingData).toBe(flows.includes(alarm) ? 'notBreaching' : 'breaching');
  });

  it('alarms per flow on its probed P95: the P95s of the checks that measure it plus the budgets of the rest, above the target', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gigascale-dev-us-east-1-probe-flow-memory.read-p95',
      AlarmDescription:
        'Flow memory.read in dev us-east-1: probed P95 (profile.read.origin + postgres.memory_read + 20 ms budgeted (client.send, client.receive)) above its 50 ms target in 3 of 5 minutes (lib/views/flow-probes.ts)',
      Metrics: [
        { Id: 'expr_1', Expression: 'm0 + m1 + 20', Label: 'memory.read probed P95', ReturnData: true },
        { Id: 'm0', MetricStat: { Metric: { Namespace: 'Gigascale/Probe', MetricName: 'P95', Dimensions: probeDimensions('profile.read.origin') }, Period: 60, Stat: 'Maximum' }, ReturnData: false },
        { Id: 'm1', MetricStat: { Metric: { Namespace: 'Gigascale/Probe', MetricName: 'P95', Dimensions: probeDimensions('postgres.memory_read') }, Period: 60, Stat: 'Maximum' }, ReturnData: false },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: environment.latencyBudgets.flowTargetsMs['memory.read'],
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      AlarmActions: [topic()],
      OKActions: [topic()],
    });
    // A flow the probe measures whole has nothing budgeted: the check's P95 alone.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gigascale-dev-us-east-1-probe-flow-profile.read.edge-hit-p95',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'm0' })]),
      Threshold: 50,
    });
  });

  describe('in prod ap-southeast-1', () => {
    const prod = planOf({ env: 'prod' }).environments[0];
    const flows = regionFlowProbes(prod, 'ap-southeast-1', IN_CLUSTER_PROBE_CHECKS);
    const alarms = (props: Partial<ProbeAlarmsProps> = {}): Template => {
      const stack = new Stack(newApp(), 'Probe');
      const base = { environment: 'prod', region: 'ap-southeast-1', checks: IN_CLUSTER_PROBE_CHECKS, budgetsMs: prod.latencyBudgets.probeChecksMs, maxErrorRate: DEFAULT_MAX_ERROR_RATE, flows };
      new ProbeAlarms(stack, 'ProbeAlarms', { ...base, topic: new sns.Topic(stack, 'Topic'), ...props });
      return Template.fromStack(stack);
    };

    it('holds a flow the config waives there to its static P95, the figure the waiver accepted', () => {
      const write = flows.find((f) => f.flow === 'memory.write')!;
      expect([write.waiver !== null, write.staticP95Ms, write.limitMs, prod.latencyBudgets.flowTargetsMs['memory.write']]).toEqual([true, 263, 263, 150]);
      alarms().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'gigascale-prod-ap-southeast-1-probe-flow-memory.write-p95',
        AlarmDescription: Match.stringLikeRegexp('above its static 263 ms \\(the config waives the flow here\\)'),
        // ws.connect measures lb, gateway and service in cluster; the rest, with the 220 ms round trip, is budgeted.
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'm0 + 255' })]),
        Threshold: 263,
      });
    });

    it('refuses a flow measured by a check the probe does not run', () => {
      expect(() => alarms({ checks: ['http.get'] })).toThrow(
        'Probe/ProbeAlarms flows.memory.read: is measured by profile.read.origin, postgres.memory_read, which the probe does not run; build flows from the same checks (regionFlowProbes)',
      );
    });
  });

  it('takes its thresholds from the plan\'s hop budgets, so a changed budget moves the alarm', () => {
    const dev0 = defaultConfig.environments.dev;
    const config: GigascaleConfig = { environments: { dev: { ...dev0, latencyBudgets: { hopsMs: { lb: 4, gateway: 6 } } } } };
    const env = planOf({ env: 'dev' }, config).environments[0];
    const region = env.regions[0];
    const s = new Stage(newApp(), 'budget-test', { env: { account: env.account, region: region.name } });
    const net = new NetworkStack(s, 'Network', { environment: env, region });
    const obs = new ObservabilityStack(s, 'Observability', { environment: env, region, vpc: net.vpc });
    Template.fromStack(obs).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'gigascale-dev-us-east-1-probe-http.get-p95', Threshold: 10 });
  });

  it('notifies an SNS topic encrypted with the observability key, TLS-only, that CloudWatch alarms of this account may publish to', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'gigascale-dev-us-east-1-alarms', KmsMasterKeyId: key() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:*' }, StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
  });

  it('creates the log group the agent writes the probe\'s EMF lines to, encrypted and with the plan\'s retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/gigascale/dev/us-east-1/probe',
      KmsKeyId: key(),
      RetentionInDays: environment.compute.logRetentionDays,
    });
  });
});

describe('origin canary', () => {
  const canary = () => Object.values(resources(template, 'AWS::Synthetics::Canary'))[0];
  const script = () => canary().Properties.Code.Script as string;

  it('runs the newest Node.js Puppeteer runtime every 5 minutes, started on creation, inline code, no retries', () => {
    template.resourceCountIs('AWS::Synthetics::Canary', 1);
    expect(canary().Properties).toMatchObject({
      Name: 'dev-use1-alb',
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: 'rate(5 minutes)', DurationInSeconds: '0' },
      StartCanaryAfterCreation: true,
      RunConfig: { TimeoutInSeconds: 60, ActiveTracing: false },
      Code: { Handler: 'index.handler' },
      SuccessRetentionPeriod: 31,
      FailureRetentionPeriod: 31,
    });
  });

  it('calls https://origin-<region>.<domain>/gateway/health and expects the gateway\'s 200 "ok"', () => {
    expect(script()).toContain('const HOSTNAME = "origin-us-east-1.dev.gigascale.example";');
    expect(script()).toContain('const PATH = "/gateway/health";');
    expect(script()).toContain("port: 443,");
    expect(script()).toContain('const EXPECTED_BODY = "ok";');
    expect(script()).toContain('res.statusCode !== 200');
  });

  it('sends the edge origin token, read from Secrets Manager at run time and redacted from its reports, never the token itself', () => {
    expect(script()).toContain('const TOKEN_HEADER = "x-gigascale-origin-token";');
    expect(script()).toContain('const TOKEN_SECRET = "gigascale/dev/edge/origin-token";');
    expect(script()).toContain('new GetSecretValueCommand({ SecretId: TOKEN_SECRET })');
    expect(script()).toContain('restrictedHeaders: [TOKEN_HEADER]');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/);
    expect(canary().Properties.RunConfig.EnvironmentVariables).toBeUndefined();
  });

  it('runs in the private subnets behind a security group that lets out HTTPS only', () => {
    const vpc = canary().Properties.VPCConfig;
    expect(vpc.SubnetIds).toEqual(
      [1, 2, 3].map((i) => ({
        'Fn::GetStackOutput': expect.objectContaining({ StackName: 'dev-us-east-1-network', OutputName: expect.stringMatching(`PrivateSubnet${i}`) }),
      })),
    );
    const sg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Origin canary') });
    expect(vpc.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sg, 'GroupId'] }]);
    const group = resources(template, 'AWS::EC2::SecurityGroup')[sg];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS: the origin ALB (public), AWS APIs' },
    ]);
  });

  it('may read only the origin token secret, and use the observability key only through S3', () => {
    const [policy] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy'));
    const statements = policy.Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    const secrets = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(secrets).toEqual([
      expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gigascale/dev/edge/origin-token-??????' }),
    ]);
    const kms = statements.filter((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kms).toEqual([
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key(), Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }),
    ]);
    expect(statements.find((s) => s.Sid === 'Metrics')).toMatchObject({ Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } } });
    expect(statements.find((s) => s.Sid === 'Logs')?.Resource).toBe('arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/cwsyn-dev-use1-alb-*');
  });

  it('runs as a role only Lambda assumes, with the customer-managed policy and nothing inline', () => {
    const role = logicalId('AWS::IAM::Role');
    const [roleResource] = Object.values(resources(template, 'AWS::IAM::Role'));
    expect(JSON.stringify(roleResource.Properties.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
    expect(canary().Properties.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [role, 'Arn'] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: role }] });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('keeps its artifacts in a private, KMS-encrypted, TLS-only, versioned bucket that expires them and logs its access', () => {
    const logs = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-canary-logs-111111111111-us-east-1' });
    const artifacts = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-canary-111111111111-us-east-1' });
    expect(resources(template, 'AWS::S3::Bucket')[artifacts].Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key() }, BucketKeyEnabled: true }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs } },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'gigascale-dev-canary-111111111111-us-east-1',
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 31, NoncurrentVersionExpiration: { NoncurrentDays: 7 } })]) },
    });
    expect(canary().Properties.ArtifactS3Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: artifacts }]] });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: artifacts },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms when two runs in a row fail or do not run', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gigascale-dev-us-east-1-canary-success',
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: logicalId('AWS::Synthetics::Canary') } }],
      Statistic: 'Average',
      Period: 300,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 100,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: [topic()],
    });
  });
});

describe('the canary\'s way through the ALB', () => {
  it('keeps the NAT gateways\' addresses in a prefix list, one /32 per NAT gateway Elastic IP', () => {
    const eips = Object.keys(resources(network, 'AWS::EC2::EIP'));
    expect(eips.length).toBeGreaterThan(0);
    network.hasResourceProperties('AWS::EC2::PrefixList', {
      PrefixListName: 'gigascale-dev-us-east-1-nat',
      AddressFamily: 'IPv4',
      MaxEntries: eips.length,
      Entries: eips.map((eip) => ({ Cidr: { 'Fn::Join': ['', [{ Ref: eip }, '/32']] }, Description: Match.stringLikeRegexp('^NAT gateway in us-east-1[a-z]$') })),
    });
  });

  it('admits the NAT gateways\' prefix list on the ALB\'s 443 only, besides the edge ranges', () => {
    const albSg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Origin ALB') }, ingress);
    // A prefix-list peer cannot be written inline: the rule is a resource of its own, on the ALB's group.
    const standalone = Object.values(resources(ingress, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(standalone).toEqual([
      {
        GroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
        SourcePrefixListId: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'dev-us-east-1-network', OutputName: expect.stringMatching(/NatAddresses/) }) },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'HTTPS from the NAT gateways (origin canary)',
      },
    ]);
    const inline = resources(ingress, 'AWS::EC2::SecurityGroup')[albSg].Properties.SecurityGroupIngress as Record<string, unknown>[];
    expect(inline.every((r) => environment.ingress.edgeIpv4Cidrs.includes(r.CidrIp as string))).toBe(true);
  });
});

describe('latency dashboard', () => {
  const body = () => {
    // The region's tier dashboard and the environment's global one are test/alarms.test.ts's.
    const dashboard = Object.values(resources(template, 'AWS::CloudWatch::Dashboard')).find((d) => d.Properties.DashboardName === 'gigascale-dev-us-east-1-latency')!;
    expect(dashboard).toBeDefined();
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    return parts.map((p) => (typeof p === 'string' ? p : '<token>')).join('');
  };

  it.each(IN_CLUSTER_PROBE_CHECKS)('graphs P50, P95 and P99 of %s with its P95 budget from the plan as a horizontal line', (check) => {
    const budget = probeBudgetsMs(environment.latencyBudgets.hopsMs)[check];
    const text = body();
    for (const m of ['P50', 'P95', 'P99']) expect(text).toContain(`["Gigascale/Probe","${m}","Check","${check}","Environment","dev","Region","us-east-1",{"label":"${m}"`);
    expect(text).toContain(`"title":"${check}: latency (P95 budget ${budget} ms)"`);
    expect(text).toContain(`"annotations":{"horizontal":[{"value":${budget},"label":"P95 budget ${budget} ms","color":"#d62728","yAxis":"left"}]}`);
  });

  it('graphs every flow\'s probed P95 with its target and its static P95 as horizontal lines', () => {
    const text = body();
    expect(text).toContain(
      '"title":"Flow memory.read: probed P95 (target 50 ms)","region":"<token>","metrics":[[{"label":"memory.read probed P95","expression":"m0 + m1 + 20","period":60}],' +
        '["Gigascale/Probe","P95","Check","profile.read.origin","Environment","dev","Region","us-east-1",{"id":"m0","visible":false,"period":60,"stat":"Maximum"}],' +
        '["Gigascale/Probe","P95","Check","postgres.memory_read","Environment","dev","Region","us-east-1",{"id":"m1","visible":false,"period":60,"stat":"Maximum"}]],' +
        '"annotations":{"horizontal":[{"value":50,"label":"target 50 ms","color":"#d62728","yAxis":"left"},{"value":40,"label":"static P95 40 ms","yAxis":"left"}]}',
    );
    for (const flow of FLOW_NAMES) expect(text).toContain(`"title":"Flow ${flow}: probed P95 (target `);
  });

  it('graphs every check\'s error rate with the limit as a horizontal line', () => {
    const text = body();
    for (const check of IN_CLUSTER_PROBE_CHECKS) expect(text).toContain(`["Gigascale/Probe","ErrorRate","Check","${check}"`);
    expect(text).toContain(`{"value":${DEFAULT_MAX_ERROR_RATE},"label":"limit 0.1 %"`);
  });

  it('graphs the canary\'s duration and success rate', () => {
    const text = body();
    expect(text).toContain('["CloudWatchSynthetics","Duration","CanaryName","<token>"');
    expect(text).toContain('["CloudWatchSynthetics","SuccessPercent","CanaryName","<token>",{"label":"SuccessPercent","yAxis":"right"}]');
  });
});

describe('names', () => {
  it.each(Object.keys(REGION_CATALOG))('gives the canary of a 10-character environment in %s a name Synthetics accepts', (region) => {
    const name = canaryName('abcdefghij', region);
    expect(name).toMatch(/^[0-9a-z_-]{1,21}$/);
  });

  it('abbreviates regions the usual way and keeps them apart', () => {
    expect(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-central-1', 'us-gov-west-1'].map(regionCode)).toEqual([
      'use1',
      'euw1',
      'apse2',
      'apne1',
      'euc1',
      'usgw1',
    ]);
    const codes = Object.keys(REGION_CATALOG).map(regionCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('names the alarms after the stage, the check and what they watch', () => {
    const names = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName as string);
    for (const name of names) expect(name.startsWith(`gigascale-${stageName('dev', 'us-east-1')}-`)).toBe(true);
  });
});

describe('Slack channels (AWS Chatbot)', () => {
  let slack: Template;
  beforeAll(() => {
    slack = Template.fromStack(stage(stagesOf(planOf({ env: 'dev' }, slackConfig())).stages, 'dev-us-east-1').observability);
  });

  it('are none unless the config names a channel', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('chatbot.amazonaws.com');
  });

  it('post the region\'s alarm topic to each channel, with a role and guardrail that only read CloudWatch', () => {
    const policy = logicalId('AWS::IAM::ManagedPolicy', { Description: Match.stringLikeRegexp('^AWS Chatbot') }, slack);
    const role = logicalId('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] }) }, slack);
    const configurations = Object.values(resources(slack, 'AWS::Chatbot::SlackChannelConfiguration')).map(({ Properties: p }) => ({ ...p, Tags: undefined }));
    expect(configurations).toEqual(
      SLACK_CHANNELS.map((c) => ({
        ConfigurationName: `gigascale-dev-us-east-1-${c.channelId}`,
        SlackWorkspaceId: c.workspaceId,
        SlackChannelId: c.channelId,
        IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
        SnsTopicArns: [{ Ref: logicalId('AWS::SNS::Topic', {}, slack) }],
        GuardrailPolicies: [{ Ref: policy }],
        UserRoleRequired: false,
        LoggingLevel: 'ERROR',
        Tags: undefined,
      })),
    );
    const statements = (slack.toJSON().Resources[policy] as Resource).Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'ReadCloudWatchForAlarmGraphs',
        Effect: 'Allow',
        Action: [...CHATBOT_READ_ACTIONS],
        Resource: '*',
      },
    ]);
    expect(CHATBOT_READ_ACTIONS.every((a) => /^cloudwatch:(Describe|Get|List)[A-Za-z]+$/.test(a))).toBe(true);
    expect((slack.toJSON().Resources[role] as Resource).Properties.ManagedPolicyArns).toEqual([{ Ref: policy }]);
  });
});
