/** Names of the edge (Cloudflare, edge/) and of what the origins share with it. */

import { GATEWAY_HEALTH_PATH } from '../workloads';
import { serviceSecretName } from './services';
import { PROJECT, stageName } from './stage';

/** `gigascale-prod-eu-west-1`: the Cloudflare load-balancer pool of a region (pool names are unique per account). */
export function edgePoolName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}

/**
 * Description of the environment's Cloudflare health monitor: edge/ sets it, and the edge token sync finds the monitor
 * by it (monitors have no other name, and environments may share a Cloudflare account).
 */
export function edgeMonitorDescription(env: string): string {
  return `${PROJECT} ${env}: gateway health (${GATEWAY_HEALTH_PATH}) of each region's origin`;
}

/**
 * `gigascale/prod/edge/origin-token`: the token the edge sends to every origin ALB (lib/facts/origin-protection.ts);
 * created in the write region, replicated under the same name to the environment's other regions.
 */
export function edgeOriginTokenSecretName(env: string): string {
  return serviceSecretName(env, 'edge', 'origin-token');
}

/**
 * `gigascale/prod/edge/cloudflare-api`: what the write region's edge token sync (stacks/ingress/edge-token-sync.ts)
 * calls Cloudflare's API with, a JSON object `{ apiToken, accountId, zoneId }` an operator puts in (docs/edge.md).
 */
export function edgeApiCredentialsSecretName(env: string): string {
  return serviceSecretName(env, 'edge', 'cloudflare-api');
}

/** `gigascale-prod-eu-west-1-origin-token`: the WAF regex pattern set of the origin tokens a region's ALB accepts. */
export function originTokenPatternSetName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-origin-token`;
}

/** The origin token's functions: its rotation (write region), the WAF sync (every region), the edge sync (write region). */
export type OriginTokenJob = 'rotation' | 'waf-sync' | 'edge-sync';

/** `gigascale-prod-eu-west-1-origin-token-waf-sync`: a Lambda function name (at most 64 characters), fixed so alarms can name it. */
export function originTokenFunctionName(env: string, region: string, job: OriginTokenJob): string {
  return `${PROJECT}-${stageName(env, region)}-origin-token-${job}`;
}

/** `/gigascale/prod/eu-west-1/ingress/origin-token-waf-sync`: CloudWatch Logs group of one of the origin token's functions. */
export function originTokenLogGroupName(env: string, region: string, job: OriginTokenJob): string {
  return `/${PROJECT}/${env}/${region}/ingress/origin-token-${job}`;
}
