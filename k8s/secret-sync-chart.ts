/**
 * Secrets Manager secrets synced into Kubernetes Secrets by the Secrets Store CSI driver and its AWS provider (ASCP),
 * both installed by the compute stack with secret sync and rotation on:
 *
 * - in the write region, one SecretProviderClass per shard in the workloads' namespace: the shard's master credentials
 *   (lib/facts/names/data.ts shardSecretName) become the Secret shardCredentialsSecretName(...) with keys `username`
 *   and `password`, which the migrations Jobs read (k8s/migrations-job.ts);
 * - in every region, one in the TURN namespace: the relay's static auth secret (lib/facts/names/compute.ts
 *   turnSecretName) becomes the Secret TURN_AUTH_SECRET with a key per slot, `previous`, `current` and `next`
 *   (lib/facts/turn-secret.ts, k8s/turn-chart.ts).
 *
 * The driver creates (and on rotation updates) a synced Secret only while some pod mounts the class's CSI volume, and
 * deletes it when the last such pod is gone: every consumer mounts the volume even if it reads only the Secret.
 * With `usePodIdentity`, the ASCP fetches each secret with the mounting pod's service account's EKS Pod Identity
 * role, so that role (not the provider's) needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).
 *
 * Field names: the SecretProviderClass spec (provider, parameters, secretObjects[].secretName/type/data[].objectName/
 * key) is kubernetes-sigs/secrets-store-csi-driver config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml;
 * the AWS parameters (objects, region, usePodIdentity) and the object fields (objectName, objectType, jmesPath[].path/
 * objectAlias) are aws/secrets-store-csi-driver-provider-aws README, examples/ExampleSecretProviderClass-PodIdentity.yaml
 * and provider/secret_descriptor.go.
 */
