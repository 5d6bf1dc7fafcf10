/**
 * The probe's identity for auth (lib/facts/probe-identity.ts): a presigned STS GetCallerIdentity request, signed with
 * the pod's credentials through the AWS SDK's default chain, presented in the `authorization` header of a WebSocket
 * upgrade. A target asks for it with `auth=sts&audience=<environment>` in a `ws://` or `wss://` URL; the parameters
 * are the probe's and are removed before it connects.
 */
import { formatUrl } from '@aws-sdk/core/util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { PROBE_AUDIENCE_HEADER, PROBE_AUTH_SCHEME, PROBE_IDENTITY_SECONDS, STS_API_VERSION } from '../lib/facts/probe-identity';

/** The parameters of a WebSocket URL that ask for the probe's identity. */
export const STS_AUTH_VALUE = 'sts';
export const AUDIENCE_PARAMETER = 'audience';
const AUTH_PARAMETER = 'auth';

/** The presigned request, as base64url, for the environment `audience` in `region`. */
export async function probeIdentityToken(region: string, audience: string, credentials = fromNodeProviderChain()): Promise<string> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: STS_API_VERSION },
    headers: { host: hostname, [PROBE_AUDIENCE_HEADER]: audience },
  });
  const presigned = await signer.presign(request, { expiresIn: PROBE_IDENTITY_SECONDS });
  return Buffer.from(formatUrl(presigned)).toString('base64url');
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
  if (parsed.searchParams.get(AUTH_PARAMETER) !== STS_AUTH_VALUE) return { url, headers: {} };
  if (region === undefined) throw new Error("the probe's identity needs the AWS region it is signed in (the target's region)");
  const audience = parsed.searchParams.get(AUDIENCE_PARAMETER)!;
  parsed.searchParams.delete(AUTH_PARAMETER);
  parsed.searchParams.delete(AUDIENCE_PARAMETER);
  return { url: parsed.toString(), headers: { authorization: `${PROBE_AUTH_SCHEME} ${await token(region, audience)}` } };
}
