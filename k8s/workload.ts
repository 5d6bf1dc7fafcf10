/**
 * One long-running workload in the cluster: its Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget
 * and ServiceAccount, all named `workloadName(name)` (`gigascale-chat`). The gateway chart and every service chart
 * build theirs with this construct, so the secure defaults, probes, spread and disruption rules are written once.
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import {
  LIVENESS_PATH,
  READINESS_PATH,
  ROLLING_UPDATE_MAX_SURGE_PERCENT,
  SCALE_DOWN,
  SCALE_UP,
  SERVICE_PORT,
  type ScalingRules,
} from '../lib/facts/workloads';
import { imageProblem } from '../lib/facts/images';
import type { WorkloadSizes } from '../lib/facts/phases';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { DNS_LABEL } from '../lib/facts/kubernetes';
import { SPOT_TAINT } from '../lib/facts/karpenter';
import { pascalCase } from '../lib/util/strings';
import { WORKLOAD_LABEL, workloadName, workloadServiceAccountName } from '../lib/facts/names/k8s';
import { APP_UID, containerSecurity, podSecurity, workloadLabels } from './secure-defaults';
import { integerProblem } from '../lib/util/ranges';

/** A ConfigMap mounted read-only into the container (the whole map: its keys become files). */
export interface ConfigMapMount {
  /** Name of the ConfigMap, made by another chart or by this one. */
  readonly name: string;
  /** Directory the keys appear in. */
  readonly path: string;
}

export interface WorkloadProps {
  /** The workload (`chat`, `gateway`); every object is named `workloadName(name)`, the container `name`. */
  readonly name: string;
  /** Value of the `app.kubernetes.io/component` label. @default 'service' */
  readonly component?: string;
  /** Full image URI (lib/facts/images.ts imageUri), with a tag or a digest; `latest` and untagged are refused. */
  readonly image: string;
  /** Replicas and per-pod requests from the plan (`compute.workloads[name]`). */
  readonly sizes: WorkloadSizes;
  /** Port the container listens on; the Service exposes it under the name `http`. @default 8080 (SERVICE_PORT) */
  readonly port?: number;
  /** Environment variables, plain values (secrets are read from Secrets Manager by the pod, never passed here). @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** ConfigMaps mounted read-only. @default - none */
  readonly configMaps?: readonly ConfigMapMount[];
  /** Further volumes mounted into the container. @default - only `/tmp` */
  readonly volumeMounts?: readonly kplus.VolumeMount[];
  /** Path of the liveness probe (the process answers). @default '/healthz' (LIVENESS_PATH) */
  readonly livenessPath?: string;
  /** Path of the readiness probe (its dependencies answer). @default '/readyz' (READINESS_PATH) */
  readonly readinessPath?: string;
  /** Path of the startup probe, polled until the process first answers. @default - the liveness path */
  readonly startupPath?: string;
  /** UID and GID the container runs as. @default 1000 (APP_UID) */
  readonly uid?: number;
  /** What the workload does, as the Deployment's `kubernetes.io/description` annotation. @default - no annotation */
  readonly description?: string;
  /** Annotations of the pod template; a changed value rolls the pods (config checksums). @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * The Service has no cluster IP: its DNS name resolves to the ready pods' IPs, so a client (the gateway's Envoy,
   * STRICT_DNS) balances per pod instead of per connection through kube-proxy.
   */
  readonly headless: boolean;
  /** Entrypoint of the container. @default - the image's */
  readonly command?: readonly string[];
  /** Arguments of the entrypoint. @default - the image's */
  readonly args?: readonly string[];
  /**
   * Seconds a terminating pod has between SIGTERM (after the preStop sleep) and SIGKILL: long enough for WebSocket
   * servers to close their sockets and clients to reconnect elsewhere.
   * @default 30
   */
  readonly terminationGraceSeconds?: number;
  /**
   * Seconds the container sleeps before SIGTERM, while endpoints and DNS stop sending it new traffic; 0 for none.
   * Must be less than `terminationGraceSeconds`. Needs `sleep` in the image.
   * @default 0
   */
  readonly preStopSleepSeconds?: number;
  /** Size limit of the `/tmp` emptyDir (the root filesystem is read-only), MiB. @default 64 */
  readonly tmpSizeMiB?: number;
  /**
   * The pods tolerate the spot pool's taint (lib/facts/karpenter.ts SPOT_TAINT), so Karpenter may place them on spot
   * nodes, which it drains on the 2-minute interruption warning. @default false: on-demand nodes only
   */
  readonly tolerateSpot?: boolean;
  /**
   * Who scales the Deployment: its own HorizontalPodAutoscaler on CPU (`hpa`), or a KEDA ScaledObject the caller makes
   * (`keda`, which creates and owns the HPA). @default 'hpa'
   */
  readonly scaledBy?: 'hpa' | 'keda';
  /** A Service publishes the pods (false for workers nothing calls; their port still serves the probes). @default true */
  readonly serve?: boolean;
  /** Name of an environment variable holding the node's IP (the downward API's status.hostIP). @default - none */
  readonly nodeIpEnv?: string;
}

