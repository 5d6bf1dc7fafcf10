import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CLOUDFLARE_API_URL, ORIGIN_TOKEN_HEADER, ORIGIN_TOKEN_RULE } from '../../lib/facts/origin-protection';
import { EDGE_API_CREDENTIAL_FIELDS, edgeTokenSyncScript } from '../../lib/views/edge-token-sync-script';
import { TokenSyncFunction } from './token-sync-function';

export interface EdgeTokenSyncProps {
  /** The origin token's secret (the write region's). */
  readonly tokenSecret: secretsmanager.ISecret;
  /** Name of the Cloudflare API credentials secret it creates (lib/facts/names/edge.ts edgeApiCredentialsSecretName). */
  readonly credentialsSecretName: string;
  /** Customer-managed key of the credentials secret. */
  readonly key: kms.IKey;
  /** Description of the environment's Cloudflare health monitor, by which the function finds it (lib/views/edge/plan.ts). */
  readonly monitorDescription: string;
  /** Fixed name of the function (lib/facts/names/edge.ts originTokenFunctionName). */
  readonly functionName: string;
  readonly logGroup: logs.ILogGroup;
  /** Minutes between two syncs (lib/facts/origin-protection.ts ORIGIN_TOKEN_SYNC_MINUTES). */
  readonly everyMinutes: number;
}

/**
 * Keeps the Cloudflare edge sending the origin token's `current` slot: every `everyMinutes` a function
 * (lib/views/edge-token-sync-script.ts) sets it in the zone's origin token transform rule and in the environment's
 * health monitor through Cloudflare's API, when either differs.
 *
 * The API credentials are a secret of their own, which the stack creates with values Cloudflare refuses; an operator
 * puts a real API token (Transform Rules Write on the zone, Load Balancing: Monitors and Pools Write on the account),
 * the account id and the zone id in it (docs/edge.md). Until then every run fails, and the function's errors alarm.
 */
export class EdgeTokenSync extends Construct {
  readonly credentials: secretsmanager.Secret;
  readonly sync: TokenSyncFunction;

  constructor(scope: Construct, id: string, props: EdgeTokenSyncProps) {
    super(scope, id);
    const [generated, ...others] = EDGE_API_CREDENTIAL_FIELDS;
    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      secretName: props.credentialsSecretName,
      description: `Cloudflare API token, account id and zone id the edge token sync uses: replace the generated values before the first sync (docs/edge.md)`,
      encryptionKey: props.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(Object.fromEntries(others.map((f) => [f, 'set-me']))),
        generateStringKey: generated,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const region = props.key.env.region;
    this.sync = new TokenSyncFunction(this, 'Sync', {
      functionName: props.functionName,
      description: `Sets the edge origin token's current slot in Cloudflare's transform rule and health monitor`,
      policyDescription: 'Origin token edge sync: read the origin token and the Cloudflare API credentials, their key through Secrets Manager, its own log group',
      code: edgeTokenSyncScript(),
      environment: {
        API_URL: CLOUDFLARE_API_URL,
        TOKEN_SECRET_ID: props.tokenSecret.secretArn,
        CREDENTIALS_SECRET_ID: this.credentials.secretArn,
        TOKEN_HEADER: ORIGIN_TOKEN_HEADER,
        RULE_PHASE: ORIGIN_TOKEN_RULE.phase,
        RULE_REF: ORIGIN_TOKEN_RULE.ref,
        MONITOR_DESCRIPTION: props.monitorDescription,
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadTheTokenAndTheCredentials',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.tokenSecret.secretArn, this.credentials.secretArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseTheCredentialsKeyThroughSecretsManager',
          actions: ['kms:Decrypt'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        }),
      ],
      logGroup: props.logGroup,
      everyMinutes: props.everyMinutes,
    });
  }
}
