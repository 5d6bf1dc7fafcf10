import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { encryptedLogGroup } from '../logs-key-grant';
import type { OriginTokenPatterns } from './origin-token-patterns';

/** AWS managed rule groups the web ACL runs, in evaluation order (priorities 10, 20, ...). */
export const MANAGED_RULE_GROUPS = [
  // Matches the request's source IP, which behind the edge is a Cloudflare address (the rule group has no forwarded-IP
  // option): it acts on edge addresses AWS lists, and on direct traffic should the security group ever admit more than the edge.
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** Header the edge puts the client's address in: behind Cloudflare every request's source is a Cloudflare address. */
export const CLIENT_IP_HEADER = 'CF-Connecting-IP';
/**
 * Headers never written to the WAF log: bearer tokens and session cookies. The origin token header (a prop) is
 * redacted next to them.
 */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

export interface OriginWebAclProps {
  /** Name of the web ACL (lib/facts/names/ingress.ts `webAclName`); also the prefix of its CloudWatch metric names. */
  readonly name: string;
  /**
   * Request header the edge carries the origin token in (lib/facts/origin-protection `ORIGIN_TOKEN_HEADER`), lower
   * case; a request whose header matches none of the accepted tokens is blocked, and the header is redacted from the
   * WAF log.
   */
  readonly originTokenHeader: string;
  /** The regex pattern set of the accepted origin tokens (stacks/ingress/origin-token-patterns.ts). */
  readonly originTokens: OriginTokenPatterns;
  /** ARN of the ALB the web ACL is associated with. */
  readonly loadBalancerArn: string;
  /** Requests one client IP may send in 5 minutes before it is blocked (the plan's ingress.rateLimitPer5Minutes). */
  readonly rateLimitPer5Minutes: number;
  /** CloudWatch Logs group of the WAF log (lib/facts/names/ingress.ts `wafLogGroupName`; WAF requires the `aws-waf-logs-` prefix). */
  readonly logGroupName: string;
  /** Days the WAF log is kept; a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /** Customer-managed key the log group is encrypted with; CloudWatch Logs is allowed to use it for this group only. */
  readonly logKey: kms.Key;
}

/**
 * The regional WAF web ACL of a region's ALB: first a block of every request whose origin token header matches none of
 * the environment's tokens (only our edge sends one: lib/facts/origin-protection.ts), then AWS's IP reputation, common,
 * known-bad-inputs and SQL injection rule groups, then a per-client rate limit keyed on the edge's client-IP header;
 * anything not blocked is allowed. Every request is logged (authorization, cookie and origin token headers redacted)
 * to a KMS-encrypted log group kept the planned days.
 *
 * The tokens are not in the template: the rule references a regex pattern set whose contents a function keeps equal to
 * the token's secret, and the web ACL is created only after that function first filled it.
 */
export class OriginWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association: wafv2.CfnWebACLAssociation;
  readonly logGroup: logs.LogGroup;
  readonly loggingConfiguration: wafv2.CfnLoggingConfiguration;

  constructor(scope: Construct, id: string, props: OriginWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    const originToken: wafv2.CfnWebACL.RuleProperty = {
      name: 'EdgeOriginToken',
      priority: 0,
      statement: {
        notStatement: {
          statement: {
            regexPatternSetReferenceStatement: {
              arn: props.originTokens.patternSet.attrArn,
              fieldToMatch: { singleHeader: { Name: props.originTokenHeader } },
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
        },
      },
      action: { block: {} },
      visibilityConfig: visibility(`${props.name}-EdgeOriginToken`),
    };
    const managed = MANAGED_RULE_GROUPS.map(
      (group, i): wafv2.CfnWebACL.RuleProperty => ({
        name: group,
        priority: (i + 1) * 10,
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
        // Rule groups act as AWS defines them (block on match); `count` would only observe.
        overrideAction: { none: {} },
        visibilityConfig: visibility(`${props.name}-${group}`),
      }),
    );
    const rateLimit: wafv2.CfnWebACL.RuleProperty = {
      name: 'RateLimitPerClientIp',
      priority: (MANAGED_RULE_GROUPS.length + 1) * 10,
      statement: {
        rateBasedStatement: {
          limit: props.rateLimitPer5Minutes,
          evaluationWindowSec: 300,
          aggregateKeyType: 'FORWARDED_IP',
          // A header holding no valid IP (forged or mangled) is blocked. WAF skips the rule for a request without the
          // header (AWS WAF Developer Guide, "Using forwarded IP addresses"); only the edge's ranges reach the ALB, and
          // the edge always sets it.
          forwardedIpConfig: { headerName: CLIENT_IP_HEADER, fallbackBehavior: 'MATCH' },
        },
      },
      action: { block: {} },
      visibilityConfig: visibility(`${props.name}-RateLimitPerClientIp`),
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'Origin ALB: the edge origin token, AWS managed rule groups, a per-client rate limit behind the edge',
      scope: 'REGIONAL',
      // Log redaction does not reach sampled requests (visible to wafv2:GetSampledRequests); web ACL data protection
      // substitutes the secrets everywhere WAF shows request data.
      dataProtectionConfig: {
        dataProtections: [
          { field: { fieldType: 'SINGLE_HEADER', fieldKeys: [...REDACTED_HEADERS, props.originTokenHeader] }, action: 'SUBSTITUTION' },
        ],
      },
      defaultAction: { allow: {} },
      rules: [originToken, ...managed, rateLimit],
      visibilityConfig: visibility(props.name),
    });
    this.webAcl.node.addDependency(props.originTokens.firstSync);

    this.association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.logGroup = encryptedLogGroup(this, 'LogGroup', { logGroupName: props.logGroupName, key: props.logKey, retentionDays: props.logRetentionDays });
    // WAF takes the log group ARN without the `:*` suffix the L2's logGroupArn carries.
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: props.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.loggingConfiguration = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [...REDACTED_HEADERS, props.originTokenHeader].map((name) => ({ singleHeader: { Name: name } })),
    });
    this.loggingConfiguration.node.addDependency(this.logGroup);
  }
}
