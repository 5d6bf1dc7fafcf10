/**
 * Stack size guard. CloudFormation refuses a stack over 500 resources or a template over 1 MB; a stack that grows
 * to the limit can only be split by moving resources, which replaces them. gigascale stops at 80 % so growth
 * (more shards, more topics) lands in a new stack long before that.
 */
export interface StackLimits {
  /** Most resources one stack may declare. */
  readonly maxResources: number;
  /** Most bytes one synthesized template may have. */
  readonly maxTemplateBytes: number;
}

export const STACK_LIMITS: StackLimits = { maxResources: 400, maxTemplateBytes: 800_000 };

export interface StackSize {
  /** Stack name (or construct path) as the user knows it. */
  readonly name: string;
  /** Entries under `Resources`. */
  readonly resources: number;
  /** Size of the template file in bytes. */
  readonly templateBytes: number;
}

interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * Measures a synthesized template's text. The resource count is the one CloudFormation applies its limit to, after
 * transforms: the AWS::SecretsManager transform adds one nested stack (`AWS::CloudFormation::Stack`) per rotation
 * schedule with a hosted rotation function.
 */
export function measureTemplate(name: string, text: string): StackSize {
  const template = JSON.parse(text) as { Resources?: Record<string, TemplateResource> };
  const resources = Object.values(template.Resources ?? {});
  const expanded = resources.filter((r) => r.Type === 'AWS::SecretsManager::RotationSchedule' && r.Properties?.HostedRotationLambda !== undefined).length;
  return { name, resources: resources.length + expanded, templateBytes: Buffer.byteLength(text, 'utf8') };
}

export interface LimitViolation {
  /** Which limit: the resource count or the template size. */
  readonly rule: 'StackResourceLimit' | 'StackTemplateSizeLimit';
  /** The stack that breaks it. */
  readonly stack: string;
  /** What is wrong and what to do. */
  readonly message: string;
}

/** One violation per limit a stack breaks; empty when every stack fits. */
export function limitViolations(sizes: readonly StackSize[], limits: StackLimits = STACK_LIMITS): LimitViolation[] {
  const out: LimitViolation[] = [];
  for (const s of sizes) {
    if (s.resources > limits.maxResources) {
      out.push({
        rule: 'StackResourceLimit',
        stack: s.name,
        message: `${s.name} declares ${s.resources} resources, over the limit of ${limits.maxResources} (80 % of CloudFormation's 500); split it into more stacks`,
      });
    }
    if (s.templateBytes > limits.maxTemplateBytes) {
      out.push({
        rule: 'StackTemplateSizeLimit',
        stack: s.name,
        message: `${s.name} template is ${s.templateBytes} bytes, over the limit of ${limits.maxTemplateBytes} (80 % of CloudFormation's 1 MB); split it into more stacks`,
      });
    }
  }
  return out;
}
