/**
 * Names a service reads at run time besides its own Kubernetes objects: the SSM parameters its region's service config
 * points to, and the Secrets Manager secrets it owns.
 */

import { PROJECT } from './stage';

/**
 * SSM parameters each region's stacks publish with what is only known after deploy (the cache's configuration
 * endpoint, the MSK cluster ARN and bootstrap brokers). SSM is regional: the same name in every region holds that
 * region's value, and the service config document names them.
 */
export function serviceParameterName(env: string, key: 'cache/configuration-endpoint' | 'bus/cluster-arn' | 'bus/bootstrap-brokers'): string {
  return `/${PROJECT}/${env}/${key}`;
}

/** `gigascale/prod/voice/openai-api-key`: a Secrets Manager secret a service owns (created by its team, read by its pods). */
export function serviceSecretName(env: string, service: string, key: string): string {
  return `${PROJECT}/${env}/${service}/${key}`;
}
