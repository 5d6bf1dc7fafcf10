/** Names of the edge (Cloudflare, edge/) and of what the origins share with it. */

import { serviceSecretName } from './services';
import { PROJECT, stageName } from './stage';

/** `gigascale-prod-eu-west-1`: the Cloudflare load-balancer pool of a region (pool names are unique per account). */
export function edgePoolName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}

/**
 * `gigascale/prod/edge/origin-token`: the token the edge sends to every origin ALB (lib/facts/origin-protection.ts);
 * created in the write region, replicated under the same name to the environment's other regions.
 */
export function edgeOriginTokenSecretName(env: string): string {
  return serviceSecretName(env, 'edge', 'origin-token');
}
