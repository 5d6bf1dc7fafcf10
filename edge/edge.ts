import * as pulumi from '@pulumi/pulumi';
import type { EdgeArgs } from './args';
import { EdgeLoadBalancing } from './load-balancing';
import { EdgeZoneRules } from './zone-rules';

export type { EdgeArgs } from './args';

/** One environment's Cloudflare edge: load balancing to its regions and the rules of its zone. */
export class Edge extends pulumi.ComponentResource {
  readonly loadBalancing: EdgeLoadBalancing;
  readonly zoneRules: EdgeZoneRules;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gigascale:edge:Edge', name, {}, opts);
    this.loadBalancing = new EdgeLoadBalancing(`${name}-balancing`, args, { parent: this });
    this.zoneRules = new EdgeZoneRules(`${name}-zone`, args, { parent: this });
    this.registerOutputs({ hostname: args.plan.hostname, loadBalancerId: this.loadBalancing.loadBalancer.id });
  }
}
