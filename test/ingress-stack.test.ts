import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import defaultConfig from '../regions.config';
import { CLOUDFLARE_IPV4 } from '../lib/facts/cloudflare-ranges';
import type { EnvironmentPlan, GigascaleConfig } from '../lib/plan';
import { stageName } from '../lib/facts/names/stage';
import { REGION_CATALOG } from '../lib/facts/regions';
import { applyComplianceGate } from '../stacks/compliance';
import { IngressStack } from '../stacks/ingress/ingress-stack';
import { MANAGED_RULE_GROUPS } from '../stacks/ingress/origin-web-acl';
import { NO_TOKEN_PATTERN } from '../stacks/ingress/origin-token-patterns';
import { edgePlan } from '../lib/views/edge/plan';
import { edgeTokenSyncScript } from '../lib/views/edge-token-sync-script';
import { secretRotationScript } from '../lib/views/secret-rotation-script';
import { wafTokenSyncScript } from '../lib/views/waf-token-sync-script';
import { NetworkStack } from '../stacks/network/network-stack';
import { newApp, planOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Sid: string; Effect: string; Action: unknown; Resource: unknown; Condition?: unknown };

/** The statements of the customer-managed policy of the role of the function named `functionName`. */
function policyOf(t: Template, functionName: string): Statement[] {
  const [fn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } })) as Resource[];
  const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = (Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as Resource[]).filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]));
  expect(policies, functionName).toHaveLength(1);
  return (policies[0].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

/** A stage holding the region's network stack and the ingress stack under test, behind the compliance gate. */
function build(environment: EnvironmentPlan, regionIndex = 0): { app: App; ingress: IngressStack; template: Template } {
  const app = newApp();
  const region = environment.regions[regionIndex];
  const stage = new Stage(app, stageName(environment.name, region.name), { env: { account: environment.account, region: region.name } });
  const network = new NetworkStack(stage, 'Network', { environment, region });
  const ingress = new IngressStack(stage, 'Ingress', { environment, region, vpc: network.vpc });
  applyComplianceGate(stage);
  return { app, ingress, template: Template.fromStack(ingress) };
}

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0123abcd-0123-4567-89ab-0123456789ab';

/** The default config's dev environment with its certificate given as an ARN and no Route 53 zone. */
function devWithCertificateArn(): EnvironmentPlan {
  const dev = defaultConfig.environments.dev;
  const ingress = { ...dev.ingress, hostedZoneId: undefined, certificateArns: { 'us-east-1': CERTIFICATE_ARN } };
  const config: GigascaleConfig = { environments: { dev: { ...dev, ingress } } };
  return planOf({ env: 'dev' }, config).environments[0];
}

let environment: EnvironmentPlan;
let dev: ReturnType<typeof build>;
let template: Template;
let prod: Template;

beforeAll(() => {
  environment = planOf({ env: 'dev' }).environments[0];
  dev = build(environment);
  template = dev.template;
  prod = build(planOf({ env: 'prod' }).environments[0]).template;
});

/** The logical id of the only resource of a type whose properties match. */
function logicalId(type: string, props: Record<string, unknown> = {}, t: Template = template): string {
  const ids = Object.keys(t.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0];
}

const attribute = (key: string, value: unknown) => ({ Key: key, Value: value });
const publicSubnet = Match.objectLike({
  'Fn::GetStackOutput': Match.objectLike({ StackName: 'dev-us-east-1-network', OutputName: Match.stringLikeRegexp('PublicSubnet\\dSubnet') }),
});
const patternSet = () => logicalId('AWS::WAFv2::RegexPatternSet');
const alb = () => logicalId('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application' });
const nlb = () => logicalId('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' });
const certificate = () => logicalId('AWS::CertificateManager::Certificate');
const targetGroup = (port: number, protocol: string, sticky?: boolean) =>
  logicalId('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Port: port,
    Protocol: protocol,
    ...(sticky === undefined ? {} : { TargetGroupAttributes: Match.arrayWith([attribute('stickiness.enabled', String(sticky))]) }),
  });

