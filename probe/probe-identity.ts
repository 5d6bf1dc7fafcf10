/**
 * The probe's identity for auth (lib/facts/probe-identity.ts): a presigned STS GetCallerIdentity request, signed with
 * the pod's credentials through the AWS SDK's default chain, presented in the `authorization` header of a WebSocket
 * upgrade. A target asks for it with `auth=sts&audience=<environment>` in a `ws://` or `wss://` URL; the parameters
 * are the probe's and are removed before it connects.
 */
import { presignedUrl } from './presign';
import { IAM_AUTH_PARAMETER } from './rds-iam';
import { PROBE_AUDIENCE_HEADER, PROBE_AUTH_SCHEME, PROBE_IDENTITY_SECONDS, STS_API_VERSION } from '../lib/facts/probe-identity';

/** The parameters of a WebSocket URL that ask for the probe's identity. */
export const STS_AUTH_VALUE = 'sts';
export const AUDIENCE_PARAMETER = 'audience';

/** The presigned request, as base64url, for the environment `audience` in `region`. */
export async function probeIdentityToken(region: string, audience: string, credentials?: Parameters<typeof presignedUrl>[1]): Promise<string> {
  const url = await presignedUrl(
    {
      service: 'sts',
      region,
      protocol: 'https:',
      hostname: `sts.${region}.amazonaws.com`,
      query: { Action: 'GetCallerIdentity', Version: STS_API_VERSION },
      headers: { [PROBE_AUDIENCE_HEADER]: audience },
      expiresInSeconds: PROBE_IDENTITY_SECONDS,
    },
    credentials,
  );
  return Buffer.from(url).toString('base64url');
}

/** A WebSocket URL to open and the headers its upgrade carries. */
export interface WebSocketRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The request for the target URL `url`: as written, or for `auth=sts` without the probe's parameters and with one
 * token for the whole check (valid PROBE_IDENTITY_SECONDS, longer than a run's check).
 */
export async function webSocketRequestFor(
  url: string,
  region: string | undefined,
  token: (region: string, audience: string) => Promise<string> = probeIdentityToken,
): Promise<WebSocketRequest> {
  const parsed = new URL(url);
  if (parsed.searchParams.get(IAM_AUTH_PARAMETER) !== STS_AUTH_VALUE) return { url, headers: {} };
  if (region === undefined) throw new Error("the probe's identity needs the AWS region it is signed in (the target's region)");
  const audience = parsed.searchParams.get(AUDIENCE_PARAMETER)!;
  parsed.searchParams.delete(IAM_AUTH_PARAMETER);
  parsed.searchParams.delete(AUDIENCE_PARAMETER);
  return { url: parsed.toString(), headers: { authorization: `${PROBE_AUTH_SCHEME} ${await token(region, audience)}` } };
}
