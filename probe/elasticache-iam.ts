/**
 * IAM authentication to an ElastiCache (Valkey) replication group, as the services sign in: a 15-minute token, signed
 * locally with the pod's credentials (EKS Pod Identity, through the SDK's default chain), sent as the password of
 * `AUTH <user> <token>` over TLS. A target asks for it with `auth=iam&cache=<replication group id>` in a `rediss://`
 * URL that names the user and no password.
 *
 * The token is a SigV4-presigned `GET http://<replication group id>/?Action=connect&User=<user>` for the service
 * `elasticache`, valid 900 s, without its `http://` (ElastiCache User Guide, "Authenticating with IAM": the example
 * signs exactly that request). The SDK has no ElastiCache signer, so this presigns the request the way
 * @aws-sdk/rds-signer presigns RDS's, with the same pieces (probe/presign.ts).
 */
import { presignedUrl } from './presign';
import { canonicalHost, IAM_AUTH_PARAMETER, IAM_AUTH_VALUE } from './rds-iam';
import { respEndpoint, type RespEndpoint } from './resp';

/** The parameter naming the replication group a token is signed for. */
export const CACHE_PARAMETER = 'cache';
/** Seconds a token is valid: ElastiCache accepts at most 15 minutes. */
export const CACHE_TOKEN_SECONDS = 900;

/** What a cache token is signed for. */
export interface CacheTokenRequest {
  /** The replication group id (not its endpoint). */
  readonly cacheName: string;
  /** The user id, which equals the user name for IAM users. */
  readonly username: string;
  readonly region: string;
}

export type CacheTokenProvider = (request: CacheTokenRequest) => Promise<string>;

/** A token for `request`, signed with the credentials the AWS SDK's default chain finds (tests give their own). */
export async function elasticacheIamToken(request: CacheTokenRequest, credentials?: Parameters<typeof presignedUrl>[1]): Promise<string> {
  const url = await presignedUrl(
    {
      service: 'elasticache',
      region: request.region,
      protocol: 'http:',
      hostname: request.cacheName,
      query: { Action: 'connect', User: request.username },
      expiresInSeconds: CACHE_TOKEN_SECONDS,
    },
    credentials,
  );
  return url.replace(/^http:\/\//, '');
}

/**
 * The endpoint to open for the `redis://` or `rediss://` URL `url`: as written, or for `auth=iam` the host its alias
 * leads to (whose name the certificate carries: TLS is verified against it) with a fresh token as the password.
 */
export async function respEndpointFor(
  url: string,
  region: string | undefined,
  tokens: CacheTokenProvider = elasticacheIamToken,
  resolveCname?: (name: string) => Promise<string[]>,
): Promise<RespEndpoint> {
  const endpoint = respEndpoint(url);
  const params = new URL(url).searchParams;
  if (params.get(IAM_AUTH_PARAMETER) !== IAM_AUTH_VALUE) return endpoint;
  if (region === undefined) throw new Error("IAM authentication needs the AWS region the cache is in (the target's region)");
  const host = await canonicalHost(endpoint.host, resolveCname);
  const password = await tokens({ cacheName: params.get(CACHE_PARAMETER)!, username: endpoint.username!, region });
  return { ...endpoint, host, servername: host, password };
}
