/**
 * One Kubernetes Job per shard that applies db/migrations to the shard's writer with bin/migrate.ts, for the
 * compute stack to deploy on EKS in the shard's write region.
 *
 * Credentials never appear here: each Job reads PGUSER/PGPASSWORD from a Kubernetes Secret whose name derives from the
 * shard's Secrets Manager secret (lib/facts/names/data.ts shardCredentialsSecretName). The Secrets Store CSI driver
 * syncs that secret into the namespace through the SecretProviderClass of the same name (k8s/secret-sync-chart.ts),
 * keeping its JSON keys `username` and `password`. The driver writes the Secret only while a pod mounts the class's CSI
 * volume, so each Job mounts it (read-only, files unused); the ASCP fetches the secret with the Pod Identity role of
 * the Jobs' service account, which needs secretsmanager:GetSecretValue on the shards' secrets.
 *
 * Jobs are immutable once created: deploying a new image means deleting the previous Job first (finished Jobs are
 * deleted automatically TTL_AFTER_FINISHED after they end).
 */
import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { DATABASE_NAME, DATABASE_PORT } from '../lib/facts/aurora';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { DEFAULT_MEMORY_PARTITIONS, MAX_MEMORY_PARTITIONS } from '../db/migrate';
import { SECRETS_STORE_DRIVER } from './secret-sync-chart';
import { APP_UID, containerSecurity, podSecurity } from './secure-defaults';
import { K8S_NAMESPACE } from '../lib/facts/names/k8s';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../lib/facts/kubernetes';
import { MIGRATIONS_SERVICE_ACCOUNT, migrationJobName, shardCredentialsSecretName } from '../lib/facts/names/data';
import { integerProblem } from '../lib/util/ranges';

/** A shard the migrations run against. */
export interface MigrationShard {
  /** The shard's name (lib/facts/names/data.ts shardName), e.g. `shard-0007`; the Job is named `migrate-shard-0007`. */
  readonly name: string;
  /**
   * The shard's writer, as the deterministic name in the region's private zone
   * (`writer.shard-0007.db.prod.gigascale.internal`, lib/facts/names/data.ts shardEndpointName): a CNAME to the cluster
   * endpoint, whose own name (`<id>.cluster-<account hash>.<region>.rds.amazonaws.com`) is not known at synth.
   */
  readonly writerHost: string;
  /** Secrets Manager name of the shard's master credentials (lib/facts/names/data.ts shardSecretName), e.g. `gigascale/prod/shard-0007/master`. */
  readonly secretName: string;
}

export interface MigrationsChartProps {
  /** URI of the migration runner image built from db/Dockerfile, preferably pinned by digest (`…@sha256:…`). */
  readonly image: string;
  /** Shards to migrate, one Job each; at least one. */
  readonly shards: readonly MigrationShard[];
  /** Namespace of the Jobs, their service account and the credential Secrets. @default 'gigascale' */
  readonly namespace?: string;
  /**
   * Hash partitions of ai_user_memory (the plan's database.memoryPartitions), 1..256. Must equal what every shard
   * already has: a shard with another count fails its Job with exit 1 and changes nothing.
   * @default 10
   */
  readonly memoryPartitions?: number;
  /**
   * How long one Job may run before Kubernetes stops it. Concurrent index builds on a loaded shard take long; a
   * build cut off leaves an invalid index, which the next run drops and builds again.
   * @default Duration.hours(2)
   */
  readonly activeDeadline?: Duration;
  /**
   * Create the Jobs' ServiceAccount (MIGRATIONS_SERVICE_ACCOUNT). The write region splits its shards into several
   * migrations charts; only the first group's creates it, so two manifests never own one object. @default true
   */
  readonly createServiceAccount?: boolean;
}

/** db/Dockerfile runs as the `node` user. */
const RUNNER_UID = APP_UID;
/** Attempts after the first failure; each re-run is safe because every migration is idempotent. */
const BACKOFF_LIMIT = 2;
/** Long enough to read a finished Job's status and logs, short enough that the next deploy rarely meets it. */
const TTL_AFTER_FINISHED = Duration.hours(1);
/** Where the image holds the repository (db/Dockerfile WORKDIR). */
const APP_DIR = '/app';
/** Where the shard's secret files appear (unused: the Job reads the synced Secret through its environment). */
const SECRETS_MOUNT = '/mnt/secrets-store';

export class MigrationsChart extends Chart {
  /** The Jobs, in the order of `props.shards`. */
  readonly jobs: readonly kplus.Job[];

