import * as pulumi from '@pulumi/pulumi';
import type { EdgePlan } from '../lib/edge/plan';
import { EdgeLoadBalancing } from './load-balancing';
import { EdgeZoneRules } from './zone-rules';

export interface EdgeArgs {
  /** The environment's edge, from lib/edge/plan.ts (`edgePlan(environment)`). */
  readonly plan: EdgePlan;
  /** Cloudflare account id (Pulumi config `gigascale:accountId`). */
  readonly accountId: pulumi.Input<string>;
  /** Cloudflare zone id of the environment's domain (Pulumi config `gigascale:zoneId`). */
  readonly zoneId: pulumi.Input<string>;
  /**
   * The environment's origin token: a Pulumi secret (`config.requireSecret('originToken')`), so state and previews
   * keep it encrypted; Secrets Manager holds the same value (README "Edge").
   */
  readonly originToken: pulumi.Input<string>;
}

/** One environment's Cloudflare edge: load balancing to its regions and the rules of its zone. */
export class Edge extends pulumi.ComponentResource {
  readonly loadBalancing: EdgeLoadBalancing;
  readonly zoneRules: EdgeZoneRules;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gigascale:edge:Edge', name, {}, opts);
    const { originToken } = args;
    this.loadBalancing = new EdgeLoadBalancing(`${name}-balancing`, { plan: args.plan, accountId: args.accountId, zoneId: args.zoneId, originToken }, { parent: this });
    this.zoneRules = new EdgeZoneRules(`${name}-zone`, { plan: args.plan, zoneId: args.zoneId, originToken }, { parent: this });
    this.registerOutputs({ hostname: args.plan.hostname, loadBalancerId: this.loadBalancing.loadBalancer.id });
  }
}
