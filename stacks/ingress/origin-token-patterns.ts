import { CustomResource, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, type IDependable } from 'constructs';
import { wafTokenSyncScript } from '../../lib/views/waf-token-sync-script';
import { secretArnByName } from '../secret-arn';
import { TokenSyncFunction } from './token-sync-function';

/**
 * What the pattern set holds until its sync first runs: a character class no character is in, which matches no header
 * value. CloudFormation writes it only when it creates the set (or a change to the set's own properties updates it);
 * the sync, run before the web ACL uses the set, replaces it.
 */
export const NO_TOKEN_PATTERN = '^[^\\s\\S]$';

export interface OriginTokenPatternsProps {
  /** Name of the regex pattern set (lib/facts/names/edge.ts originTokenPatternSetName). */
  readonly name: string;
  /** Name of the origin token's secret, or of its replica in this region (lib/facts/names/edge.ts edgeOriginTokenSecretName). */
  readonly secretName: string;
  /** The secret itself where this stack creates it (the write region): the first sync waits for it. */
  readonly secret?: IDependable;
  /** Fixed name of the sync function (lib/facts/names/edge.ts originTokenFunctionName). */
  readonly functionName: string;
  readonly logGroup: logs.ILogGroup;
  /** Minutes between two syncs (lib/facts/origin-protection.ts ORIGIN_TOKEN_SYNC_MINUTES). */
  readonly everyMinutes: number;
}

/**
 * The origin tokens a region's ALB accepts, as a WAF regex pattern set the web ACL's first rule requires a match of
 * (one anchored pattern per slot of the secret, lib/facts/secret-slots.ts), and the function that keeps the set equal
 * to the secret: every `everyMinutes`, and once at deploy as a custom resource the web ACL waits for.
 *
 * The set's contents belong to the function, not to CloudFormation, which resolves a secret only when a deploy updates
 * the resource that references it (AWS CloudFormation User Guide, "Get a secret or secret value from Secrets
 * Manager"): a rotation between deploys would otherwise never reach the web ACL. CloudFormation's drift detection
 * will report the set as modified; that is expected.
 */
export class OriginTokenPatterns extends Construct {
  readonly patternSet: wafv2.CfnRegexPatternSet;
  readonly sync: TokenSyncFunction;
  /** The deploy-time sync: whatever uses the set depends on it. */
  readonly firstSync: CustomResource;

  constructor(scope: Construct, id: string, props: OriginTokenPatternsProps) {
    super(scope, id);
    const description = `Edge origin tokens the ALB accepts, written by ${props.functionName} from ${props.secretName}`;
    this.patternSet = new wafv2.CfnRegexPatternSet(this, 'PatternSet', { name: props.name, scope: 'REGIONAL', description, regularExpressionList: [NO_TOKEN_PATTERN] });
    this.sync = new TokenSyncFunction(this, 'Sync', {
      functionName: props.functionName,
      description: `Writes the edge origin token's slots from ${props.secretName} into the web ACL's pattern set ${props.name}`,
      policyDescription: `Origin token WAF sync: read ${props.secretName}, read and update the pattern set ${props.name}, its own log group`,
      code: wafTokenSyncScript(),
      environment: { SECRET_ID: props.secretName, PATTERN_SET_NAME: props.name, PATTERN_SET_ID: this.patternSet.attrId },
      statements: [
        // The secret and its replicas are encrypted with the AWS-managed key, which decrypts for whoever may read them.
        new iam.PolicyStatement({ sid: 'ReadTheOriginToken', actions: ['secretsmanager:GetSecretValue'], resources: [secretArnByName(this, props.secretName)] }),
        new iam.PolicyStatement({ sid: 'WriteThePatternSet', actions: ['wafv2:GetRegexPatternSet', 'wafv2:UpdateRegexPatternSet'], resources: [this.patternSet.attrArn] }),
      ],
      logGroup: props.logGroup,
      everyMinutes: props.everyMinutes,
    });
    // CloudFormation invokes the function with the deploying principal's rights; the function answers on the
    // response URL (lib/views/cfn-response-script.ts). Its properties are all of the set's, tags included (rendered
    // once the stack's tags are applied): a deploy that updates the set (and so may write NO_TOKEN_PATTERN back)
    // updates this resource after it, which syncs again.
    this.firstSync = new CustomResource(this, 'FirstSync', {
      serviceToken: this.sync.function.functionArn,
      resourceType: 'Custom::OriginTokenPatterns',
      properties: {
        PatternSet: props.name,
        Description: description,
        RegularExpressionList: [NO_TOKEN_PATTERN],
        Tags: Lazy.any({ produce: () => this.patternSet.tags.renderTags() }),
        Secret: props.secretName,
      },
    });
    this.firstSync.node.addDependency(this.sync.policy);
    if (props.secret !== undefined) this.firstSync.node.addDependency(props.secret);
  }
}