  constructor(scope: Construct, id: string, props: MigrationsChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const memoryPartitions = props.memoryPartitions ?? DEFAULT_MEMORY_PARTITIONS;
    validate(this.node.path, props, namespace, memoryPartitions);

    const serviceAccount =
      props.createServiceAccount === false
        ? kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', MIGRATIONS_SERVICE_ACCOUNT)
        : new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: MIGRATIONS_SERVICE_ACCOUNT }, automountToken: false });

    this.jobs = props.shards.map((shard) => {
      const labels = { 'app.kubernetes.io/name': 'gigascale-migrations', 'app.kubernetes.io/part-of': 'gigascale', 'gigascale/shard': shard.name };
      const credentialsName = shardCredentialsSecretName(shard.secretName);
      const credentials = kplus.Secret.fromSecretName(this, `${shard.name}-credentials`, credentialsName);
      const secretsStore = kplus.Volume.fromCsi(this, `${shard.name}-secrets-store`, SECRETS_STORE_DRIVER, {
        name: 'secrets-store',
        readOnly: true,
        attributes: { secretProviderClass: credentialsName },
      });
      const job = new kplus.Job(this, shard.name, {
        metadata: { name: migrationJobName(shard.name), labels },
        podMetadata: { labels },
        backoffLimit: BACKOFF_LIMIT,
        activeDeadline: props.activeDeadline ?? Duration.hours(2),
        ttlAfterFinished: TTL_AFTER_FINISHED,
        restartPolicy: kplus.RestartPolicy.NEVER,
        serviceAccount,
        automountServiceAccountToken: false,
        securityContext: podSecurity(RUNNER_UID),
        containers: [
          {
            name: 'migrate',
            image: props.image,
            workingDir: APP_DIR,
            command: ['node', '--import', 'tsx', 'bin/migrate.ts'],
            args: ['--dir', 'db/migrations', '--memory-partitions', String(memoryPartitions)],
            envVariables: {
              PGHOST: kplus.EnvValue.fromValue(shard.writerHost),
              PGPORT: kplus.EnvValue.fromValue(String(DATABASE_PORT)),
              PGDATABASE: kplus.EnvValue.fromValue(DATABASE_NAME),
              PGUSER: kplus.EnvValue.fromSecretValue({ secret: credentials, key: 'username' }),
              PGPASSWORD: kplus.EnvValue.fromSecretValue({ secret: credentials, key: 'password' }),
              // Aurora enforces TLS (rds.force_ssl). verify-ca checks the chain against the RDS CA bundle of the image
              // (PGSSLROOTCERT, db/Dockerfile); verify-full cannot pass through the private-zone alias, which is not
              // on the certificate. The alias resolves only inside the VPC, from a zone only the deploy role writes.
              PGSSLMODE: kplus.EnvValue.fromValue('verify-ca'),
            },
            securityContext: containerSecurity(RUNNER_UID),
            resources: {
              cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
              memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
            },
            volumeMounts: [
              // The root filesystem is read-only; tsx keeps its compile cache in the temp directory.
              { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, `${shard.name}-tmp`, 'tmp', { sizeLimit: Size.mebibytes(64) }) },
              // Mounted so the CSI driver syncs the credentials Secret the environment reads.
              { path: SECRETS_MOUNT, volume: secretsStore, readOnly: true },
            ],
          },
        ],
      });
      return job;
    });
  }
}

function validate(path: string, props: MigrationsChartProps, namespace: string, memoryPartitions: number): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  if (props.image === '' || /\s/.test(props.image)) {
    issues.push({ at: at('image'), message: `must be an image URI without spaces, got ${JSON.stringify(props.image)}` });
  }
  if (!DNS_LABEL.test(namespace)) issues.push({ at: at('namespace'), message: `must be a DNS-1123 label, got "${namespace}"` });
  const partitionsProblem = integerProblem(memoryPartitions, 1, MAX_MEMORY_PARTITIONS);
  if (partitionsProblem !== undefined) issues.push({ at: at('memoryPartitions'), message: partitionsProblem });
  if (props.shards.length === 0) issues.push({ at: at('shards'), message: 'must list at least one shard' });
  const seen = new Set<string>();
  props.shards.forEach((shard, i) => {
    const job = migrationJobName(shard.name);
    if (!DNS_LABEL.test(job)) {
      issues.push({ at: at(`shards[${i}].name`), message: `must make a Job name ${job} that is a DNS-1123 label of at most 63 characters, got "${shard.name}"` });
    }
    if (seen.has(shard.name)) issues.push({ at: at(`shards[${i}].name`), message: `${shard.name} is listed twice` });
    seen.add(shard.name);
    if (!DNS_SUBDOMAIN.test(shard.writerHost)) {
      issues.push({ at: at(`shards[${i}].writerHost`), message: `must be a lower-case host name, got "${shard.writerHost}"` });
    }
    const secret = shardCredentialsSecretName(shard.secretName);
    if (!DNS_SUBDOMAIN.test(secret)) {
      issues.push({ at: at(`shards[${i}].secretName`), message: `must map to a valid Kubernetes Secret name, got "${shard.secretName}" -> "${secret}"` });
    }
  });
  if (issues.length > 0) throw new GigascaleError('Invalid MigrationsChart props', issues);
}
