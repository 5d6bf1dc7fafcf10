import { Validations, type IPolicyValidationPlugin, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { CfnResource } from 'aws-cdk-lib';
import { acknowledgedFindings, acknowledgedRules } from './acknowledgments';
import { StackLimitsGuard } from './limits-guard';

export { NAG_ACKNOWLEDGMENTS, type NagAcknowledgment } from './acknowledgments';
export { STACK_LIMITS_PLUGIN, StackLimitsGuard } from './limits-guard';

/**
 * The compliance gate of a stage: cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs and the stack limits guard
 * run when the stage is synthesized, and any unacknowledged finding fails synthesis. Call it after every stack of
 * the stage exists, so the acknowledgments reach all resources.
 */
export function applyComplianceGate(stage: Stage): void {
  Validations.of(stage).addPlugins(...[new AwsSolutionsChecks(stage), new NIST80053R5Checks(stage), new StackLimitsGuard()].map(timed));
  for (const node of stage.node.findAll()) {
    for (const a of acknowledgedRules(node)) {
      const ids = CfnResource.isCfnResource(node) ? acknowledgedFindings(node, a) : [a.rule];
      Validations.of(node).acknowledge(...ids.map((id) => ({ id, reason: a.reason })));
    }
  }
}

/** Milliseconds each validation plugin of the gate has run, by plugin name, summed over the stages of this process. */
export const CHECK_MILLISECONDS = new Map<string, number>();

/** The plugin as it is, its time added to CHECK_MILLISECONDS: synth reports where its checking time goes. */
function timed(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate: (context) => {
      const began = performance.now();
      try {
        return plugin.validate(context);
      } finally {
        CHECK_MILLISECONDS.set(plugin.name, (CHECK_MILLISECONDS.get(plugin.name) ?? 0) + performance.now() - began);
      }
    },
  };
}
