import { readFileSync } from 'node:fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { limitViolations, measureTemplate, STACK_LIMITS, type StackLimits } from '../../lib/facts/limits';

/**
 * Runs the stack size guard as a CDK validation plugin, so an oversized stack fails `cdk synth` (and
 * `app.synth()` in tests) with the same report as a cdk-nag finding.
 */
/** The guard's name in the validation report. */
export const STACK_LIMITS_PLUGIN = 'gigascale-stack-limits';

export class StackLimitsGuard implements IPolicyValidationPlugin {
  readonly name = STACK_LIMITS_PLUGIN;
  readonly ruleIds = ['StackResourceLimit', 'StackTemplateSizeLimit'];

  constructor(private readonly limits: StackLimits = STACK_LIMITS) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = context.stackTemplates.flatMap((stack) => {
      const size = measureTemplate(stack.stackConstructPath, readFileSync(stack.templatePath, 'utf8'));
      return limitViolations([size], this.limits).map((v) => ({
        ruleName: v.rule,
        description: v.message,
        severity: 'error',
        violatingResources: [{ constructPath: stack.stackConstructPath, templatePath: stack.templatePath, locations: ['Resources'] }],
      }));
    });
    return { success: violations.length === 0, violations };
  }
}
