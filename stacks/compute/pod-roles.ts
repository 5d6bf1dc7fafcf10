import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { EnvironmentPlan } from '../../lib/plan';
import { HTTP_SERVICES, SERVICE_SPECS, type HttpService } from '../../lib/facts/workloads';
import { busPolicyName } from '../../lib/facts/names/bus';
import { cachePolicyName } from '../../lib/facts/names/cache';
import { dataKeyAlias, MIGRATIONS_SERVICE_ACCOUNT, shardSecretNamePrefix } from '../../lib/facts/names/data';
import { K8S_NAMESPACE, PROBE, TURN_NAMESPACE, workloadName } from '../../lib/facts/names/k8s';
import { PROBE_DB_USER } from '../../lib/facts/aurora';
import { mediaBucketName, mediaKeyAlias } from '../../lib/facts/names/media';
import { pascalCase } from '../../lib/util/strings';
import { podRoleName } from '../../lib/facts/names/compute';
import { serviceSecretName } from '../../lib/facts/names/services';
import { CACHE_KEY_PREFIX } from '../../lib/facts/services';
import { PodRole } from './pod-role';
import { secretArnByName } from '../secret-arn';
import { CONSUMER_SPECS, CONSUMERS, consumerWorkload, type Consumer } from '../../lib/facts/consumers';

/** The consumer a pod-role workload is (`memory-consumer` -> `memory`), or undefined. */
function consumerOf(workload: string): Consumer | undefined {
  return CONSUMERS.find((c) => consumerWorkload(c) === workload);
}

/**
 * Everything with a pod role: the HTTP services, the shard-migration Jobs, the TURN relay, the event consumers and
 * the probe. The gateway has none.
 */
export const POD_ROLE_WORKLOADS = [...HTTP_SERVICES, 'migrations', 'turn', ...CONSUMERS.map(consumerWorkload), PROBE] as const;
export type PodRoleWorkload = (typeof POD_ROLE_WORKLOADS)[number];

export interface WorkloadPodRolesProps {
  /** The environment: its name, account, write region and bus topics. */
  readonly environment: EnvironmentPlan;
  /** The region the cluster runs in. */
  readonly region: string;
  /** The cluster whose service accounts the roles are associated with. */
  readonly clusterName: string;
  /** The TURN relay's static auth secret (read by turn, and by voice to mint TURN credentials). */
  readonly turnSecret: secretsmanager.ISecret;
  /** The key the TURN secret is encrypted with. */
  readonly turnSecretKey: kms.IKey;
}

/**
 * One Pod Identity role per workload that calls AWS, holding exactly what its service description asks for:
 * - shard credentials (services with `shardSecrets`, and the migrations): read the shards' secrets in the write
 *   region, and decrypt with the data key there only through Secrets Manager;
 * - the cache and the bus: the per-service managed policies the cache and bus stacks publish under fixed names;
 * - voice: its OpenAI key and the TURN secret; turn: the TURN secret;
 * - entity (`media`): objects of the region's media bucket, and the media key only through S3;
 * - the probe: sign in to the region's shard proxies as its own database user (lib/facts/aurora.ts PROBE_DB_USER), and
 *   to the cache as its own cache user (the cache stack's probe connect policy: GET and SET on `probe:` keys only).
 */
export class WorkloadPodRoles extends Construct {
  /** Each workload's role and association, in POD_ROLE_WORKLOADS order. */
  readonly roles: ReadonlyMap<PodRoleWorkload, PodRole>;

  constructor(scope: Construct, id: string, props: WorkloadPodRolesProps) {
    super(scope, id);
    const { environment, region, clusterName } = props;
    const env = environment.name;
    const stack = Stack.of(this);
    const account = environment.account;
    const partition = stack.partition;
    const writeRegion = environment.writeRegion;

    const secretArn = (secretRegion: string, name: string): string =>
      `arn:${partition}:secretsmanager:${secretRegion}:${account}:secret:${name}`;
    // A key operation cannot name an alias as its Resource: key/* narrowed by the alias and the calling service.
    const keyThroughService = (keyRegion: string, alias: string, service: string, actions: string[]): iam.PolicyStatement =>
      new iam.PolicyStatement({
        actions,
        resources: [`arn:${partition}:kms:${keyRegion}:${account}:key/*`],
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
          StringEquals: { 'kms:ViaService': `${service}.${keyRegion}.amazonaws.com` },
        },
      });

