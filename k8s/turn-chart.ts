/**
 * The region's TURN relay: coturn in its own namespace, reached through the CDK-owned NLB (UDP 3478, and TLS 5349
 * terminated at the NLB and forwarded as TCP to 3478), whose target groups find the pods through TargetGroupBindings
 * (k8s/target-group-bindings-chart.ts) on the ClusterIP Service made here.
 *
 * A TURN relay connects to whatever peer address an authenticated client names, so the relay must never reach into
 * the VPC, the node or the link-local services (SSRF: rtcsec.com's Slack TURN write-up). coturn refuses the private,
 * loopback, link-local and shared ranges (`--denied-peer-ip`), and the relay's NetworkPolicy
 * (k8s/network-policies-chart.ts) lets relayed UDP out only to public addresses: two independent fences.
 *
 * The shared secret TURN REST credentials are signed with comes from Secrets Manager through the Secrets Store CSI
 * driver (k8s/secret-sync-chart.ts): the pod mounts the provider class, the driver syncs the Kubernetes Secret
 * TURN_AUTH_SECRET, and the container reads its keys `previous`, `current` and `next` (the slots of the rotated
 * secret, lib/facts/turn-secret.ts) as TURN_SECRET_PREVIOUS, ..._CURRENT and ..._NEXT, and accepts credentials
 * signed with any. The value never appears in a manifest.
 */
import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { imageProblem } from '../lib/facts/images';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { parseCidr, cidrSize, type Cidr } from '../lib/plan/cidr';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../lib/facts/kubernetes';
import { TURN_AUTH_SECRET, TURN_NAMESPACE, workloadName } from '../lib/facts/names/k8s';
import {
  TURN_DRAIN_SECONDS,
  TURN_PORT,
  TURN_RELAY_MAX_PORT,
  TURN_RELAY_MIN_PORT,
  TURN_STOP_SECONDS,
} from '../lib/facts/workloads';
import type { WorkloadSizes } from '../lib/facts/phases';
import { KARPENTER_NODEPOOL_LABEL } from '../lib/facts/karpenter';
import { SECRET_SLOTS, type SecretSlot } from '../lib/facts/secret-slots';
import { SECRETS_STORE_DRIVER } from './secret-sync-chart';
import { containerSecurity, podSecurity, workloadLabels } from './secure-defaults';
import { cpuAutoscaler, topologySpread, workloadSelector } from './workload';

/** Chart id, and the file name cdk8s writes (`turn.k8s.yaml`). */
export const TURN_CHART_ID = 'turn';
/** Names of the Service ports the TargetGroupBindings refer to: both are 3478, so only the name tells them apart. */
export const TURN_UDP_PORT_NAME = 'turn-udp';
export const TURN_TCP_PORT_NAME = 'turn-tcp';

/**
 * Peers the relay refuses: this network (0/8), RFC 1918 (the VPC and any peered network), shared address space
 * (100.64/10: VPC secondary CIDRs for pods use it), loopback and link-local (IMDS 169.254.169.254, the EKS Pod
 * Identity agent 169.254.170.23).
 */
export const TURN_DENIED_PEER_CIDRS: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
];

/** UID and GID of `nobody:nogroup`, the user coturn's Debian image runs as (docker/coturn/debian/Dockerfile `USER nobody:nogroup`). */
export const COTURN_UID = 65534;
/** Where the pod mounts the CSI volume; only its mount matters (it triggers the sync), the files go unused. */
const SECRETS_MOUNT = '/mnt/secrets-store';

export interface TurnChartProps {
  /** Pull URI of the coturn image (lib/facts/images imageUri of the plan's `turn` image), e.g. `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/coturn/coturn:4.7.0@sha256:...`. */
  readonly image: string;
  /** The relay's public hostname (lib/facts/names/ingress.ts turnHostname), coturn's realm. */
  readonly realm: string;
  /** The autoscaler's bounds and each pod's requests, from the plan (`compute.turn`). */
  readonly sizes: WorkloadSizes;
  /**
   * coturn's `--external-ip`: the public address (or `public/private` mapping) it advertises as the relayed address.
   * Without it the relayed address is the pod's private IP, which peers on the internet cannot reach: the NLB
   * forwards only 3478, not the relay ports, so relayed media needs a public path to each pod of its own.
   * @default - none
   */
  readonly externalIp?: string;
  /** Namespace of the relay. @default 'gigascale-turn' */
  readonly namespace?: string;
}

