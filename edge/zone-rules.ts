import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import type { EdgeRule } from '../lib/views/edge/cache-rules';
import type { EdgeArgs } from './args';
import { originTokenRule } from '../lib/views/edge/security-rules';
import { ORIGIN_TOKEN_RULE } from '../lib/facts/origin-protection';

/** A ruleset rule as the provider takes it; every rule is enabled and keeps its `ref` across edits. */
function toRule(rule: EdgeRule): cloudflare.types.input.RulesetRule {
  return {
    ref: rule.ref,
    description: rule.description,
    expression: rule.expression,
    action: rule.action,
    enabled: true,
    ...(rule.actionParameters ? { actionParameters: rule.actionParameters as cloudflare.types.input.RulesetRuleActionParameters } : {}),
    ...(rule.ratelimit ? { ratelimit: rule.ratelimit as unknown as cloudflare.types.input.RulesetRuleRatelimit } : {}),
  };
}

/**
 * The zone-wide behaviour of the environment's domain: cache rules, managed WAF, per-service rate limits, the origin
 * token transform, TLS (Full strict, TLS 1.2 minimum, TLS 1.3, HTTPS only, HSTS) and tiered caching. A zone has one
 * entry-point ruleset per phase, so each environment needs its own zone: two stacks on one zone would overwrite
 * each other's rules.
 */
export class EdgeZoneRules extends pulumi.ComponentResource {
  readonly rulesets: Readonly<Record<'cache' | 'waf' | 'rateLimit' | 'originToken', cloudflare.Ruleset>>;
  readonly settings: readonly cloudflare.ZoneSetting[];
  /** Tiered caching and its smart topology. */
  readonly tiered: readonly [cloudflare.ArgoTieredCaching, cloudflare.TieredCache];

  constructor(name: string, args: Omit<EdgeArgs, 'accountId'>, opts?: pulumi.ComponentResourceOptions) {
    super('gigascale:edge:ZoneRules', name, {}, opts);
    const { plan, zoneId } = args;
    const child = { parent: this };
    const ruleset = (suffix: string, phase: string, what: string, rules: readonly EdgeRule[]) =>
      new cloudflare.Ruleset(
        `${name}-${suffix}`,
        { zoneId, kind: 'zone', phase, name: `gigascale ${plan.environment} ${what}`, description: `gigascale ${plan.environment}: ${what}`, rules: rules.map(toRule) },
        child,
      );

    this.rulesets = {
      cache: ruleset('cache', 'http_request_cache_settings', 'cache rules', plan.cacheRules),
      waf: ruleset('waf', 'http_request_firewall_managed', 'managed WAF', plan.managedWafRules),
      rateLimit: ruleset('rate-limits', 'http_ratelimit', 'rate limits', plan.rateLimitRules),
      originToken: ruleset('origin-token', ORIGIN_TOKEN_RULE.phase, 'origin token', [originTokenRule(args.originToken)]),
    };

    this.settings = Object.entries(plan.zoneSettings).map(
      ([settingId, value]) => new cloudflare.ZoneSetting(`${name}-${settingId.replace(/_/g, '-')}`, { zoneId, settingId, value }, child),
    );
    // Tiered caching (regional tiers ask an upper tier before the origin) with Cloudflare's smart topology.
    this.tiered = [
      new cloudflare.ArgoTieredCaching(`${name}-tiered-caching`, { zoneId, value: 'on' }, child),
      new cloudflare.TieredCache(`${name}-smart-tiered-cache`, { zoneId, value: 'on' }, child),
    ];

    this.registerOutputs({ rulesetIds: Object.fromEntries(Object.entries(this.rulesets).map(([k, r]) => [k, r.id])) });
  }
}
