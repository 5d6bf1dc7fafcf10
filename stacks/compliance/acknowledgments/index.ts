/**
 * Every finding gigascale accepts, from cdk-nag and from the second scanner (CloudFormation Guard with AWS Control
 * Tower's proactive controls, stacks/compliance/cfn-guard.ts), with the reason: one file per concern in this folder
 * (shared.ts: what every stack builds alike), combined here. A reviewer who wants to know what the compliance gate
 * lets through reads this folder and nothing else; test/compliance.test.ts proves each entry suppresses a finding
 * the checks report in the default stages.
 *
 * An acknowledgment names the rule as its check reports it (`<pack>::<rule id>`, `CfnGuard::<control>`), the reason, and which resources it
 * covers: a CloudFormation type plus a test on the construct path, never a whole stack. AwsSolutions-IAM5 reports one
 * finding per wildcard resource, with the ARN in the finding (`...IAM5[Resource::arn:aws:s3:::bucket/*]`); an entry
 * with `wildcardResources` acknowledges exactly the wildcard ARNs of the covered policy that match it, whatever
 * environment, account or region they name.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { covers, type NagAcknowledgment } from './acknowledgment';
import { BACKUP_ACKNOWLEDGMENTS } from './backup';
import { BUS_ACKNOWLEDGMENTS } from './bus';
import { CHAOS_ACKNOWLEDGMENTS } from './chaos';
import { CACHE_ACKNOWLEDGMENTS } from './cache';
import { COMPUTE_ACKNOWLEDGMENTS } from './compute';
import { DATA_ACKNOWLEDGMENTS } from './data';
import { INGRESS_ACKNOWLEDGMENTS } from './ingress';
import { MEDIA_ACKNOWLEDGMENTS } from './media';
import { NETWORK_ACKNOWLEDGMENTS } from './network';
import { OBSERVABILITY_ACKNOWLEDGMENTS } from './observability';
import { PIPELINE_ACKNOWLEDGMENTS } from './pipeline';
import { SHARED_ACKNOWLEDGMENTS } from './shared';

export { acknowledgedFindings, type NagAcknowledgment } from './acknowledgment';

/** All acknowledgments, in the order of the stacks a stage builds. */
export const NAG_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  ...NETWORK_ACKNOWLEDGMENTS,
  ...DATA_ACKNOWLEDGMENTS,
  ...CACHE_ACKNOWLEDGMENTS,
  ...MEDIA_ACKNOWLEDGMENTS,
  ...BUS_ACKNOWLEDGMENTS,
  ...INGRESS_ACKNOWLEDGMENTS,
  ...COMPUTE_ACKNOWLEDGMENTS,
  ...BACKUP_ACKNOWLEDGMENTS,
  ...OBSERVABILITY_ACKNOWLEDGMENTS,
  ...CHAOS_ACKNOWLEDGMENTS,
  ...PIPELINE_ACKNOWLEDGMENTS,
  ...SHARED_ACKNOWLEDGMENTS,
];

/** The acknowledgments that cover one construct: none unless it is a CloudFormation resource they match. */
export function acknowledgedRules(node: IConstruct): NagAcknowledgment[] {
  if (!CfnResource.isCfnResource(node)) return [];
  return NAG_ACKNOWLEDGMENTS.filter((a) => covers(a, node));
}