/** CPU a relay pod may burst to, millicores: relaying is packet forwarding in a few threads, bursts are short. */
const TURN_CPU_LIMIT_MILLIS = 2000;

export class TurnChart extends Chart {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly autoscaler: kplus.HorizontalPodAutoscaler;
  readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: TurnChartProps) {
    const namespace = props.namespace ?? TURN_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    validate(this.node.path, props, namespace);
    const { sizes } = props;

    const name = workloadName('turn');
    const labels = workloadLabels(name, 'turn-relay');
    const selector = workloadSelector('turn');

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    const authSecret = kplus.Secret.fromSecretName(this, 'AuthSecret', TURN_AUTH_SECRET);
    const secretsStore = kplus.Volume.fromCsi(this, 'SecretsStore', SECRETS_STORE_DRIVER, {
      name: 'secrets-store',
      readOnly: true,
      attributes: { secretProviderClass: TURN_AUTH_SECRET },
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, labels },
      podMetadata: { labels },
      select: false,
      // No `replicas`: the autoscaler below owns the count (see k8s/workload.ts). The zone spread is patched in below.
      spread: false,
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: podSecurity(COTURN_UID),
      terminationGracePeriod: Duration.seconds(TURN_DRAIN_SECONDS + TURN_STOP_SECONDS),
      containers: [
        {
          name: 'coturn',
          image: props.image,
          // The binary itself, not the image's docker-entrypoint.sh: the entrypoint `eval`s every argument, which
          // would run a secret containing `$(...)` or backticks as shell.
          command: ['turnserver'],
          args: coturnArgs(props),
          envVariables: Object.fromEntries(SECRET_SLOTS.map((slot) => [turnSecretVariable(slot), kplus.EnvValue.fromSecretValue({ secret: authSecret, key: slot })])),
          ports: [
            { name: TURN_UDP_PORT_NAME, number: TURN_PORT, protocol: kplus.Protocol.UDP },
            { name: TURN_TCP_PORT_NAME, number: TURN_PORT, protocol: kplus.Protocol.TCP },
          ],
          securityContext: {
            ...containerSecurity(COTURN_UID),
            // The image sets CAP_NET_BIND_SERVICE as a file capability on /usr/bin/turnserver (`setcap ...=+ep`). The
            // kernel refuses to exec a file whose permitted capabilities are outside the bounding set, so dropping ALL
            // alone fails with "operation not permitted" (coturn#1126, #994). Adding it back keeps it in the bounding
            // set; allowPrivilegeEscalation=false (no_new_privs) still keeps it out of the process, which needs none
            // to bind 3478. NET_BIND_SERVICE is the one capability the restricted Pod Security Standard allows.
            capabilities: { drop: [kplus.Capability.ALL], add: [kplus.Capability.NET_BIND_SERVICE] },
          },
          resources: {
            cpu: { request: kplus.Cpu.millis(sizes.cpuMillis), limit: kplus.Cpu.millis(Math.max(TURN_CPU_LIMIT_MILLIS, sizes.cpuMillis)) },
            memory: { request: Size.mebibytes(sizes.memoryMiB), limit: Size.mebibytes(sizes.memoryMiB * 2) },
          },
          readiness: kplus.Probe.fromTcpSocket({ port: TURN_PORT }),
          liveness: kplus.Probe.fromTcpSocket({ port: TURN_PORT }),
          // The drain (TURN_DRAIN_SECONDS): existing allocations keep relaying while the NLB stops sending new ones.
          lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', String(TURN_DRAIN_SECONDS)]) },
          volumeMounts: [
            // Read-only root filesystem: coturn writes its pid file to /var/tmp when not root, and opens its default
            // SQLite user database under /var/lib/coturn (the image's VOLUME).
            { path: '/var/tmp', volume: kplus.Volume.fromEmptyDir(this, 'VarTmp', 'var-tmp', { sizeLimit: Size.mebibytes(16) }) },
            { path: '/var/lib/coturn', volume: kplus.Volume.fromEmptyDir(this, 'Db', 'db', { sizeLimit: Size.mebibytes(64) }) },
            { path: SECRETS_MOUNT, volume: secretsStore, readOnly: true },
          ],
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    // Zones balanced like the services': a zone's loss takes at most its share of the relays.
    ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', topologySpread(selector)));
    // On Karpenter's nodes only, never the managed system nodes: those expire (NODE_DISRUPTION.expireAfter), which
    // bounds how long a relay lives, and a relay must not outlive a rotation of its secret (lib/facts/turn-secret.ts).
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/affinity', {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: KARPENTER_NODEPOOL_LABEL, operator: 'Exists' }] }] } },
      }),
    );

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      publishNotReadyAddresses: false,
      ports: [
        { name: TURN_UDP_PORT_NAME, port: TURN_PORT, targetPort: TURN_PORT, protocol: kplus.Protocol.UDP },
        { name: TURN_TCP_PORT_NAME, port: TURN_PORT, targetPort: TURN_PORT, protocol: kplus.Protocol.TCP },
      ],
    });
    // By label, not `selector: deployment`, which would select on cdk8s's construct-address label.
    for (const [key, value] of Object.entries(selector)) this.service.selectLabel(key, value);

    // On CPU: relaying is packet forwarding, and its CPU grows with the relayed calls' bitrate.
    this.autoscaler = cpuAutoscaler(this, 'Autoscaler', { name, labels, target: this.deployment, sizes });

    // cdk8s-plus has no PodDisruptionBudget; the generated policy/v1 type is used instead. One pod at a time, as the
    // services (k8s/workload.ts): a drain never blocks, and a crash-looping pod may always be evicted.
    this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name, labels },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  }
}

