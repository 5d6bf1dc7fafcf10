/**
 * How an origin ALB tells the edge from everyone else. Two locks, both needed:
 * - the ALB's security group admits only Cloudflare's published ranges (lib/facts/cloudflare-ranges.ts), which
 *   proves a request came through Cloudflare, but not through *this* zone: any Cloudflare customer can point a
 *   zone at our origin names;
 * - the edge sets `ORIGIN_TOKEN_HEADER` on every request it forwards (a transform rule in edge/) and on its health
 *   checks, and the ALB's web ACL blocks any request whose header is not one of the environment's tokens.
 *
 * The token lives in Secrets Manager (lib/facts/names/edge.ts `edgeOriginTokenSecretName`), created in the write
 * region's ingress stack and replicated to the environment's other regions, and is rotated in three slots
 * (lib/facts/secret-slots.ts): the edge sends `current`, the web ACLs accept all three. Nothing copies the value by
 * hand. Every ORIGIN_TOKEN_SYNC_MINUTES a function in each region writes the slots into its web ACL's regex pattern
 * set, and one in the write region writes `current` into the edge's transform rule and health monitor through
 * Cloudflare's API; `pulumi up` in edge/ reads the same `current`.
 */

/** Request header carrying the environment's origin token from the edge to the ALBs. */
export const ORIGIN_TOKEN_HEADER = 'x-gigascale-origin-token';

/** Characters of the generated token (letters and digits only: it travels as a header value). */
export const ORIGIN_TOKEN_LENGTH = 48;

/**
 * Days between rotations of the origin token: 30. A web ACL or the edge that misses a rotation (its sync failing) still
 * works for one more period, since the slots overlap by one: that is the time to notice the sync's alarm and fix it.
 */
export const ORIGIN_TOKEN_ROTATION_DAYS = 30;

/** Minutes between two runs of the syncs that bring the web ACLs and the edge to the secret: 5. */
export const ORIGIN_TOKEN_SYNC_MINUTES = 5;

/** Cloudflare's API (developers.cloudflare.com/api), which the edge token sync calls. */
export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';

/** The Cloudflare ruleset phase and rule `ref` that set the origin token on forwarded requests (lib/views/edge/security-rules.ts). */
export const ORIGIN_TOKEN_RULE = { phase: 'http_request_late_transform', ref: 'origin_token' } as const;
