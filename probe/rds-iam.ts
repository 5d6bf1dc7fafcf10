/**
 * IAM authentication to an RDS Proxy (or an Aurora endpoint), as the services sign in: a 15-minute token, signed
 * locally with the pod's credentials (EKS Pod Identity, through the SDK's default chain), sent as the password over
 * TLS. A target asks for it with `auth=iam` in a `postgres://` URL that names the user and no password.
 *
 * The token is signed for a host name, and RDS checks it against the endpoint it was signed for; the in-cluster
 * target names each shard's proxy by its private-zone alias (`proxy.shard-0007.db.<env>.gigascale.internal`), so
 * the probe follows the alias to the proxy's own name and both signs for it and connects to it (its certificate,
 * issued by ACM, names that host, so `sslmode=verify-full` holds with Node's trust store).
 */
import { promises as dns } from 'node:dns';
import { Signer } from '@aws-sdk/rds-signer';

/**
 * The `auth` parameter of a target URL, which asks for a way of signing in: `iam` in a `postgres://` URL (here) or a
 * `rediss://` one (probe/elasticache-iam.ts), `sts` in a `ws://` one (probe/probe-identity.ts).
 */
export const IAM_AUTH_PARAMETER = 'auth';
export const IAM_AUTH_VALUE = 'iam';

/** What a token is signed for. */
export interface TokenRequest {
  /** The endpoint's own host name (after following aliases). */
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
}

/** Signs an authentication token; tests give their own. */
export type TokenProvider = (request: TokenRequest) => Promise<string>;

/** The RDS signer of the AWS SDK, with the default credential chain. */
export const rdsIamToken: TokenProvider = ({ hostname, port, username, region }) => new Signer({ hostname, port, username, region }).getAuthToken();

/** Aliases followed at most before giving up on a chain (a loop, or a misconfigured zone). */
const MAX_ALIASES = 8;

/**
 * The name `host` is an alias of, following CNAME records to the end; `host` itself when it is no alias (an
 * address, or a name with address records only).
 */
export async function canonicalHost(host: string, resolveCname: (name: string) => Promise<string[]> = (name) => dns.resolveCname(name)): Promise<string> {
  let name = host;
  for (let i = 0; i < MAX_ALIASES; i++) {
    let next: string[];
    try {
      next = await resolveCname(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // No CNAME here: this is the end of the chain. Any other failure (no server, timeout) is the connection's error.
      if (code === 'ENODATA' || code === 'ENOTFOUND' || code === 'EBADNAME' || code === 'EINVAL') return name;
      throw e;
    }
    if (next.length === 0) return name;
    name = next[0];
  }
  throw new Error(`${host}: more than ${MAX_ALIASES} CNAME records in a row; fix the zone`);
}

/**
 * The connection string to open for `url`: itself, or for `auth=iam` the same URL pointed at the canonical host,
 * with a fresh token as its password and without the `auth` parameter (which `pg` does not know).
 */
export async function connectionStringFor(url: string, region: string | undefined, tokens: TokenProvider, resolveCname?: (name: string) => Promise<string[]>): Promise<string> {
  const parsed = new URL(url);
  if (parsed.searchParams.get(IAM_AUTH_PARAMETER) !== IAM_AUTH_VALUE) return url;
  if (region === undefined) throw new Error('IAM authentication needs the AWS region the endpoint is in (the target\'s region)');
  parsed.searchParams.delete(IAM_AUTH_PARAMETER);
  parsed.hostname = await canonicalHost(parsed.hostname, resolveCname);
  const token = await tokens({ hostname: parsed.hostname, port: Number(parsed.port || 5432), username: decodeURIComponent(parsed.username), region });
  // Encoded by hand: the token holds `%2F` and `&`, and the URL setter leaves `%` as it is, which pg would decode.
  parsed.password = encodeURIComponent(token);
  return parsed.toString();
}
