import { Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { CfnResource } from 'aws-cdk-lib';
import { acknowledgedFindings, acknowledgedRules } from './acknowledgments';
import { StackLimitsGuard } from './limits-guard';

export { NAG_ACKNOWLEDGMENTS, type NagAcknowledgment } from './acknowledgments';
export { StackLimitsGuard } from './limits-guard';

/**
 * The compliance gate of a stage: cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs and the stack limits guard
 * run when the stage is synthesized, and any unacknowledged finding fails synthesis. Call it after every stack of
 * the stage exists, so the acknowledgments reach all resources.
 */
export function applyComplianceGate(stage: Stage): void {
  Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage), new NIST80053R5Checks(stage), new StackLimitsGuard());
  for (const node of stage.node.findAll()) {
    for (const a of acknowledgedRules(node)) {
      const ids = CfnResource.isCfnResource(node) ? acknowledgedFindings(node, a) : [a.rule];
      Validations.of(node).acknowledge(...ids.map((id) => ({ id, reason: a.reason })));
    }
  }
}
