/**
 * What the edge program reads before it declares anything: the resolved plan and the environment the Pulumi stack (or
 * `--env`) names. No Pulumi import, so `edge:plan` refuses a bad config or environment before loading the Pulumi SDK
 * and the Cloudflare provider.
 */
import { loadConfigModule, resolvePlan, type Plan } from '../lib/plan';
import { environmentOf as environmentOfPlan } from '../lib/plan/environment-of';

/** The environment named `env` of a resolved plan, or an error naming the environments there are. */
export function environmentOf(plan: Plan, env: string) {
  return environmentOfPlan(plan, env, 'name the Pulumi stack (or --env) after');
}

/** `regions.config.ts`, validated and resolved exactly as `cdk synth` resolves it (without context overrides). */
export async function loadPlan(configPath?: string): Promise<Plan> {
  return resolvePlan(await loadConfigModule(configPath));
}
