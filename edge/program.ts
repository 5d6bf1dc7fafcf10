/**
 * The edge program's body, importable without the Pulumi engine: resolve the environment the Pulumi stack is named
 * after and declare its edge. `index.ts` calls it with Pulumi config; `bin/edge-plan.ts` and the tests call it under
 * Pulumi's mocks with placeholder ids.
 */
import type * as pulumi from '@pulumi/pulumi';
import { loadConfigModule, resolvePlan, type Plan } from '../lib/plan';
import { environmentOf as environmentOfPlan } from '../lib/plan/environment-of';
import { edgePlan } from '../lib/views/edge/plan';
import { PROJECT } from '../lib/facts/names/stage';
import { Edge } from './edge';

export interface EdgeSettings {
  /** Cloudflare account id. */
  readonly accountId: pulumi.Input<string>;
  /** Cloudflare zone id of the environment's domain. */
  readonly zoneId: pulumi.Input<string>;
  /** The environment's origin token. */
  readonly originToken: pulumi.Input<string>;
}

/** The environment named `env` of a resolved plan, or an error naming the environments there are. */
export function environmentOf(plan: Plan, env: string) {
  return environmentOfPlan(plan, env, 'name the Pulumi stack (or --env) after');
}

/** Declares the edge of environment `env` of `plan`. */
export function declareEdge(plan: Plan, env: string, settings: EdgeSettings): Edge {
  return new Edge(`${PROJECT}-${env}`, { plan: edgePlan(environmentOf(plan, env)), ...settings });
}

/** `regions.config.ts`, validated and resolved exactly as `cdk synth` resolves it (without context overrides). */
export async function loadPlan(configPath?: string): Promise<Plan> {
  return resolvePlan(await loadConfigModule(configPath));
}
