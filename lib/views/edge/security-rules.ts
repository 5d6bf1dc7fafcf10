/**
 * What the edge refuses or adds before a request leaves Cloudflare: the managed WAF rulesets, one rate-limit rule per
 * service, and the origin token every forwarded request carries (lib/facts/origin-protection.ts).
 */
import { HTTP_SERVICES, SERVICE_SPECS, type HttpService } from '../../facts/workloads';
import type { EdgeRule } from './cache-rules';
import { pathStartsWith } from './expressions';
import { ORIGIN_TOKEN_HEADER, ORIGIN_TOKEN_RULE } from '../../facts/origin-protection';
import { RATE_LIMIT_PERIOD_SECONDS } from '../../facts/rate-limits';

/**
 * Cloudflare's managed rulesets the zone executes (ids from developers.cloudflare.com/waf/managed-rules, which are
 * the same in every account), each with its own default actions.
 */
export const MANAGED_WAF_RULESETS = [
  { ref: 'cloudflare_managed', name: 'Cloudflare Managed Ruleset', id: 'efb7b8c949ac4650a09736fc376e9aee' },
  { ref: 'owasp_core', name: 'Cloudflare OWASP Core Ruleset', id: '4814384a9e5d4991b9815dcfc25d2f1f' },
] as const;

/** `execute` rules of the `http_request_firewall_managed` phase, one per managed ruleset, on every request. */
export function managedWafRules(): EdgeRule[] {
  return MANAGED_WAF_RULESETS.map((r) => ({
    ref: r.ref,
    description: `Execute the ${r.name}`,
    expression: 'true',
    action: 'execute',
    actionParameters: { id: r.id },
  }));
}

/**
 * Rules of the `http_ratelimit` phase: for each service, its route prefixes (lib/facts/workloads.ts, as the
 * gateway routes them) limited per client IP and Cloudflare data centre; a client over the limit gets 429 for one
 * period. Counting per colo is what non-Enterprise plans allow (`cf.colo.id` is required).
 */
export function rateLimitRules(limitsPerMinute: Readonly<Record<HttpService, number>>): EdgeRule[] {
  const perPeriod = (perMinute: number) => Math.max(1, Math.round((perMinute * RATE_LIMIT_PERIOD_SECONDS) / 60));
  return HTTP_SERVICES.map((service) => ({
    ref: `rate_limit_${service}`,
    description: `${service}: ${limitsPerMinute[service]} requests per minute per client IP`,
    expression: pathStartsWith(SERVICE_SPECS[service].routes.map((r) => r.prefix)),
    action: 'block',
    ratelimit: {
      characteristics: ['ip.src', 'cf.colo.id'],
      period: RATE_LIMIT_PERIOD_SECONDS,
      requestsPerPeriod: perPeriod(limitsPerMinute[service]),
      mitigationTimeout: RATE_LIMIT_PERIOD_SECONDS,
    },
  }));
}

/**
 * The `http_request_late_transform` rule that sets the origin token's `current` slot on every request sent to an
 * origin. edge/ declares it; the write region's edge token sync finds it by its ref and keeps the value current.
 */
export function originTokenRule(token: unknown): EdgeRule {
  return {
    ref: ORIGIN_TOKEN_RULE.ref,
    description: `Set ${ORIGIN_TOKEN_HEADER}: the origin ALBs' web ACLs block requests without the environment's token`,
    expression: 'true',
    action: 'rewrite',
    actionParameters: { headers: { [ORIGIN_TOKEN_HEADER]: { operation: 'set', value: token } } },
  };
}
