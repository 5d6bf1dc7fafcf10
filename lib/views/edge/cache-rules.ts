/**
 * The edge cache (L3 of the seed's multi-tier cache), as the rules of the zone's `http_request_cache_settings` phase.
 * Cloudflare applies every matching cache rule in order and a later rule's settings win, so the bypass for
 * personal requests comes last and overrides the two caching rules above it.
 * - static assets: content-hashed file names under `/assets/`, so one URL never changes: a year at the edge and in
 *   the browser (`caching.l3.staticAssetSeconds`);
 * - public profiles: the edge keeps them `caching.l3.publicProfileSeconds` (the seed's 5 minutes), browsers
 *   `publicProfileBrowserSeconds`, and an expired entry is served while one request revalidates it;
 * - anything with an `Authorization` header or the session cookie is never cached.
 * Error answers (4xx, 5xx) are never kept: a 5xx or a 429 cached for 5 minutes would outlive its cause.
 */
import type { L3Ttls } from '../../facts/cache-tiers';
import { PUBLIC_PROFILE_PREFIX, SESSION_COOKIE } from '../../facts/workloads';
import { HAS_AUTHORIZATION, hasCookie, pathStartsWith, READ_METHODS } from './expressions';

/** Where the web app's build output lives; every file name under it carries a content hash. */
export const STATIC_ASSET_PREFIX = '/assets/';

/** The subset of a Cloudflare ruleset rule gigascale declares (Pulumi's camelCase input names). */
export interface EdgeRule {
  /** Stable rule reference: survives edits, so a change updates the rule instead of replacing it. */
  readonly ref: string;
  readonly description: string;
  readonly expression: string;
  readonly action: string;
  readonly actionParameters?: Readonly<Record<string, unknown>>;
  readonly ratelimit?: Readonly<Record<string, unknown>>;
}

const NO_ERRORS = [{ statusCodeRange: { from: 400, to: 599 }, value: 0 }];

/** Requests that are personal to a user and must reach the origin every time. */
export const PERSONAL_REQUEST = `(${HAS_AUTHORIZATION} or ${hasCookie(SESSION_COOKIE)})`;

/** The cache rules, in evaluation order. */
export function cacheRules(l3: L3Ttls): EdgeRule[] {
  return [
    {
      ref: 'static_assets',
      description: `Static assets (${STATIC_ASSET_PREFIX}, content-hashed): ${l3.staticAssetSeconds} s at the edge and in browsers`,
      expression: `${READ_METHODS} and ${pathStartsWith([STATIC_ASSET_PREFIX])}`,
      action: 'set_cache_settings',
      actionParameters: {
        cache: true,
        edgeTtl: { mode: 'override_origin', default: l3.staticAssetSeconds, statusCodeTtls: NO_ERRORS },
        browserTtl: { mode: 'override_origin', default: l3.staticAssetSeconds },
      },
    },
    {
      ref: 'public_profiles',
      description:
        `Public profiles (${PUBLIC_PROFILE_PREFIX}): ${l3.publicProfileSeconds} s at the edge, ${l3.publicProfileBrowserSeconds} s in browsers, ` +
        'stale served while revalidating',
      expression: `${READ_METHODS} and ${pathStartsWith([PUBLIC_PROFILE_PREFIX])}`,
      action: 'set_cache_settings',
      actionParameters: {
        cache: true,
        edgeTtl: { mode: 'override_origin', default: l3.publicProfileSeconds, statusCodeTtls: NO_ERRORS },
        browserTtl: { mode: 'override_origin', default: l3.publicProfileBrowserSeconds },
        serveStale: { disableStaleWhileUpdating: false },
      },
    },
    {
      ref: 'bypass_personal',
      description: `Never cache a request with an Authorization header or the ${SESSION_COOKIE} cookie (last: overrides the rules above)`,
      expression: PERSONAL_REQUEST,
      action: 'set_cache_settings',
      actionParameters: { cache: false },
    },
  ];
}