describe('ingress stack', () => {
  it('is named <env>-<region>-ingress and deploys to the environment account and region', () => {
    expect(dev.ingress.stackName).toBe('dev-us-east-1-ingress');
    expect(dev.ingress.account).toBe('111111111111');
    expect(dev.ingress.region).toBe('us-east-1');
  });

  it('refers to no region but its own', () => {
    const text = JSON.stringify(template.toJSON());
    for (const other of Object.keys(REGION_CATALOG).filter((r) => r !== 'us-east-1')) expect(text).not.toContain(other);
  });

  it('exposes the load balancers, security groups, target groups and certificate to other stacks', () => {
    const { ingress } = dev;
    expect(ingress.loadBalancer.node.path).toBe('dev-us-east-1/Ingress/Alb/LoadBalancer');
    expect(ingress.albSecurityGroup.node.path).toBe('dev-us-east-1/Ingress/Alb/SecurityGroup');
    expect(ingress.nlbSecurityGroup.node.path).toBe('dev-us-east-1/Ingress/Turn/SecurityGroup');
    expect(Object.keys(ingress.targetGroups)).toEqual(['gateway', 'chat', 'turnUdp', 'turnTls']);
    expect(ingress.certificate.node.path).toBe('dev-us-east-1/Ingress/Certificate');
  });

  it('outputs the DNS names, security groups, target group ARNs and metric full names under stable ids for weak references', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlbSecurityGroupId',
      'ChatTargetGroupArn',
      'ChatTargetGroupFullName',
      'GatewayTargetGroupArn',
      'GatewayTargetGroupFullName',
      'LoadBalancerDnsName',
      'LoadBalancerFullName',
      'NlbSecurityGroupId',
      'TurnLoadBalancerDnsName',
      'TurnLoadBalancerFullName',
      'TurnTlsTargetGroupArn',
      'TurnTlsTargetGroupFullName',
      'TurnUdpTargetGroupArn',
      'TurnUdpTargetGroupFullName',
    ]);
    template.hasOutput('LoadBalancerFullName', { Value: { 'Fn::GetAtt': [logicalId('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application' }), 'LoadBalancerFullName'] } });
    template.hasOutput('GatewayTargetGroupArn', { Value: { Ref: targetGroup(8080, 'HTTP', false) } });
    template.hasOutput('ChatTargetGroupArn', { Value: { Ref: targetGroup(8080, 'HTTP', true) } });
  });
});

describe('application load balancer', () => {
  it('is internet-facing over IPv4 in the three public subnets, behind its own security group', () => {
    const sg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Origin ALB') });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      IpAddressType: 'ipv4',
      Subnets: [publicSubnet, publicSubnet, publicSubnet],
      SecurityGroups: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
    });
  });

  it('keeps idle connections the planned seconds, drops invalid headers, mitigates desync strictly, speaks HTTP/2 and fails closed without WAF', () => {
    expect(environment.ingress.idleTimeoutSeconds).toBe(3600);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      LoadBalancerAttributes: Match.arrayWith([
        attribute('routing.http2.enabled', 'true'),
        attribute('idle_timeout.timeout_seconds', '3600'),
        attribute('routing.http.drop_invalid_header_fields.enabled', 'true'),
        attribute('routing.http.desync_mitigation_mode', 'strictest'),
        attribute('waf.fail_open.enabled', 'false'),
      ]),
    });
  });

  it.each([
    { env: 'dev (phase 3)', t: () => template, enabled: 'false' },
    { env: 'prod (phase 4)', t: () => prod, enabled: 'true' },
  ])('has deletion protection $enabled on both load balancers in $env', ({ t, enabled }) => {
    t().allResourcesProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([attribute('deletion_protection.enabled', enabled)]),
    });
  });

  it('writes its access logs to the log bucket under alb/, after the bucket policy allows it', () => {
    const bucket = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-alb-logs-111111111111-us-east-1' });
    const policy = logicalId('AWS::S3::BucketPolicy', { Bucket: { Ref: bucket } });
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Properties: Match.objectLike({
        Type: 'application',
        LoadBalancerAttributes: Match.arrayWith([
          attribute('access_logs.s3.enabled', 'true'),
          attribute('access_logs.s3.bucket', { Ref: bucket }),
          attribute('access_logs.s3.prefix', 'alb'),
        ]),
      }),
      DependsOn: [policy],
    });
  });

  it('admits exactly the edge IPv4 ranges on 443 and 80, nothing over IPv6, and lets out only the gateway port into the VPC', () => {
    expect(environment.ingress.edgeIpv4Cidrs).toEqual([...CLOUDFLARE_IPV4].sort());
    const rules = environment.ingress.edgeIpv4Cidrs.flatMap((cidr) => [
      { CidrIp: cidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: `HTTPS from edge ${cidr}` },
      { CidrIp: cidr, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: `HTTP (redirect) from edge ${cidr}` },
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Origin ALB'),
      SecurityGroupIngress: rules,
      SecurityGroupEgress: [{ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Description: 'Gateway pods and their health checks' }],
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('CidrIpv6');
  });
});

