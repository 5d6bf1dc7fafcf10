/**
 * The origin token the edge sends: the `current` slot (lib/facts/secret-slots.ts) of the environment's secret in its
 * write region, read with the credentials `pulumi up` runs with (they need secretsmanager:GetSecretValue on it). The
 * write region's edge token sync keeps Cloudflare at the same value between deploys (docs/edge.md), so a `pulumi up`
 * after a rotation changes nothing the sync has not already set.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MIN_SLOT_VALUE_LENGTH, secretSlots, usableSlotValue } from '../lib/facts/secret-slots';

export async function currentOriginToken(secretName: string, region: string): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    const token = secretSlots(SecretString ?? '').current;
    if (!usableSlotValue(token)) {
      throw new Error(`${secretName} in ${region} has no usable current value (letters and digits, at least ${MIN_SLOT_VALUE_LENGTH}): deploy the write region's ingress stack first`);
    }
    return token;
  } finally {
    client.destroy();
  }
}
