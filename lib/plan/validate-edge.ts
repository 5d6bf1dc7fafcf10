/**
 * Cross-field rules of what the edge serves: per-service edge rate limits against the origin's (and entity's against
 * the probe's edge reads), and hostnames that two environments would both claim. They run on the raw input like the rest of `validate.ts`.
 */
import type { Issue } from '../util/errors';
import { isRecord } from '../util/json';
import { apiHostname, originHostname, turnHostname } from '../facts/names/ingress';
import { DEFAULT_CACHE_TTLS } from '../facts/cache-tiers';
import { PHASE_PRESETS, type Phase, type PhasePreset } from '../facts/phases';
import { PROBE_REQUESTS_PER_RUN } from '../facts/probe-checks';

/** Problems of the edge's settings in one environment: rate limits against the origin's and the probe's, browser against edge TTLs. */
export function edgeIssues(at: string, env: Record<string, unknown>): Issue[] {
  return [...rateLimitIssues(at, env), ...probeRateIssues(at, env), ...browserTtlIssues(at, env)];
}

/**
 * The in-cluster probe reads the reserved public profile through the edge (profile.read.edge) PROBE_REQUESTS_PER_RUN
 * times a minute from one address, its region's NAT gateway; an entity limit below that would answer it 429 and the
 * probe would report the edge as failing.
 */
function probeRateIssues(at: string, env: Record<string, unknown>): Issue[] {
  const edge = isRecord(env.edge) ? env.edge : {};
  const limits = isRecord(edge.rateLimitsPerMinute) ? edge.rateLimitsPerMinute : {};
  const limit = limits.entity;
  if (typeof limit !== 'number' || limit >= PROBE_REQUESTS_PER_RUN) return [];
  return [
    {
      at: `${at}.edge.rateLimitsPerMinute.entity`,
      message:
        `${limit} per minute is less than the ${PROBE_REQUESTS_PER_RUN} reads of a public profile the in-cluster probe sends through the edge each minute ` +
        `from one address (lib/facts/probe-checks.ts PROBE_RUN); raise it to at least ${PROBE_REQUESTS_PER_RUN}`,
    },
  ];
}

/** An edge limit above the origin WAF's per-client limit could never act: the origin would block the client first. */
function rateLimitIssues(at: string, env: Record<string, unknown>): Issue[] {
  const edge = isRecord(env.edge) ? env.edge : {};
  const limits = isRecord(edge.rateLimitsPerMinute) ? edge.rateLimitsPerMinute : {};
  const ingress = isRecord(env.ingress) ? env.ingress : {};
  const phase = PHASE_PRESETS[env.phase as Phase] as PhasePreset | undefined;
  const origin = typeof ingress.rateLimitPer5Minutes === 'number' ? ingress.rateLimitPer5Minutes : phase?.rateLimitPer5Minutes;
  if (origin === undefined) return [];
  const perMinute = origin / 5;
  return Object.entries(limits).flatMap(([service, limit]) =>
    typeof limit === 'number' && limit > perMinute
      ? [
          {
            at: `${at}.edge.rateLimitsPerMinute.${service}`,
            message:
              `${limit} per minute is more than the origin admits per client (ingress.rateLimitPer5Minutes ${origin} = ${perMinute} per minute), ` +
              'so the origin would block before the edge limit acts; lower it or raise ingress.rateLimitPer5Minutes',
          },
        ]
      : [],
  );
}

/** Browsers may keep a public profile at most as long as the edge: the edge can be purged, browsers cannot. */
function browserTtlIssues(at: string, env: Record<string, unknown>): Issue[] {
  const l3 = isRecord(env.caching) && isRecord(env.caching.l3) ? env.caching.l3 : {};
  const edge = typeof l3.publicProfileSeconds === 'number' ? l3.publicProfileSeconds : DEFAULT_CACHE_TTLS.l3.publicProfileSeconds;
  const browser = typeof l3.publicProfileBrowserSeconds === 'number' ? l3.publicProfileBrowserSeconds : DEFAULT_CACHE_TTLS.l3.publicProfileBrowserSeconds;
  if (browser <= edge) return [];
  return [
    {
      at: `${at}.caching.l3.publicProfileBrowserSeconds`,
      message: `${browser} is more than publicProfileSeconds ${edge}: browsers would keep a profile after the edge refreshed it; make it at most ${edge}`,
    },
  ];
}

/**
 * Every public name an environment claims (api.<domain>, origin-<region>.<domain>, turn-<region>.<domain>) must be
 * its own: two environments on one name would fight over one Cloudflare load balancer and one Route 53 record.
 */
export function hostnameIssues(environments: Record<string, unknown>): Issue[] {
  const owner = new Map<string, string>();
  const issues: Issue[] = [];
  for (const [name, env] of Object.entries(environments)) {
    if (!isRecord(env) || typeof env.domain !== 'string' || !Array.isArray(env.regions)) continue;
    const domain = env.domain;
    const regions = env.regions.flatMap((r) => (typeof r === 'string' ? [r] : isRecord(r) && typeof r.name === 'string' ? [r.name] : []));
    const shared = new Map<string, string[]>();
    for (const hostname of new Set([apiHostname(domain), ...regions.flatMap((r) => [originHostname(domain, r), turnHostname(domain, r)])])) {
      const other = owner.get(hostname);
      if (other === undefined) owner.set(hostname, name);
      else shared.set(other, [...(shared.get(other) ?? []), hostname]);
    }
    for (const [other, hostnames] of shared) {
      issues.push({
        at: `environments.${name}.domain`,
        message: `claims ${hostnames.join(', ')}, hostnames of environment ${other} too; give each environment its own domain (e.g. ${name.toLowerCase()}.${domain})`,
      });
    }
  }
  return issues;
}
