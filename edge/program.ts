/**
 * The edge program's body, importable without the Pulumi engine: declare the edge of the environment the Pulumi stack
 * is named after (plan-input.ts resolves it). `index.ts` calls it with Pulumi config; `bin/edge-plan.ts` and the
 * tests call it under Pulumi's mocks with placeholder ids.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Plan } from '../lib/plan';
import { edgePlan } from '../lib/views/edge/plan';
import { PROJECT } from '../lib/facts/names/stage';
import { Edge } from './edge';
import { environmentOf } from './plan-input';

export interface EdgeSettings {
  /** Cloudflare account id. */
  readonly accountId: pulumi.Input<string>;
  /** Cloudflare zone id of the environment's domain. */
  readonly zoneId: pulumi.Input<string>;
  /** The environment's origin token. */
  readonly originToken: pulumi.Input<string>;
}

/** Declares the edge of environment `env` of `plan`. */
export function declareEdge(plan: Plan, env: string, settings: EdgeSettings): Edge {
  return new Edge(`${PROJECT}-${env}`, { plan: edgePlan(environmentOf(plan, env)), ...settings });
}