/** The HorizontalPodAutoscaler's target: average CPU use as a share of the request, percent. */
export const TARGET_CPU_UTILIZATION = 60;

/** Labels a workload's pods carry and its Deployment, Service and PodDisruptionBudget select on. */
export function workloadSelector(name: string): Record<string, string> {
  return { [WORKLOAD_LABEL]: workloadName(name) };
}

export class Workload extends Construct {
  readonly deployment: kplus.Deployment;
  /** Absent for a workload nothing calls (`serve: false`). */
  readonly service?: kplus.Service;
  /** Absent when KEDA scales the workload (`scaledBy: 'keda'`). */
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /**
   * The pods' ServiceAccount, named `workloadServiceAccountName(name)` (= `workloadName(name)`): the name the compute
   * stack's EKS Pod Identity association gives, with the namespace, to bind the workload's IAM role.
   */
  readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const port = props.port ?? SERVICE_PORT;
    const uid = props.uid ?? APP_UID;
    const terminationGraceSeconds = props.terminationGraceSeconds ?? 30;
    const preStopSleepSeconds = props.preStopSleepSeconds ?? 0;
    const tmpSizeMiB = props.tmpSizeMiB ?? 64;
    validate(this.node.path, props, { port, uid, terminationGraceSeconds, preStopSleepSeconds, tmpSizeMiB });

    const name = workloadName(props.name);
    const labels = workloadLabels(name, props.component ?? 'service');
    const selector = workloadSelector(props.name);
    const annotations = props.description === undefined ? undefined : { 'kubernetes.io/description': props.description };

