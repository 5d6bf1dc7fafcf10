/**
 * Pulumi entry point of the Cloudflare edge (`pulumi up` in edge/, one Pulumi stack per environment, named after it).
 * Everything it declares comes from regions.config.ts through lib/views/edge/plan.ts; the ids come from the stack's
 * config, the origin token from Secrets Manager in the environment's write region (edge/origin-token.ts):
 *   pulumi config set gigascale:accountId <cloudflare account id>
 *   pulumi config set gigascale:zoneId <zone id of the environment's domain>
 */
import * as pulumi from '@pulumi/pulumi';
import { edgeOriginTokenSecretName } from '../lib/facts/names/edge';
import { declareEdge } from './program';
import { currentOriginToken } from './origin-token';
import { environmentOf, loadPlan } from './plan-input';

export = (async () => {
  const config = new pulumi.Config('gigascale');
  const plan = await loadPlan();
  const env = pulumi.getStack();
  const writeRegion = environmentOf(plan, env).regions.find((r) => r.isWriteRegion)!.name;
  const edge = declareEdge(plan, env, {
    accountId: config.require('accountId'),
    zoneId: config.require('zoneId'),
    originToken: pulumi.secret(await currentOriginToken(edgeOriginTokenSecretName(env), writeRegion)),
  });
  return { hostname: edge.loadBalancing.loadBalancer.name, loadBalancerId: edge.loadBalancing.loadBalancer.id };
})();
