import { describe, expect, it } from 'vitest';
import { type App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NAG_ACKNOWLEDGMENTS, type NagAcknowledgment, StackLimitsGuard } from '../stacks/compliance';
import { acknowledgedFindings, acknowledgedRules } from '../stacks/compliance/acknowledgments';
import { newApp, planOf, stage, stagesOf } from './support/synth';
import { addPipeline } from '../stacks/app';
import { defaultSynth } from './support/default-synth';
import { synthesizedSlackStage } from './support/optional-stage';
import { suppressedFindings, unacknowledgedFindings, type SuppressedFinding } from './support/validation-report';

/** An acknowledgment as a failing test names it: rule, accepted wildcard ARNs, resource type and construct path. */
function describeAcknowledgment(a: NagAcknowledgment): string {
  const wildcards =
    (a.wildcardResources === undefined ? '' : ` [Resource::${a.wildcardResources.source}]`) + (a.wildcardActions === undefined ? '' : ` [Action::${a.wildcardActions.source}]`);
  return `${a.rule}${wildcards} on ${a.resourceType} ${a.pathPattern.source}`;
}

/**
 * The acknowledgments that suppressed nothing in `app`: for each, no resource it covers has a finding, reported by a
 * plugin, that the report records as suppressed with one of the ids the gate acknowledged for it and its reason.
 */
function unusedAcknowledgments(app: Construct, suppressed: readonly SuppressedFinding[]): string[] {
  const reasonOf = new Map(suppressed.map((f) => [`${f.id} ${f.path}`, f.reason]));
  const used = new Set<NagAcknowledgment>();
  for (const node of app.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    for (const a of acknowledgedRules(node)) {
      if (acknowledgedFindings(node, a).some((id) => reasonOf.get(`${id} ${node.node.path}`) === a.reason)) used.add(a);
    }
  }
  return NAG_ACKNOWLEDGMENTS.filter((a) => !used.has(a)).map(describeAcknowledgment);
}

describe('compliance gate over the default stages', () => {
  // The findings come from the run's one `npx cdk synth` of the default config (test/support/default-synth.ts); the
  // acknowledgments are read from the same stages built here, which is all the gate does before synthesis.
  it('passes cdk-nag AwsSolutions and NIST 800-53 rev 5 for every default stage, with no finding left unacknowledged', async () => {
    expect(unacknowledgedFindings((await defaultSynth()).outdir)).toEqual([]);
  });

  it('uses every acknowledgment: each suppresses a finding reported on a resource it covers, by default or with Slack', async () => {
    const slack = synthesizedSlackStage();
    const unusedWithSlack = new Set(unusedAcknowledgments(slack.stage, suppressedFindings(slack.outdir)));
    // The default stages and the deploy pipeline over them, as bin/app.ts builds them: CDK Pipelines reads each
    // stage's synthesized assembly.
    const plan = planOf();
    const { app, stages } = stagesOf(plan);
    for (const s of stages) s.synth();
    addPipeline(app, plan, stages);
    const unused = unusedAcknowledgments(app, suppressedFindings((await defaultSynth()).outdir));
    expect(unused.filter((a) => unusedWithSlack.has(a))).toEqual([]);
    // The acknowledgment only Slack's resources need is used there, not by default.
    expect(unused.filter((a) => !unusedWithSlack.has(a))).toEqual([
      'AwsSolutions::AwsSolutions-IAM5 [Resource::^\\*$] on AWS::IAM::ManagedPolicy ^[a-z0-9-]+\\/Observability\\/Chat\\/Policy\\/Resource$',
    ]);
  });

  it('passes cdk-nag for a stage with Slack channels (AWS Chatbot), which the default stages do not have', () => {
    // Only the gate's packs: aws-cdk-lib's own template validation of this partial stage is not the app's (bin/app.ts).
    const nag = unacknowledgedFindings(synthesizedSlackStage().outdir).filter((f) => !f.startsWith('CloudFormation Validate: '));
    expect(nag).toEqual([]);
  });
});

describe('compliance gate', () => {
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
      // An auditor cannot look up this project's issues: a reason says what the control is instead.
      expect(a.reason, a.rule).not.toMatch(/\bissues?\b|#\d/i);
      expect(a.rule).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5|CloudFormation-Validate|CfnGuard)::/);
      expect(a.resourceType).toMatch(/^AWS::/);
      // Scoped by construct path, never by a CDK-generated id (`Foo8A3B2C1D`), which changes with the tree.
      expect(a.pathPattern.source, a.rule).not.toMatch(/[A-Za-z][0-9A-F]{8}(?![0-9A-Za-z])/);
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
