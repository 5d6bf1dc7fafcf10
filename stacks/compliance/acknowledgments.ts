/**
 * Every cdk-nag finding gigascale accepts, with the reason, in one place. A reviewer who wants to know what the
 * compliance gate lets through reads this file and nothing else.
 *
 * An acknowledgment names the rule as cdk-nag reports it (`<pack>::<rule id>`), the reason, and which resources it
 * covers: a CloudFormation type plus a test on the construct path, never a whole stack.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgment {
  /** Rule as cdk-nag prints it after "Acknowledge with". */
  readonly rule: string;
  /** Why the finding is acceptable, for the reviewer and the auditor. */
  readonly reason: string;
  /** CloudFormation type of the resources covered. */
  readonly resourceType: string;
  /** Covers only resources whose construct path matches. */
  readonly pathPattern: RegExp;
}

export const NAG_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
    reason:
      'Public subnets exist to hold the internet-facing ALB and the NAT gateways; both need the 0.0.0.0/0 route to the ' +
      'internet gateway. Nothing else is placed in them (no public IPs are auto-assigned), and private and isolated ' +
      'subnets have no IGW route.',
    resourceType: 'AWS::EC2::Route',
    pathPattern: /\/Vpc\/PublicSubnet\d+\/DefaultRoute$/,
  },
  {
    rule: 'CloudFormation-Validate::W3010',
    reason:
      'Availability zones are pinned on purpose: synth runs offline with no AZ lookups (ARCHITECTURE.md principle 1), ' +
      'the names come from the region catalog or the config, and an account whose AZ names differ pins its own azs ' +
      'in regions.config.ts.',
    resourceType: 'AWS::EC2::Subnet',
    pathPattern: /\/Vpc\/(Public|Private|Isolated)Subnet\d+\/Subnet$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    reason:
      'The enhanced monitoring role carries the AWS-maintained service-role policy RDS documents for it. It only lets ' +
      'RDS write OS metrics to the RDSOSMetrics log group; a hand-written copy would add wildcards of its own and ' +
      'miss AWS updates.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /\/Data\/MonitoringRole\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan',
    reason:
      'Aurora backs up at the cluster, not the instance: every shard cluster has continuous backups with point-in-time ' +
      'restore kept 7..35 days (backupRetentionDays, validated >= 7), DeletionPolicy/UpdateReplacePolicy Snapshot, and ' +
      'a copy in every other region through its global database. An AWS Backup plan (cross-account vault copies) is ' +
      'not part of the data-tier issue and is noted in its closing note.',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: /\/Shards\d+\/shard-\d{4}\/Instance\d+$/,
  },
  // -- Cache stack (issue 5) --
  // -- Media stack (issue 5) --
  // -- Bus stack (issue 5) --
];

/** The acknowledgments that cover one construct: none unless it is a CloudFormation resource they match. */
export function acknowledgedRules(node: IConstruct): NagAcknowledgment[] {
  if (!CfnResource.isCfnResource(node)) return [];
  return NAG_ACKNOWLEDGMENTS.filter((a) => node.cfnResourceType === a.resourceType && a.pathPattern.test(node.node.path));
}