    const shardCredentials = (): iam.PolicyStatement[] => [
      new iam.PolicyStatement({
        sid: 'ShardSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn(writeRegion, `${shardSecretNamePrefix(env)}*`)],
      }),
      keyThroughService(writeRegion, dataKeyAlias(env), 'secretsmanager', ['kms:Decrypt']),
    ];
    const turnSecret = (): iam.PolicyStatement[] => [
      new iam.PolicyStatement({ sid: 'TurnSecret', actions: ['secretsmanager:GetSecretValue'], resources: [props.turnSecret.secretArn] }),
      new iam.PolicyStatement({
        sid: 'TurnSecretKey',
        actions: ['kms:Decrypt'],
        resources: [props.turnSecretKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    ];

    const statementsOf = (workload: PodRoleWorkload): iam.PolicyStatement[] => {
      if (workload === 'migrations') return shardCredentials();
      if (workload === PROBE) {
        // A proxy's IAM resource is its resource id (`prx-…`), known only once it exists, in the shard-group stacks;
        // the grant names the user instead, whose only privilege is to read the probe users' rows
        // (db/migrations/0004_probe_role.sql).
        return [
          new iam.PolicyStatement({
            sid: 'ProbeDatabaseUser',
            actions: ['rds-db:connect'],
            resources: [`arn:${partition}:rds-db:${region}:${account}:dbuser:prx-*/${PROBE_DB_USER}`],
          }),
        ];
      }
      if (workload === 'turn') return turnSecret();
      const consumer = consumerOf(workload);
      if (consumer !== undefined) return CONSUMER_SPECS[consumer].shardSecrets ? shardCredentials() : [];
      const spec = SERVICE_SPECS[workload as HttpService];
      const out: iam.PolicyStatement[] = [];
      if (spec.shardSecrets) out.push(...shardCredentials());
      if (spec.secrets.length > 0) {
        out.push(
          new iam.PolicyStatement({
            sid: 'OwnSecrets',
            actions: ['secretsmanager:GetSecretValue'],
            resources: spec.secrets.map((key) => secretArnByName(this, serviceSecretName(env, workload, key))),
          }),
        );
      }
      // Voice hands WebRTC clients short-lived TURN credentials derived from the relay's static auth secret.
      if (workload === 'voice') out.push(...turnSecret());
      if (spec.media) {
        out.push(
          new iam.PolicyStatement({
            sid: 'MediaObjects',
            actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
            resources: [`arn:${partition}:s3:::${mediaBucketName(env, account, region)}/*`],
          }),
          keyThroughService(region, mediaKeyAlias(env), 's3', ['kms:Decrypt', 'kms:GenerateDataKey']),
        );
      }
      return out;
    };

    const managedPoliciesOf = (workload: PodRoleWorkload): iam.IManagedPolicy[] => {
      if (workload === 'migrations' || workload === 'turn') return [];
      // The probe's own cache user, published by the cache stack like the services'.
      if (workload === PROBE) return [iam.ManagedPolicy.fromManagedPolicyName(this, 'ProbeCachePolicy', cachePolicyName(env, region, PROBE))];
      // A consumer acts for its service: the service's cache user (when it uses the cache) and bus policy.
      const consumer = consumerOf(workload);
      const service = consumer ?? (workload as HttpService);
      const usesCache = consumer === undefined || CONSUMER_SPECS[consumer].dependencies.includes('cache');
      const out: iam.IManagedPolicy[] = [];
      // Published by the cache and bus stacks under fixed names; the stage deploys those stacks first.
      if (usesCache && CACHE_KEY_PREFIX[service] !== undefined) {
        out.push(iam.ManagedPolicy.fromManagedPolicyName(this, `${pascalCase(workload)}CachePolicy`, cachePolicyName(env, region, service)));
      }
      if (environment.bus.topics.some((t) => t.producers.includes(service) || t.consumers.includes(service))) {
        out.push(iam.ManagedPolicy.fromManagedPolicyName(this, `${pascalCase(workload)}BusPolicy`, busPolicyName(env, region, service)));
      }
      return out;
    };

    const serviceAccountOf = (workload: PodRoleWorkload): { namespace: string; serviceAccount: string } => {
      if (workload === 'migrations') return { namespace: K8S_NAMESPACE, serviceAccount: MIGRATIONS_SERVICE_ACCOUNT };
      if (workload === 'turn') return { namespace: TURN_NAMESPACE, serviceAccount: workloadName('turn') };
      return { namespace: K8S_NAMESPACE, serviceAccount: workloadName(workload) };
    };

    const roles = new Map<PodRoleWorkload, PodRole>();
    for (const workload of POD_ROLE_WORKLOADS) {
      const { namespace, serviceAccount } = serviceAccountOf(workload);
      roles.set(
        workload,
        new PodRole(this, pascalCase(workload), {
          clusterName,
          roleName: podRoleName(env, region, workload),
          description: `Pods of ${namespace}/${serviceAccount} on ${clusterName} (EKS Pod Identity)`,
          namespace,
          serviceAccount,
          statements: statementsOf(workload),
          managedPolicies: managedPoliciesOf(workload),
        }),
      );
    }
    this.roles = roles;
  }
}