describe('listeners', () => {
  it('redirects HTTP on 80 permanently to HTTPS on 443', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: alb() },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  it('serves HTTPS on 443 with the region certificate and a TLS 1.3/1.2 policy, forwarding to the gateway by default', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: alb() },
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
      Certificates: [{ CertificateArn: { Ref: certificate() } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup(8080, 'HTTP', false) } }],
    });
  });

  it('sends /socket.io/* to the sticky target group, and has no other rule', () => {
    const https = logicalId('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: https },
      Priority: 10,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/socket.io/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup(8080, 'HTTP', true) } }],
    });
  });
});

describe('ALB target groups', () => {
  it.each([
    { name: 'gateway', sticky: false, delay: '30' },
    { name: 'chat', sticky: true, delay: '300' },
  ])('$name: IP targets over HTTP on the gateway port, health-checked on the gateway path, draining $delay s', ({ sticky, delay }) => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ StackName: 'dev-us-east-1-network' }) }),
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/gateway/health',
      HealthCheckPort: 'traffic-port',
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([attribute('deregistration_delay.timeout_seconds', delay), attribute('stickiness.enabled', String(sticky))]),
      Targets: Match.absent(),
    });
  });

  it('makes only the Socket.io target group sticky, with a one-day load balancer cookie', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      TargetGroupAttributes: Match.arrayWith([
        attribute('stickiness.enabled', 'true'),
        attribute('stickiness.type', 'lb_cookie'),
        attribute('stickiness.lb_cookie.duration_seconds', '86400'),
      ]),
    });
    const sticky = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).filter((r) =>
      JSON.stringify(r).includes('"Key":"stickiness.enabled","Value":"true"'),
    );
    expect(sticky).toHaveLength(1);
  });
});