/** coturn's command line, every option explicit (the image ships no config file). */
export function coturnArgs(props: Pick<TurnChartProps, 'realm' | 'externalIp'>): string[] {
  return [
    `--listening-port=${TURN_PORT}`,
    // TLS on 5349 ends at the NLB, which forwards to TCP 3478; the relay holds no certificate.
    '--no-tls',
    '--no-dtls',
    `--min-port=${TURN_RELAY_MIN_PORT}`,
    `--max-port=${TURN_RELAY_MAX_PORT}`,
    `--realm=${props.realm}`,
    '--fingerprint',
    // TURN REST credentials: time-limited usernames signed with the shared secret; no static users.
    '--use-auth-secret',
    // Every slot of the rotated secret (lib/facts/turn-secret.ts): coturn tries each. Kubernetes substitutes $(...)
    // from the container's environment; the manifest holds only the references.
    ...SECRET_SLOTS.map((slot) => `--static-auth-secret=$(${turnSecretVariable(slot)})`),
    '--no-cli',
    '--no-software-attribute',
    '--log-file=stdout',
    '--pidfile=/var/tmp/turnserver.pid',
    // WebRTC relays UDP; TCP relay allocations (RFC 6062) would only widen what a client can reach.
    '--no-tcp-relay',
    '--no-multicast-peers',
    ...TURN_DENIED_PEER_CIDRS.map((cidr) => `--denied-peer-ip=${addressRange(cidr)}`),
    ...(props.externalIp === undefined ? [] : [`--external-ip=${props.externalIp}`]),
  ];
}

/** `TURN_SECRET_CURRENT`: the container's variable of one slot of the shared secret. */
export function turnSecretVariable(slot: SecretSlot): string {
  return `TURN_SECRET_${slot.toUpperCase()}`;
}

/** `10.0.0.0/8` -> `10.0.0.0-10.255.255.255`: coturn's documented form of a peer range (docker/coturn/turnserver.conf). */
export function addressRange(cidr: string): string {
  const parsed = parseCidr(cidr) as Cidr;
  return `${address(parsed.base)}-${address(parsed.base + cidrSize(parsed) - 1)}`;
}

function address(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function validate(path: string, props: TurnChartProps, namespace: string): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  const image = imageProblem(props.image);
  if (image !== undefined) issues.push({ at: at('image'), message: image });
  if (!DNS_SUBDOMAIN.test(props.realm)) issues.push({ at: at('realm'), message: `must be a lower-case host name, got "${props.realm}"` });
  const { minReplicas, maxReplicas } = props.sizes;
  if (!Number.isInteger(minReplicas) || minReplicas < 1) issues.push({ at: at('sizes.minReplicas'), message: `must be an integer of at least 1, got ${minReplicas}` });
  if (!Number.isInteger(maxReplicas) || !(maxReplicas > minReplicas)) {
    issues.push({ at: at('sizes.maxReplicas'), message: `must be an integer above minReplicas (${minReplicas}): the autoscaler needs room, got ${maxReplicas}` });
  }
  if (!DNS_LABEL.test(namespace)) issues.push({ at: at('namespace'), message: `must be a DNS-1123 label, got "${namespace}"` });
  if (props.externalIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,3}(\.\d{1,3}){3})?$/.test(props.externalIp)) {
    issues.push({ at: at('externalIp'), message: `must be an IPv4 address or public/private pair, got "${props.externalIp}"` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid TurnChart props', issues);
}
