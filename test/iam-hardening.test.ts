/**
 * IAM in every template of the default stages: no Allow statement grants a security-group or web-ACL change on every
 * resource without a condition, none lets a principal create KMS grants, and the load balancer controller's policy is the narrowed one
 * (lib/views/alb-controller-policy.ts) with the features it leaves out turned off.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation properties are read as parsed JSON */
import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ALB_CONTROLLER_READ_ACTIONS } from '../lib/views/alb-controller-policy';
import type { RegionStage } from '../stacks/stage';
import { planOf, stagesOf } from './support/synth';

interface Statement {
  readonly where: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: unknown;
  readonly Sid?: string;
}

/** Changes to security groups, web ACLs and Shield protections: what no unconditioned `*` statement may allow. */
const GUARDED = [
  /^ec2:(\*|AuthorizeSecurityGroup|RevokeSecurityGroup|ModifySecurityGroupRules|UpdateSecurityGroupRuleDescriptions|CreateSecurityGroup|DeleteSecurityGroup)/,
  /^(wafv2|waf-regional|waf):(\*|Associate|Disassociate|Put|Delete|Create|Update)/,
  /^elasticloadbalancing:(\*|SetWebAcl|SetSecurityGroups)/,
  /^shield:(\*|Create|Delete)/,
];

let stages: RegionStage[];
const statements: Statement[] = [];

beforeAll(() => {
  stages = stagesOf(planOf()).stages;
  for (const s of stages) {
    for (const stack of s.node.children.filter((c): c is Stack => c instanceof Stack)) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
      for (const [id, r] of Object.entries(resources)) {
        const documents =
          r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
            ? [r.Properties.PolicyDocument]
            : r.Type === 'AWS::IAM::Role'
              ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
              : [];
        for (const d of documents) for (const st of d.Statement) statements.push({ where: `${stack.stackName}/${id}`, ...st });
      }
    }
  }
});

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('IAM hardening', () => {
  it('grants no security-group, web-ACL or Shield change on * without a condition, in any template', () => {
    expect(statements.length).toBeGreaterThan(100);
    const open = statements.filter((s) => s.Effect === 'Allow' && s.Condition === undefined && list(s.Resource).includes('*'));
    const offending = open.flatMap((s) => list(s.Action).filter((a) => GUARDED.some((g) => g.test(a))).map((a) => `${s.where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('lets no principal create KMS grants: no statement these stacks write allows kms:CreateGrant, kms:* or *', () => {
    const granting = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a === '*' || a === 'kms:*' || a === 'kms:CreateGrant'));
    expect(granting.map((s) => s.where)).toEqual([]);
  });

  it('lets the load balancer controller read, register pods in the environment\'s target groups and open only the cluster security group', () => {
    const controller = statements.filter((s) => s.where.startsWith('prod-eu-west-1-compute/') && /AlbControlleralbsaRoleDefaultPolicy/.test(s.where));
    const partitioned = (arn: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, arn]] });
    expect(controller.map((s) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'where')))).toEqual([
      { Sid: 'Read', Effect: 'Allow', Action: [...ALB_CONTROLLER_READ_ACTIONS].sort(), Resource: '*' },
      {
        Sid: 'RegisterPodsInTheEnvironmentsTargetGroups',
        Effect: 'Allow',
        Action: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
        Resource: partitioned(':elasticloadbalancing:eu-west-1:222222222222:targetgroup/*/*'),
        Condition: { StringEquals: { 'aws:ResourceTag/project': 'gigascale', 'aws:ResourceTag/env': 'prod' } },
      },
      {
        Sid: 'OpenTheClusterSecurityGroupToTheLoadBalancers',
        Effect: 'Allow',
        Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        Resource: partitioned(':ec2:eu-west-1:222222222222:security-group/*'),
        Condition: { StringEquals: { 'aws:ResourceTag/aws:eks:cluster-name': 'gigascale-prod-eu-west-1' } },
      },
    ]);
    // Every read action is a Describe or a Get.
    expect(ALB_CONTROLLER_READ_ACTIONS.filter((a) => !/^(ec2|elasticloadbalancing):(Describe|Get)/.test(a))).toEqual([]);
  });

  it('turns off the controller\'s Shield, WAF and WAFv2 features, which its policy does not allow', () => {
    const s = stages.find((x) => x.stageName === 'prod-eu-west-1')!;
    const charts = Object.values(Template.fromStack(s.compute).findResources('Custom::AWSCDK-EKS-HelmChart')) as { Properties: any }[];
    const values = JSON.stringify(charts.find((c) => c.Properties.Chart === 'aws-load-balancer-controller')!.Properties.Values);
    expect(values).toContain('\\"enableShield\\":false,\\"enableWaf\\":false,\\"enableWafv2\\":false');
  });
});
