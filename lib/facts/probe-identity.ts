/**
 * How the in-cluster probe proves to auth who it is, without a secret to keep: as aws-iam-authenticator does for
 * Kubernetes, it presigns an STS GetCallerIdentity request with its pod role's credentials and presents the URL as its
 * credential, `authorization: <PROBE_AUTH_SCHEME> <base64url of the URL>` (probe/probe-identity.ts). The gateway's
 * external authorization already hands auth the `authorization` header (lib/views/envoy-config.ts).
 *
 * Auth's part of the contract (the service is not in this repository): it admits such a request as the reserved probe
 * user `gigascale-probe:<region>` (lib/facts/aurora.ts PROBE_USER_ID_PREFIX) when, and only when,
 * - the URL is `https://sts.<its region>.amazonaws.com/` with `Action=GetCallerIdentity`, `Version=2011-06-15`,
 *   `X-Amz-Expires` at most PROBE_IDENTITY_SECONDS and `X-Amz-SignedHeaders` naming `host` and PROBE_AUDIENCE_HEADER;
 * - GETting it with PROBE_AUDIENCE_HEADER set to auth's own environment (so a token made for another environment's
 *   auth fails its signature) answers 200 with the ARN `arn:<partition>:sts::<account>:assumed-role/<the probe's pod
 *   role name, lib/facts/names/compute.ts podRoleName(env, region, 'probe')>/<session>`;
 * and it remembers a token it admitted until the token expires, so a run costs STS one call per connection's token.
 */

/** The `authorization` scheme of the probe's identity. */
export const PROBE_AUTH_SCHEME = 'gigascale-probe-sts';

/** Header the signature covers, naming the environment the token is for; auth sends its own when it checks. */
export const PROBE_AUDIENCE_HEADER = 'x-gigascale-probe-audience';

/** Seconds a token is valid: long enough for one probe run, short enough that a leaked one is soon useless. */
export const PROBE_IDENTITY_SECONDS = 60;

/** STS's API version the GetCallerIdentity request names. */
export const STS_API_VERSION = '2011-06-15';
