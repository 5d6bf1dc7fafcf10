import type * as pulumi from '@pulumi/pulumi';
import type { EdgePlan } from '../lib/views/edge/plan';

/** What every edge component is built from: the environment's edge plan and the ids and token from Pulumi config. */
export interface EdgeArgs {
  /** The environment's edge, from lib/views/edge/plan.ts (`edgePlan(environment)`). */
  readonly plan: EdgePlan;
  /** Cloudflare account that owns the monitor and the pools (Pulumi config `gigascale:accountId`). */
  readonly accountId: pulumi.Input<string>;
  /** Zone of the environment's domain (Pulumi config `gigascale:zoneId`); the load balancer is `api.<domain>` in it. */
  readonly zoneId: pulumi.Input<string>;
  /**
   * The environment's origin token, its `current` slot (edge/origin-token.ts), as a Pulumi secret, so state and previews
   * keep it encrypted; Secrets Manager holds the same value (docs/edge.md). Health checks and every forwarded request
   * carry it.
   */
  readonly originToken: pulumi.Input<string>;
}