    // No Kubernetes API token anywhere: the services never call the API server. EKS Pod Identity does not need one
    // either: its admission webhook adds its own projected token volume (audience pods.eks.amazonaws.com) and
    // AWS_CONTAINER_CREDENTIALS_FULL_URI whatever automountServiceAccountToken says (aws/amazon-eks-pod-identity-webhook
    // pkg/handler/testdata/containercredentials/rawPodWithoutVolumes.pod.yaml: the patch adds the projected volume).
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: workloadServiceAccountName(props.name), labels },
      automountToken: false,
    });

    const tmp = kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpSizeMiB) });
    const configMounts: kplus.VolumeMount[] = (props.configMaps ?? []).map((c) => ({
      path: c.path,
      readOnly: true,
      volume: kplus.Volume.fromConfigMap(this, `${pascalCase(c.name)}Volume`, kplus.ConfigMap.fromConfigMapName(this, pascalCase(c.name), c.name), {
        name: c.name,
      }),
    }));
    const http = (path: string, periodSeconds: number, failureThreshold: number) =>
      kplus.Probe.fromHttpGet(path, {
        port,
        periodSeconds: Duration.seconds(periodSeconds),
        failureThreshold,
        timeoutSeconds: Duration.seconds(2),
        initialDelaySeconds: Duration.seconds(0),
      });
    const livenessPath = props.livenessPath ?? LIVENESS_PATH;

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, labels, annotations },
      podMetadata: { labels, annotations: props.podAnnotations === undefined ? undefined : { ...props.podAnnotations } },
      // Select on app.kubernetes.io/name, not cdk8s's construct-path label: a Deployment's selector is immutable, and
      // NetworkPolicies elsewhere select the same label.
      select: false,
      // cdk8s-plus's `spread` is pod anti-affinity; the topology spread constraints are patched in below.
      spread: false,
      // No `replicas`: the autoscaler owns the count (cdk8s-plus refuses both), so an apply never resets a scaled-out
      // Deployment to the floor; a new Deployment starts at one pod and the autoscaler raises it to minReplicas.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(ROLLING_UPDATE_MAX_SURGE_PERCENT),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: podSecurity(uid),
      terminationGracePeriod: Duration.seconds(terminationGraceSeconds),
      // Service links put every Service of the namespace into the environment: nothing reads them.
      enableServiceLinks: false,
      isolate: false,
      containers: [
        {
          name: props.name,
          image: props.image,
          // References are pinned (imageProblem): a node's cached copy is the image asked for, and a scale-out does
          // not depend on the registry answering (Docker Hub rate-limits the gateway's Envoy image).
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          command: props.command === undefined ? undefined : [...props.command],
          args: props.args === undefined ? undefined : [...props.args],
          ports: [{ number: port, name: 'http', protocol: kplus.Protocol.TCP }],
          envVariables: Object.fromEntries([
            ...Object.entries(props.env ?? {})
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]),
            ...(props.nodeIpEnv === undefined ? [] : [[props.nodeIpEnv, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_IP)]]),
          ]),
          // Memory limit = request: a pod is never OOM-killed for memory the scheduler promised it, nor uses memory it
          // was not promised. No CPU limit: CFS throttling stalls a Node.js event loop (and Envoy's workers) for whole
          // periods under bursts, adding tail latency; the request alone reserves the CPU and drives the autoscaler.
          resources: {
            cpu: { request: kplus.Cpu.millis(props.sizes.cpuMillis) },
            memory: { request: Size.mebibytes(props.sizes.memoryMiB), limit: Size.mebibytes(props.sizes.memoryMiB) },
          },
          securityContext: containerSecurity(uid),
          startup: http(props.startupPath ?? livenessPath, 2, 30),
          readiness: http(props.readinessPath ?? READINESS_PATH, 5, 3),
          liveness: http(livenessPath, 10, 3),
          lifecycle: preStopSleepSeconds > 0 ? { preStop: kplus.Handler.fromCommand(['sleep', String(preStopSleepSeconds)]) } : undefined,
          volumeMounts: [{ path: '/tmp', volume: tmp }, ...configMounts, ...(props.volumeMounts ?? [])],
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', topologySpread(selector)),
      ...(props.tolerateSpot ? [JsonPatch.add('/spec/template/spec/tolerations', [{ ...SPOT_TAINT, operator: 'Equal' }])] : []),
    );

    if (props.serve ?? true) {
      this.service = new kplus.Service(this, 'Service', {
        metadata: { name, labels },
        type: kplus.ServiceType.CLUSTER_IP,
        clusterIP: props.headless ? 'None' : undefined,
        // Only ready pods are published, in the endpoints and (headless) in DNS.
        publishNotReadyAddresses: false,
        ports: [{ name: 'http', port, targetPort: port, protocol: kplus.Protocol.TCP }],
      });
      for (const [key, value] of Object.entries(selector)) this.service.selectLabel(key, value);
    }

    if ((props.scaledBy ?? 'hpa') === 'hpa') {
      this.autoscaler = cpuAutoscaler(this, 'Autoscaler', { name, labels, target: this.deployment, sizes: props.sizes });
    } else {
      // Without an autoscaler of its own cdk8s-plus would write `replicas: 2`, which every apply would reset the
      // KEDA-made HPA's count to: the Deployment sets none, as above.
      this.deployment.markHasAutoscaler();
    }

    // maxUnavailable 1 rather than a minAvailable: it limits voluntary evictions (node drains, upgrades) to one pod
    // at a time at any replica count the autoscaler picks, and never blocks a drain outright. A zone loss is not an
    // eviction and no budget stops it; what survives it is the zone spread below with at least two replicas.
    this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name, labels },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selector },
        // A pod that is not ready (crash-looping) serves nothing: draining its node may evict it.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}

