/**
 * How an origin ALB tells the edge from everyone else. Two locks, both needed:
 * - the ALB's security group admits only Cloudflare's published ranges (lib/facts/cloudflare-ranges.ts), which
 *   proves a request came through Cloudflare, but not through *this* zone: any Cloudflare customer can point a
 *   zone at our origin names;
 * - the edge sets `ORIGIN_TOKEN_HEADER` on every request it forwards (a transform rule in edge/) and on its health
 *   checks, and the ALB's web ACL blocks any request whose header is not exactly the environment's token. The token
 *   lives in Secrets Manager (lib/facts/names/edge.ts `edgeOriginTokenSecretName`), created in the write region's
 *   ingress stack and replicated to the environment's other regions; the edge program takes the same value from Pulumi
 *   config.
 */

/** Request header carrying the environment's origin token from the edge to the ALBs. */
export const ORIGIN_TOKEN_HEADER = 'x-gigascale-origin-token';

/** Characters of the generated token (letters and digits only: it travels as a header value). */
export const ORIGIN_TOKEN_LENGTH = 48;
