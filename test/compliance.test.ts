import { describe, expect, it } from 'vitest';
import { type App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NAG_ACKNOWLEDGMENTS, StackLimitsGuard } from '../stacks/compliance';
import { newApp, planOf, stage, stagesOf } from './support/synth';

describe('compliance gate', () => {
  it('passes cdk-nag AwsSolutions and NIST 800-53 rev 5 for every default stage', () => {
    const { app } = stagesOf(planOf());
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on an unacknowledged finding, naming rule and resource', () => {
    const { app, stages } = stagesOf(planOf({ env: 'dev' }));
    const network = stage(stages, 'dev-us-east-1').network;
    const sg = new ec2.SecurityGroup(network, 'WideOpen', { vpc: network.vpc, description: 'test' });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh from anywhere');
    expect(() => app.synth()).toThrow(/AwsSolutions-EC23[\s\S]*dev-us-east-1\/Network\/WideOpen\/Resource/);
  });

  it('gives every acknowledgment a reason a reviewer can read and a narrow scope', () => {
    for (const a of NAG_ACKNOWLEDGMENTS) {
      expect(a.reason.length, a.rule).toBeGreaterThan(80);
      expect(a.rule).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5|CloudFormation-Validate)::/);
      expect(a.resourceType).toMatch(/^AWS::/);
    }
  });
});

describe('stack limits guard', () => {
  function appWith(resources: number): App {
    const app = newApp();
    const s = new Stage(app, 'test-us-east-1', { env: { account: '123456789012', region: 'us-east-1' } });
    const stack = new Stack(s, 'Big', { stackName: 'test-us-east-1-big' });
    for (let i = 0; i < resources; i++) new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' });
    Validations.of(s).addPlugins(new StackLimitsGuard());
    return app;
  }

  it('lets a stack of 400 resources through', () => {
    expect(() => appWith(400).synth()).not.toThrow();
  });

  it('fails a stack of 401 resources, naming it', () => {
    expect(() => appWith(401).synth()).toThrow(
      /test-us-east-1\/Big declares 401 resources, over the limit of 400 \(80 % of CloudFormation's 500\); split it into more stacks/,
    );
  });

  it('fails a template over 800,000 bytes, naming it', () => {
    const app = newApp();
    const s = new Stage(app, 'test-us-east-1', { env: { account: '123456789012', region: 'us-east-1' } });
    const stack = new Stack(s, 'Wide');
    for (let i = 0; i < 100; i++) {
      new CfnResource(stack, `Param${i}`, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x'.repeat(8_200) } });
    }
    Validations.of(s).addPlugins(new StackLimitsGuard());
    expect(() => app.synth()).toThrow(/test-us-east-1\/Wide template is \d+ bytes, over the limit of 800000/);
  });
});