/**
 * A HorizontalPodAutoscaler on CPU (TARGET_CPU_UTILIZATION of the request) between the planned bounds, at the platform's
 * scaling rates: the services', the gateway's and the TURN relay's.
 */
export function cpuAutoscaler(
  scope: Construct,
  id: string,
  props: { readonly name: string; readonly labels: Record<string, string>; readonly target: kplus.Deployment; readonly sizes: Pick<WorkloadSizes, 'minReplicas' | 'maxReplicas'> },
): kplus.HorizontalPodAutoscaler {
  return new kplus.HorizontalPodAutoscaler(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    target: props.target,
    minReplicas: props.sizes.minReplicas,
    maxReplicas: props.sizes.maxReplicas,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(TARGET_CPU_UTILIZATION))],
    scaleUp: scalingRules(SCALE_UP),
    scaleDown: scalingRules(SCALE_DOWN),
  });
}

/** The platform's scaling rules (lib/facts/workloads.ts) as cdk8s-plus takes them. */
export function scalingRules(rules: ScalingRules): kplus.ScalingRules {
  return {
    stabilizationWindow: Duration.seconds(rules.stabilizationWindowSeconds),
    strategy: kplus.ScalingStrategy.MAX_CHANGE,
    policies: rules.policies.map((p) => ({
      replicas: p.type === 'Pods' ? kplus.Replicas.absolute(p.value) : kplus.Replicas.percent(p.value),
      duration: Duration.seconds(p.periodSeconds),
    })),
  };
}

/**
 * Zones strictly balanced (a zone loss takes at most a third of the pods), nodes preferably. Only the current
 * revision counts (`pod-template-hash`), so a rollout does not skew on the pods it is replacing; tainted nodes do not
 * count (`Honor`), so the nodes of a lost zone, tainted unreachable, do not block scheduling in the other two.
 */
export function topologySpread(selector: Record<string, string>): kplus.k8s.TopologySpreadConstraint[] {
  const common = { labelSelector: { matchLabels: selector }, matchLabelKeys: ['pod-template-hash'], maxSkew: 1 };
  return [
    { ...common, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor' },
    { ...common, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  ];
}

interface Resolved {
  readonly port: number;
  readonly uid: number;
  readonly terminationGraceSeconds: number;
  readonly preStopSleepSeconds: number;
  readonly tmpSizeMiB: number;
}

function validate(path: string, props: WorkloadProps, r: Resolved): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  const int = (prop: string, value: number, min: number, max: number) => {
    const message = integerProblem(value, min, max);
    if (message !== undefined) issues.push({ at: at(prop), message });
  };
  const name = workloadName(props.name);
  if (!DNS_LABEL.test(name)) issues.push({ at: at('name'), message: `must make a name ${JSON.stringify(name)} that is a DNS-1123 label, got ${JSON.stringify(props.name)}` });
  const image = imageProblem(props.image);
  if (image !== undefined) issues.push({ at: at('image'), message: image });
  int('sizes.minReplicas', props.sizes.minReplicas, 1, 10_000);
  int('sizes.maxReplicas', props.sizes.maxReplicas, Math.max(1, props.sizes.minReplicas), 10_000);
  int('sizes.cpuMillis', props.sizes.cpuMillis, 1, 256_000);
  int('sizes.memoryMiB', props.sizes.memoryMiB, 1, 1_048_576);
  int('port', r.port, 1, 65_535);
  int('uid', r.uid, 1, 2_147_483_647);
  int('terminationGraceSeconds', r.terminationGraceSeconds, 1, 3600);
  int('preStopSleepSeconds', r.preStopSleepSeconds, 0, Math.max(0, r.terminationGraceSeconds - 1));
  int('tmpSizeMiB', r.tmpSizeMiB, 1, 10_240);
  for (const [key, value] of [['livenessPath', props.livenessPath], ['readinessPath', props.readinessPath], ['startupPath', props.startupPath]] as const) {
    if (value !== undefined && !value.startsWith('/')) issues.push({ at: at(key), message: `must be a path starting with /, got ${JSON.stringify(value)}` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid Workload props', issues);
}
