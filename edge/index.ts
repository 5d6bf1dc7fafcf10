/**
 * Pulumi entry point of the Cloudflare edge (`pulumi up` in edge/, one Pulumi stack per environment, named after it).
 * Everything it declares comes from regions.config.ts through lib/views/edge/plan.ts; ids and the origin token come from
 * the stack's config:
 *   pulumi config set gigascale:accountId <cloudflare account id>
 *   pulumi config set gigascale:zoneId <zone id of the environment's domain>
 *   pulumi config set --secret gigascale:originToken "$(aws secretsmanager get-secret-value ...)"   (docs/edge.md)
 */
import * as pulumi from '@pulumi/pulumi';
import { declareEdge } from './program';
import { loadPlan } from './plan-input';

export = (async () => {
  const config = new pulumi.Config('gigascale');
  const edge = declareEdge(await loadPlan(), pulumi.getStack(), {
    accountId: config.require('accountId'),
    zoneId: config.require('zoneId'),
    originToken: config.requireSecret('originToken'),
  });
  return { hostname: edge.loadBalancing.loadBalancer.name, loadBalancerId: edge.loadBalancing.loadBalancer.id };
})();