import { ApiObject, Chart, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { REGION_NAME } from '../lib/facts/regions';
import { BUCKET_COUNT } from '../lib/facts/shard-map';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../lib/facts/kubernetes';
import { K8S_NAMESPACE, TURN_AUTH_SECRET, TURN_NAMESPACE } from '../lib/facts/names/k8s';
import { shardCredentialsSecretName, shardSecretName } from '../lib/facts/names/data';
import { turnSecretName } from '../lib/facts/names/compute';
import { SECRET_SLOTS } from '../lib/facts/secret-slots';

/** Chart id, and the file name cdk8s writes (`secret-sync.k8s.yaml`). */
export const SECRET_SYNC_CHART_ID = 'secret-sync';

/** Name of the Secrets Store CSI driver, what a pod's `csi.driver` names. */
export const SECRETS_STORE_DRIVER = 'secrets-store.csi.k8s.io';

/** One entry of the AWS provider's `objects` parameter (provider/secret_descriptor.go SecretDescriptor). */
export interface AwsSecretObject {
  /** Secret name or full ARN. */
  readonly objectName: string;
  /** `secretsmanager` or `ssmparameter` (required unless objectName is an ARN). */
  readonly objectType: 'secretsmanager' | 'ssmparameter';
  /** File name of the whole secret in the mount. @default - objectName with `/` replaced by `_` */
  readonly objectAlias?: string;
  /** JSON keys of the secret mounted as files of their own. @default - none */
  readonly jmesPath?: readonly { readonly path: string; readonly objectAlias: string }[];
}

/** A Kubernetes Secret the driver keeps in sync with mounted objects (SecretProviderClass `spec.secretObjects[]`). */
export interface SyncedSecret {
  readonly secretName: string;
  /** Kubernetes Secret type, e.g. `Opaque`. */
  readonly type: string;
  /** Each key of the Secret and the mounted object (file name: objectAlias) it is filled from. */
  readonly data: readonly { readonly objectName: string; readonly key: string }[];
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SecretProviderClassSpec {
  /** The provider plugin, `aws` for the ASCP. */
  readonly provider: string;
  /** Provider parameters; every value is a string (the CRD types them so). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Kubernetes Secrets to sync. @default - none, mount only */
  readonly secretObjects?: readonly SyncedSecret[];
}

export interface SecretProviderClassProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: SecretProviderClassSpec;
}

/** `secrets-store.csi.x-k8s.io/v1` SecretProviderClass, typed (cdk8s `import` would generate the same shape). */
export class SecretProviderClass extends ApiObject {
  static readonly GVK = { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass' } as const;

  constructor(scope: Construct, id: string, props: SecretProviderClassProps) {
    super(scope, id, { ...SecretProviderClass.GVK, ...props });
  }
}

/**
 * The ASCP's parameters for secrets in `region` fetched with the pod's Pod Identity role. `objects` is a string the
 * provider parses with sigs.k8s.io/yaml; JSON is YAML, so the typed list is serialized rather than written as YAML
 * (indented: the rendered manifest shows it as a block a reviewer reads line by line).
 */
export function awsProviderParameters(region: string, objects: readonly AwsSecretObject[]): Record<string, string> {
  return { objects: JSON.stringify(objects, null, 2), region, usePodIdentity: 'true' };
}

export interface SecretSyncChartProps {
  /** Environment name, which every Secrets Manager name carries (lib/facts/names/data.ts, lib/facts/names/compute.ts). */
  readonly env: string;
  /** AWS region of the cluster; the ASCP reads the secrets there (naming it saves a node lookup per mount). */
  readonly region: string;
  /**
   * Shards whose master credentials are synced (only the write region holds them); the compute stage puts each
   * migrations group's shards in a chart of their own (k8s/compute-charts.ts addMigrationCharts). @default - none
   */
  readonly shards?: readonly number[];
  /** Include the TURN relay's class (the region's chart does; a migrations group's does not). @default true */
  readonly turn?: boolean;
  /** Namespace of the shard credentials (where the migrations Jobs run). @default 'gigascale' */
  readonly namespace?: string;
  /** Namespace of the TURN relay. @default 'gigascale-turn' */
  readonly turnNamespace?: string;
}

export class SecretSyncChart extends Chart {
  /** One class per shard (shard order), then the TURN relay's. */
  readonly classes: readonly SecretProviderClass[];

  constructor(scope: Construct, id: string, props: SecretSyncChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    const turnNamespace = props.turnNamespace ?? TURN_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const shards = props.shards ?? [];
    validate(this.node.path, props, shards, namespace, turnNamespace);
    const labels = { 'app.kubernetes.io/part-of': 'gigascale' };

    const shardClasses = shards.map((shard) => {
      const secretName = shardSecretName(props.env, shard);
      // The class and the Secret it syncs share the name the migrations Job derives from the secret's.
      const name = shardCredentialsSecretName(secretName);
      return new SecretProviderClass(this, name, {
        metadata: { name, namespace, labels },
        spec: {
          provider: 'aws',
          parameters: awsProviderParameters(props.region, [
            {
              objectName: secretName,
              objectType: 'secretsmanager',
              jmesPath: [
                { path: 'username', objectAlias: 'username' },
                { path: 'password', objectAlias: 'password' },
              ],
            },
          ]),
          secretObjects: [
            {
              secretName: name,
              type: 'Opaque',
              labels,
              data: [
                { objectName: 'username', key: 'username' },
                { objectName: 'password', key: 'password' },
              ],
            },
          ],
        },
      });
    });

    const turn = props.turn === false ? [] : [new SecretProviderClass(this, 'Turn', {
      metadata: { name: TURN_AUTH_SECRET, namespace: turnNamespace, labels },
      spec: {
        provider: 'aws',
        // A JSON secret of three slots (lib/facts/secret-slots.ts): each is a file of the mount and a key of the Secret.
        parameters: awsProviderParameters(props.region, [
          {
            objectName: turnSecretName(props.env),
            objectType: 'secretsmanager',
            objectAlias: 'secret',
            jmesPath: SECRET_SLOTS.map((slot) => ({ path: slot, objectAlias: slot })),
          },
        ]),
        secretObjects: [{ secretName: TURN_AUTH_SECRET, type: 'Opaque', labels, data: SECRET_SLOTS.map((slot) => ({ objectName: slot, key: slot })) }],
      },
    })];

    this.classes = [...shardClasses, ...turn];
  }
}

function validate(path: string, props: SecretSyncChartProps, shards: readonly number[], namespace: string, turnNamespace: string): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  if (!DNS_LABEL.test(props.env)) issues.push({ at: at('env'), message: `must be a DNS-1123 label, got "${props.env}"` });
  if (!REGION_NAME.test(props.region)) issues.push({ at: at('region'), message: `must be an AWS region name like eu-west-1, got "${props.region}"` });
  shards.forEach((shard, i) => {
    if (!Number.isInteger(shard) || shard < 0 || shard >= BUCKET_COUNT) {
      issues.push({ at: at(`shards[${i}]`), message: `must be a shard number in 0..${BUCKET_COUNT - 1}, got ${shard}` });
    }
  });
  for (const [prop, value] of [['namespace', namespace], ['turnNamespace', turnNamespace]] as const) {
    if (!DNS_LABEL.test(value)) issues.push({ at: at(prop), message: `must be a DNS-1123 label, got "${value}"` });
  }
  if (issues.length === 0 && shards.length > 0 && !DNS_SUBDOMAIN.test(shardCredentialsSecretName(shardSecretName(props.env, 0)))) {
    issues.push({ at: at('env'), message: `must make valid Kubernetes Secret names, got "${props.env}"` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid SecretSyncChart props', issues);
}
