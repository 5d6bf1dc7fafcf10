import { GigascaleError } from '../util/errors';
import type { EnvironmentPlan, Plan } from './plan';

/**
 * The environment named `env` of a resolved plan, or an error naming the environments there are; `fix` says how
 * the user names one (`pass --env`, `name the Pulumi stack (or --env) after`).
 */
export function environmentOf(plan: Plan, env: string, fix = 'pass --env with'): EnvironmentPlan {
  const environment = plan.environments.find((e) => e.name === env);
  if (environment === undefined) {
    throw new GigascaleError('Unknown environment', [
      { at: env, message: `regions.config.ts has no environment ${JSON.stringify(env)}; ${fix} one of ${plan.environments.map((e) => e.name).join(', ')}` },
    ]);
  }
  return environment;
}