describe('certificate and DNS', () => {
  it('requests one DNS-validated certificate for the origin name with the API and TURN names as SANs, in the hosted zone', () => {
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'origin-us-east-1.dev.gigascale.example',
      SubjectAlternativeNames: ['api.dev.gigascale.example', 'turn-us-east-1.dev.gigascale.example'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'origin-us-east-1.dev.gigascale.example', HostedZoneId: 'Z0000000DEVEXAMPLE' },
        { DomainName: 'api.dev.gigascale.example', HostedZoneId: 'Z0000000DEVEXAMPLE' },
        { DomainName: 'turn-us-east-1.dev.gigascale.example', HostedZoneId: 'Z0000000DEVEXAMPLE' },
      ],
      CertificateTransparencyLoggingPreference: 'ENABLED',
      KeyAlgorithm: 'RSA_2048',
    });
  });

  it('points origin-<region> at the ALB and turn-<region> at the NLB with A alias records, and nothing else', () => {
    const records = Object.values(template.findResources('AWS::Route53::RecordSet')) as Resource[];
    expect(records.map((r) => [r.Properties.Name, r.Properties.Type])).toEqual([
      ['origin-us-east-1.dev.gigascale.example.', 'A'],
      ['turn-us-east-1.dev.gigascale.example.', 'A'],
    ]);
    for (const [name, lb] of [
      ['origin', alb()],
      ['turn', nlb()],
    ]) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${name}-us-east-1.dev.gigascale.example.`,
        HostedZoneId: 'Z0000000DEVEXAMPLE',
        AliasTarget: { DNSName: Match.objectLike({ 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [lb, 'DNSName'] }]] }), HostedZoneId: { 'Fn::GetAtt': [lb, 'CanonicalHostedZoneID'] } },
      });
    }
  });

  describe('with a certificate ARN and no hosted zone', () => {
    let variant: ReturnType<typeof build>;
    beforeAll(() => {
      variant = build(devWithCertificateArn());
    });

    it('creates no certificate and no DNS record', () => {
      variant.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      variant.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    it('uses the configured ARN on the HTTPS and the TLS listener', () => {
      for (const port of [443, 5349]) {
        variant.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Certificates: [{ CertificateArn: CERTIFICATE_ARN }] });
      }
      expect(variant.ingress.certificate.certificateArn).toBe(CERTIFICATE_ARN);
    });

    it('passes the compliance gate', () => {
      expect(() => variant.app.synth()).not.toThrow();
    });
  });
});

describe('WAF', () => {
  it('is a regional web ACL named after the stage that allows what no rule blocks', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: 'gigascale-dev-us-east-1-alb',
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'gigascale-dev-us-east-1-alb' },
    });
  });

  it('runs the four AWS managed rule groups as AWS defines them, each with metrics and samples', () => {
    expect([...MANAGED_RULE_GROUPS].sort()).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith(
        MANAGED_RULE_GROUPS.map((group, i) => ({
          Name: group,
          Priority: (i + 1) * 10,
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: group } },
          OverrideAction: { None: {} },
          VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `gigascale-dev-us-east-1-alb-${group}` },
        })),
      ),
    });
  });

  it.each([
    { env: 'dev', t: () => template, limit: 2000 },
    { env: 'prod', t: () => prod, limit: 10_000 },
  ])('blocks a client IP (CF-Connecting-IP) over $limit requests in 5 minutes in $env, last', ({ env, t, limit }) => {
    const acl = Object.values(t().findResources('AWS::WAFv2::WebACL'))[0] as Resource;
    const rules = acl.Properties.Rules as { Name: string; Priority: number }[];
    expect(rules.map((r) => r.Name)).toEqual(['EdgeOriginToken', ...MANAGED_RULE_GROUPS, 'RateLimitPerClientIp']);
    expect(rules.at(-1)).toEqual({
      Name: 'RateLimitPerClientIp',
      Priority: 50,
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: limit,
          EvaluationWindowSec: 300,
          AggregateKeyType: 'FORWARDED_IP',
          ForwardedIPConfig: { HeaderName: 'CF-Connecting-IP', FallbackBehavior: 'MATCH' },
        },
      },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `gigascale-${env}-us-east-1-alb-RateLimitPerClientIp` },
    });
  });

  it('is associated with the ALB', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: alb() },
      WebACLArn: { 'Fn::GetAtt': [logicalId('AWS::WAFv2::WebACL'), 'Arn'] },
    });
  });

  it('logs every request to aws-waf-logs-<stage>, encrypted with the ingress key, kept the planned days', () => {
    const key = logicalId('AWS::KMS::Key');
    const group = logicalId('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-gigascale-dev-us-east-1' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({
        LogGroupName: 'aws-waf-logs-gigascale-dev-us-east-1',
        KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
        RetentionInDays: environment.network.flowLogRetentionDays,
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::WAFv2::LoggingConfiguration', {
      Properties: Match.objectLike({
        ResourceArn: { 'Fn::GetAtt': [logicalId('AWS::WAFv2::WebACL'), 'Arn'] },
        LogDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-gigascale-dev-us-east-1'],
      }),
      DependsOn: [group],
    });
  });

  it('redacts the authorization, cookie and origin token headers from the WAF log', () => {
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { SingleHeader: { Name: 'x-gigascale-origin-token' } },
      ],
    });
  });

  it('rotates the ingress key, names it alias/gigascale/<env>/ingress and lets CloudWatch Logs use it for the WAF log group only', () => {
    const key = logicalId('AWS::KMS::Key');
    template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true, PendingWindowInDays: 30 }), DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/dev/ingress', TargetKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-gigascale-dev-us-east-1' } },
          }),
        ]),
      },
    });
  });
});

describe('edge origin token', () => {
  const secretType = 'AWS::SecretsManager::Secret';
  let prodPlan: EnvironmentPlan;
  let secondary: ReturnType<typeof build>;
  beforeAll(() => {
    prodPlan = planOf({ env: 'prod' }).environments[0];
    secondary = build(prodPlan, prodPlan.regions.findIndex((r) => r.name === 'eu-west-1'));
  });

  it('is a generated 48-character secret in the write region, replicated to the other regions in plan order and retained', () => {
    expect(prodPlan.regions.map((r) => [r.name, r.isWriteRegion])).toEqual([
      ['us-east-1', true],
      ['us-west-2', false],
      ['eu-west-1', false],
      ['ap-southeast-1', false],
    ]);
    expect(Object.values(prod.findResources(secretType)).map((r) => (r as Resource).Properties.Name)).toEqual(['gigascale/prod/edge/origin-token', 'gigascale/prod/edge/cloudflare-api']);
    prod.hasResource(secretType, {
      Properties: Match.objectLike({
        Name: 'gigascale/prod/edge/origin-token',
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
        ReplicaRegions: [{ Region: 'us-west-2' }, { Region: 'eu-west-1' }, { Region: 'ap-southeast-1' }],
        KmsKeyId: Match.absent(),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is not created, rotated nor synced to the edge outside the write region, where the WAF sync reads the replica', () => {
    secondary.template.resourceCountIs(secretType, 0);
    secondary.template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(secondary.ingress.originTokenSecret).toBeUndefined();
    expect(secondary.ingress.edgeTokenSync).toBeUndefined();
    secondary.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'gigascale-prod-eu-west-1-origin-token-waf-sync',
      Environment: { Variables: { SECRET_ID: 'gigascale/prod/edge/origin-token', PATTERN_SET_NAME: 'gigascale-prod-eu-west-1-origin-token', PATTERN_SET_ID: Match.anyValue() } },
    });
    const policy = policyOf(secondary.template, 'gigascale-prod-eu-west-1-origin-token-waf-sync');
    expect(policy[0]).toEqual({
      Sid: 'ReadTheOriginToken',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:gigascale/prod/edge/origin-token-??????',
    });
  });

  it('blocks first (priority 0) every request whose x-gigascale-origin-token matches no pattern of the region\'s token set', () => {
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as Resource;
    const rules = acl.Properties.Rules as { Priority: number }[];
    expect(Math.min(...rules.map((r) => r.Priority))).toBe(0);
    expect(rules[0]).toEqual({
      Name: 'EdgeOriginToken',
      Priority: 0,
      Action: { Block: {} },
      Statement: {
        NotStatement: {
          Statement: {
            RegexPatternSetReferenceStatement: {
              Arn: { 'Fn::GetAtt': [patternSet(), 'Arn'] },
              FieldToMatch: { SingleHeader: { Name: 'x-gigascale-origin-token' } },
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
        },
      },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'gigascale-dev-us-east-1-alb-EdgeOriginToken' },
    });
    expect(JSON.stringify(acl)).not.toContain('resolve:secretsmanager');
  });

  it('creates the token set matching nothing, for its sync function to fill', () => {
    template.hasResourceProperties('AWS::WAFv2::RegexPatternSet', {
      Name: 'gigascale-dev-us-east-1-origin-token',
      Scope: 'REGIONAL',
      RegularExpressionList: [NO_TOKEN_PATTERN],
    });
    expect(new RegExp(NO_TOKEN_PATTERN).test('')).toBe(false);
    expect(new RegExp(NO_TOKEN_PATTERN).test('a')).toBe(false);
  });

  it('makes the web ACL wait for the first sync, which waits for the secret and the function\'s policy', () => {
    const firstSync = logicalId('Custom::OriginTokenPatterns');
    template.hasResource('AWS::WAFv2::WebACL', { DependsOn: [firstSync] });
    template.hasResource('Custom::OriginTokenPatterns', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', { FunctionName: 'gigascale-dev-us-east-1-origin-token-waf-sync' }), 'Arn'] },
        PatternSet: 'gigascale-dev-us-east-1-origin-token',
        Description: 'Edge origin tokens the ALB accepts, written by gigascale-dev-us-east-1-origin-token-waf-sync from gigascale/dev/edge/origin-token',
        RegularExpressionList: [NO_TOKEN_PATTERN],
        Tags: Match.anyValue(),
        Secret: 'gigascale/dev/edge/origin-token',
      },
      DependsOn: [logicalId(secretType, { Name: 'gigascale/dev/edge/origin-token' }), logicalId('AWS::IAM::ManagedPolicy', { Description: Match.stringLikeRegexp('^Origin token WAF sync') })],
    });
  });

  it('syncs again after any deploy that updates the token set: the first sync carries every property of the set, tags included', () => {
    const set = (template.toJSON().Resources[patternSet()] as Resource).Properties;
    const sync = (template.toJSON().Resources[logicalId('Custom::OriginTokenPatterns')] as Resource).Properties;
    expect(Object.keys(set).sort()).toEqual(['Description', 'Name', 'RegularExpressionList', 'Scope', 'Tags']);
    expect([sync.PatternSet, sync.Description, sync.RegularExpressionList]).toEqual([set.Name, set.Description, set.RegularExpressionList]);
    expect(sync.Tags).toEqual((set.Tags as { Key: string; Value: string }[]).map((t) => ({ key: t.Key, value: t.Value })));
    expect(set.Tags).toContainEqual({ Key: 'concern', Value: 'ingress' });
  });

  it('runs the WAF sync every 5 minutes, invoked by its rule only, with a role that reads the token and writes its set', () => {
    const fn = logicalId('AWS::Lambda::Function', { FunctionName: 'gigascale-dev-us-east-1-origin-token-waf-sync' });
    const rule = logicalId('AWS::Events::Rule', { Description: 'Runs gigascale-dev-us-east-1-origin-token-waf-sync every 5 minutes' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: [{ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Id: 'Target0' }] });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rule, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'gigascale-dev-us-east-1-origin-token-waf-sync', Code: { ZipFile: wafTokenSyncScript() } });
    expect(policyOf(template, 'gigascale-dev-us-east-1-origin-token-waf-sync').map((st) => [st.Sid, st.Action, st.Resource])).toEqual([
      [
        'ReadTheOriginToken',
        'secretsmanager:GetSecretValue',
        'arn:aws:secretsmanager:us-east-1:111111111111:secret:gigascale/dev/edge/origin-token-??????',
      ],
      ['WriteThePatternSet', ['wafv2:GetRegexPatternSet', 'wafv2:UpdateRegexPatternSet'], { 'Fn::GetAtt': [patternSet(), 'Arn'] }],
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/ingress/origin-token-waf-sync' }), 'Arn'] }],
    ]);
  });

  it('rotates the token every 30 days with a function that may restage this secret only', () => {
    const fn = logicalId('AWS::Lambda::Function', { FunctionName: 'gigascale-dev-us-east-1-origin-token-rotation' });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(secretType, { Name: 'gigascale/dev/edge/origin-token' }) },
      RotationLambdaARN: { 'Fn::GetAtt': [fn, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'gigascale-dev-us-east-1-origin-token-rotation', Code: { ZipFile: secretRotationScript() } });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'secretsmanager.amazonaws.com', SourceAccount: '111111111111' });
    expect(policyOf(template, 'gigascale-dev-us-east-1-origin-token-rotation').map((st) => [st.Sid, st.Resource])).toEqual([
      ['RotateTheSecret', { Ref: logicalId(secretType, { Name: 'gigascale/dev/edge/origin-token' }) }],
      ['WriteOwnLogs', { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/ingress/origin-token-rotation' }), 'Arn'] }],
    ]);
  });

  it('syncs current to Cloudflare from the write region, with credentials of its own under the ingress key', () => {
    const credentials = logicalId(secretType, { Name: 'gigascale/dev/edge/cloudflare-api' });
    template.hasResource(secretType, {
      Properties: Match.objectLike({
        Name: 'gigascale/dev/edge/cloudflare-api',
        KmsKeyId: { 'Fn::GetAtt': [logicalId('AWS::KMS::Key'), 'Arn'] },
        GenerateSecretString: { SecretStringTemplate: '{"accountId":"set-me","zoneId":"set-me"}', GenerateStringKey: 'apiToken', ExcludePunctuation: true },
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'gigascale-dev-us-east-1-origin-token-edge-sync',
      Code: { ZipFile: edgeTokenSyncScript() },
      Environment: {
        Variables: {
          API_URL: 'https://api.cloudflare.com/client/v4',
          TOKEN_SECRET_ID: { Ref: logicalId(secretType, { Name: 'gigascale/dev/edge/origin-token' }) },
          CREDENTIALS_SECRET_ID: { Ref: credentials },
          TOKEN_HEADER: 'x-gigascale-origin-token',
          RULE_PHASE: 'http_request_late_transform',
          RULE_REF: 'origin_token',
          MONITOR_DESCRIPTION: edgePlan(environment).monitor.description,
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { Description: 'Runs gigascale-dev-us-east-1-origin-token-edge-sync every 5 minutes', ScheduleExpression: 'rate(5 minutes)' });
    expect(policyOf(template, 'gigascale-dev-us-east-1-origin-token-edge-sync').map((st) => [st.Sid, st.Action, st.Resource, st.Condition])).toEqual([
      ['ReadTheTokenAndTheCredentials', 'secretsmanager:GetSecretValue', [{ Ref: logicalId(secretType, { Name: 'gigascale/dev/edge/origin-token' }) }, { Ref: credentials }], undefined],
      ['UseTheCredentialsKeyThroughSecretsManager', 'kms:Decrypt', { 'Fn::GetAtt': [logicalId('AWS::KMS::Key'), 'Arn'] }, { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } }],
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/ingress/origin-token-edge-sync' }), 'Arn'] }, undefined],
    ]);
  });

  it('substitutes the token, bearer tokens and cookies wherever WAF shows request data, sampled requests included', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      DataProtectionConfig: {
        DataProtections: [{ Field: { FieldType: 'SINGLE_HEADER', FieldKeys: ['authorization', 'cookie', 'x-gigascale-origin-token'] }, Action: 'SUBSTITUTION' }],
      },
    });
  });
});

describe('TURN relay NLB', () => {
  it('is internet-facing over IPv4 in the public subnets, cross-zone, behind its own security group', () => {
    const sg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^TURN relay NLB') });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
      IpAddressType: 'ipv4',
      Subnets: [publicSubnet, publicSubnet, publicSubnet],
      SecurityGroups: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
      LoadBalancerAttributes: Match.arrayWith([attribute('load_balancing.cross_zone.enabled', 'true')]),
    });
  });

  it('logs its TLS listener to the log bucket under nlb/', () => {
    const bucket = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-alb-logs-111111111111-us-east-1' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      LoadBalancerAttributes: Match.arrayWith([
        attribute('access_logs.s3.enabled', 'true'),
        attribute('access_logs.s3.bucket', { Ref: bucket }),
        attribute('access_logs.s3.prefix', 'nlb'),
      ]),
    });
  });

  it('admits exactly UDP 3478 and TCP 5349 from anywhere, and lets out only 3478 into the VPC', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^TURN relay NLB'),
      SecurityGroupIngress: [
        { CidrIp: '0.0.0.0/0', IpProtocol: 'udp', FromPort: 3478, ToPort: 3478, Description: 'TURN over UDP from WebRTC clients' },
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 5349, ToPort: 5349, Description: 'TURN over TLS from WebRTC clients' },
      ],
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '10.0.0.0/16', IpProtocol: 'udp', FromPort: 3478, ToPort: 3478 }),
        Match.objectLike({ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 3478, ToPort: 3478 }),
      ],
    });
  });

  it('forwards UDP 3478 to the UDP target group', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: nlb() },
      Port: 3478,
      Protocol: 'UDP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup(3478, 'UDP') } }],
    });
  });

  it('terminates TLS on 5349 with the region certificate and forwards TCP to the TLS target group', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: nlb() },
      Port: 5349,
      Protocol: 'TLS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
      Certificates: [{ CertificateArn: { Ref: certificate() } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup(3478, 'TCP') } }],
    });
  });

  it.each(['UDP', 'TCP'])('has a %s target group of IP targets on 3478, health-checked over TCP on 3478', (protocol) => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Protocol: protocol,
      Port: 3478,
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'TCP',
      HealthCheckPort: '3478',
      Targets: Match.absent(),
    });
  });

  it('has exactly two listeners on each load balancer', () => {
    for (const lb of [alb(), nlb()]) {
      expect(Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::Listener', { Properties: Match.objectLike({ LoadBalancerArn: { Ref: lb } }) }))).toHaveLength(2);
    }
  });
});

describe('log buckets', () => {
  it.each([
    { bucket: 'gigascale-dev-alb-logs-111111111111-us-east-1' },
    { bucket: 'gigascale-dev-alb-logs-audit-111111111111-us-east-1' },
  ])('$bucket is SSE-S3, private, versioned, expires its logs and is retained', ({ bucket }) => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: bucket,
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'expire-logs', Status: 'Enabled', ExpirationInDays: environment.network.flowLogRetentionDays, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
          ]),
        },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('sends the log bucket\'s S3 server access logs to the audit bucket', () => {
    const audit = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-alb-logs-audit-111111111111-us-east-1' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'gigascale-dev-alb-logs-111111111111-us-east-1',
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: { Ref: audit } }),
    });
  });

  it('refuses requests without TLS and lets the us-east-1 ELB account write only under alb/ and nlb/ for this account', () => {
    const bucket = logicalId('AWS::S3::Bucket', { BucketName: 'gigascale-dev-alb-logs-111111111111-us-east-1' });
    const under = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}/AWSLogs/111111111111/*`]] });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          { Effect: 'Allow', Action: 's3:PutObject', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Resource: under('alb') },
          { Effect: 'Allow', Action: 's3:PutObject', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Resource: under('nlb') },
        ]),
      },
    });
  });
});

describe('compliance', () => {
  it('synthesizes a prod region other than the first (eu-west-1) through the gate', () => {
    const plan = planOf({ env: 'prod' }).environments[0];
    const { app, template: eu } = build(plan, plan.regions.findIndex((r) => r.name === 'eu-west-1'));
    eu.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'origin-eu-west-1.gigascale.example' });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('props validation', () => {
  it('refuses an environment with no IPv4 edge range and no way to get a certificate, naming both problems', () => {
    const ingress = { ...environment.ingress, edgeIpv4Cidrs: [], hostedZoneId: null, certificateArns: {} };
    let message = '';
    try {
      build({ ...environment, ingress });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        'Invalid ingress (2 problems):',
        '  - dev-us-east-1/Ingress: ingress.edgeIpv4Cidrs must list at least one CIDR: the VPC has no IPv6, so the ALB admits IPv4 edge ranges only, got none (edgeIpv6Cidrs: 7)',
        '  - dev-us-east-1/Ingress: ingress needs hostedZoneId (to validate a certificate) or certificateArns.us-east-1, got neither',
      ].join('\n'),
    );
  });
});
