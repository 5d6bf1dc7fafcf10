/**
 * The region's synthetic probe: a CronJob that runs bin/probe.ts (image probe/Dockerfile) every minute against the
 * region's own endpoints and sends one embedded-metric-format (EMF) line per check to the CloudWatch agent on its node,
 * which turns them into the Gigascale/Probe metrics the observability stack alarms on.
 *
 * - Target (ConfigMap PROBE_TARGET_CONFIGMAP, `target.json`, lib/views/probe-target.ts): the RDS proxies of a sample
 *   of shards for `postgres`, as the probe's database user with IAM authentication, the gateway's in-cluster
 *   Service for `http` (`/gateway/health`, answered by Envoy itself) and `profile_origin` (the reserved public
 *   profile), the edge hostname for `profile_edge` (the same profile), the cache's private-zone alias for `redis`, as
 *   the probe's own cache user with IAM authentication, and chat's Socket.IO route through the gateway for `ws` and
 *   `chat`, presenting the probe's identity to auth (a presigned STS request, lib/facts/probe-identity.ts).
 * - Metrics: `--emf --emf-endpoint tcp://$(HOST_IP):25888`. The amazon-cloudwatch-observability add-on runs the
 *   agent as a hostNetwork DaemonSet listening for EMF on the node's port 25888 (stacks/compute/cluster-addons.ts);
 *   stdout would not do: the add-on's Fluent Bit ships container lines wrapped in Kubernetes metadata, which CloudWatch
 *   does not read as EMF.
 * - Timing (PROBE_RUN): every minute, never two at once (Forbid), a run that cannot start within 30 s is skipped, and
 *   one that has not ended after 50 s is stopped; no retry (backoffLimit 0): the next minute is the retry, and a
 *   failed run shows as missing datapoints, which the alarms treat as breaching.
 * - Identity: its own ServiceAccount, no Kubernetes API token; EKS Pod Identity gives it the probe's pod role
 *   (stacks/compute/pod-roles.ts), whose credentials sign the IAM tokens of its database and cache users and its
 *   identity for auth (STS GetCallerIdentity needs no permission).
 * - Network (k8s/network-policies-chart.ts): out to the gateway pods on GATEWAY_PORT, to the VPC on the postgres and
 *   cache ports and on EMF_AGENT_PORT (the agent on the node's address), to the Pod Identity agent, to anywhere on
 *   443 (the edge), DNS like every pod, nothing in.
 */
import { Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { imageProblem } from '../lib/facts/images';
import { EMF_AGENT_PORT, IN_CLUSTER_PROBE_FIELDS, inClusterProbeTarget } from '../lib/views/probe-target';
import { PROBE_RUN } from '../lib/facts/probe-checks';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { DNS_LABEL } from '../lib/facts/kubernetes';
import { K8S_NAMESPACE, PROBE, PROBE_TARGET_CONFIGMAP, workloadName } from '../lib/facts/names/k8s';
import { ENV_NAME, HOSTNAME } from '../lib/plan/schema';
import { REGION_NAME } from '../lib/facts/regions';
import type { TargetField } from '../lib/facts/probe-checks';
import { APP_UID, containerSecurity, podSecurity, workloadLabels } from './secure-defaults';

/** Chart id, and the file name the rendered YAML gets (`probe.yaml`). */
export const PROBE_CHART_ID = 'probe';
/** Key of the target file in the ConfigMap, and so its file name under PROBE_TARGET_DIR. */
export const PROBE_TARGET_KEY = 'target.json';
export const PROBE_TARGET_DIR = '/etc/gigascale-probe';
/** Where probe/Dockerfile puts the repository. */
const APP_DIR = '/app';
/** Seconds as the probe's command line takes them: `3s`, or `500ms` for a fraction (probe/duration.ts). */
const duration = (seconds: number): string => (Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`);
/** Jobs kept after they end: the last success, and the last failures to read the logs of. */
const SUCCESSFUL_JOBS_KEPT = 1;
const FAILED_JOBS_KEPT = 3;

export interface ProbeChartProps {
  /** Environment name: the probe's `--env`, the metrics' Environment dimension. */
  readonly environment: string;
  /** AWS region the chart deploys to: the target file's `region`, the metrics' Region dimension. */
  readonly region: string;
  /** The environment's domain: the probe reads the edge at `api.<domain>`. */
  readonly domain: string;
  /** Shards of the environment: the probe reads a sample of them (lib/views/probe-target.ts probeShardSample). */
  readonly shards: number;
  /** Full image URI (lib/facts/images.ts imageUri of the plan's `probe` image), with a tag or a digest. */
  readonly image: string;
  /**
   * Target fields the probe gets an endpoint for (lib/views/probe-target.ts); each adds its checks.
   * @default IN_CLUSTER_PROBE_FIELDS (every field)
   */
  readonly fields?: readonly TargetField[];
  /** Namespace of the CronJob, its ServiceAccount and ConfigMap, and of the gateway it probes. @default 'gigascale' */
  readonly namespace?: string;
}

export class ProbeChart extends Chart {
  readonly serviceAccount: kplus.ServiceAccount;
  readonly targetConfigMap: kplus.ConfigMap;
  readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string, props: ProbeChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    validate(this.node.path, props, namespace);
    const name = workloadName(PROBE);
    const labels = workloadLabels(name, 'probe');

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });

    const target = inClusterProbeTarget(props.region, { environment: props.environment, domain: props.domain, shards: props.shards, namespace }, props.fields ?? IN_CLUSTER_PROBE_FIELDS);
    this.targetConfigMap = new kplus.ConfigMap(this, 'Target', {
      metadata: { name: PROBE_TARGET_CONFIGMAP, labels },
      data: { [PROBE_TARGET_KEY]: `${JSON.stringify(target, null, 2)}\n` },
    });

    const tmp = kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(64) });
    const targetVolume = kplus.Volume.fromConfigMap(this, 'TargetVolume', this.targetConfigMap, { name: 'target' });

    this.cronJob = new kplus.CronJob(this, 'CronJob', {
      metadata: { name, labels, annotations: { 'kubernetes.io/description': 'Synthetic probe of the region, every minute (bin/probe.ts)' } },
      podMetadata: { labels },
      schedule: Cron.everyMinute(),
      timeZone: 'Etc/UTC',
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      startingDeadline: Duration.seconds(PROBE_RUN.startingDeadlineSeconds),
      successfulJobsRetained: SUCCESSFUL_JOBS_KEPT,
      failedJobsRetained: FAILED_JOBS_KEPT,
      activeDeadline: Duration.seconds(PROBE_RUN.activeDeadlineSeconds),
      backoffLimit: 0,
      restartPolicy: kplus.RestartPolicy.NEVER,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: podSecurity(APP_UID),
      enableServiceLinks: false,
      terminationGracePeriod: Duration.seconds(5),
      isolate: false,
      containers: [
        {
          name: PROBE,
          image: props.image,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          workingDir: APP_DIR,
          command: ['node', '--import', 'tsx', 'bin/probe.ts'],
          args: [
            '--target',
            `${PROBE_TARGET_DIR}/${PROBE_TARGET_KEY}`,
            '--env',
            props.environment,
            '--warmup',
            duration(PROBE_RUN.warmupSeconds),
            '--duration',
            duration(PROBE_RUN.durationSeconds),
            '--rate',
            String(PROBE_RUN.ratePerSecond),
            '--timeout',
            duration(PROBE_RUN.timeoutSeconds),
            '--emf',
            // Kubernetes expands $(HOST_IP) from the container's environment: the agent on this pod's node.
            '--emf-endpoint',
            `tcp://$(HOST_IP):${EMF_AGENT_PORT}`,
          ],
          envVariables: { HOST_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_IP) },
          // Memory limit = request (never OOM-killed for memory it was promised). No CPU limit: CFS throttling would
          // stall the event loop and the probe would report the stall as the gateway's latency.
          resources: {
            cpu: { request: kplus.Cpu.millis(100) },
            memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) },
          },
          securityContext: containerSecurity(APP_UID),
          volumeMounts: [
            // The root filesystem is read-only; tsx keeps its compile cache in the temp directory.
            { path: '/tmp', volume: tmp },
            { path: PROBE_TARGET_DIR, volume: targetVolume, readOnly: true },
          ],
        },
      ],
    });
  }
}

function validate(path: string, props: ProbeChartProps, namespace: string): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  if (!ENV_NAME.test(props.environment)) issues.push({ at: at('environment'), message: `must be an environment name like prod, got ${JSON.stringify(props.environment)}` });
  if (!HOSTNAME.test(props.domain)) issues.push({ at: at('domain'), message: `must be a lower-case DNS name like example.com, got ${JSON.stringify(props.domain)}` });
  if (!REGION_NAME.test(props.region)) issues.push({ at: at('region'), message: `must be an AWS region name like us-east-1, got ${JSON.stringify(props.region)}` });
  const image = imageProblem(props.image);
  if (image !== undefined) issues.push({ at: at('image'), message: image });
  if (!DNS_LABEL.test(namespace)) issues.push({ at: at('namespace'), message: `must be a DNS-1123 label, got "${namespace}"` });
  if (!Number.isInteger(props.shards) || props.shards < 1) issues.push({ at: at('shards'), message: `must be the environment's shard count, a whole number of at least 1, got ${props.shards}` });
  if (props.fields !== undefined && props.fields.length === 0) issues.push({ at: at('fields'), message: 'must name at least one target field, got none' });
  if (issues.length > 0) throw new GigascaleError('Invalid ProbeChart props', issues);
}
